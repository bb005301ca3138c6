using Dapper;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Data.Statements;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// Matching scales out and survives a crash: two Alerts processes compete for the match-subscriptions queue over
/// RabbitMQ and PostgreSQL while statements flow through Tagging and Persistence; one is SIGKILLed mid-stream and
/// restarted. Every statement gets exactly one alert, and every alert reaches the webhook in exactly one delivery.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class AlertsRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Statements = 300;
    private readonly List<MonitorProcess> _alerts = [];
    private DistributedTopology _topology = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _alerts)
        {
            await process.DisposeAsync();
        }

        await _receiver.DisposeAsync();
        await _topology.DisposeAsync();
    }

    [Fact]
    public async Task Killing_one_of_two_alerts_processes_mid_stream_misses_and_repeats_no_alert()
    {
        await _topology.StartAsync("workers/Monitor.Tagging");
        await _topology.StartAsync("workers/Monitor.Persistence");
        var environment = new Dictionary<string, string>(_topology.Environment)
        {
            ["Alerts__AllowedNetworks__0"] = "127.0.0.1/32",
            ["Alerts__FirstRetryDelay"] = "00:00:00.200",
            ["Alerts__MaxRetryDelay"] = "00:00:02",
            // The lease a killed process leaves behind is 4 × SendTimeout + 30 s: keep the wait for it short.
            ["Alerts__SendTimeout"] = "00:00:02",
        };
        var victim = MonitorProcess.Create("workers/Monitor.Alerts", environment);
        var survivor = MonitorProcess.Create("workers/Monitor.Alerts", environment);
        _alerts.AddRange([victim, survivor]);
        await victim.StartAsync();
        await survivor.StartAsync();

        var database = _topology.OpenDatabase();
        var userId = await AlertsTestData.CreateUserAsync(database, "ana", "ana@example.org");
        var subscription = AlertsTestData.Subscription(userId, "everything") with { WebhookUrl = _receiver.Url.ToString() };
        _receiver.Secret = subscription.WebhookSecret!;
        var subscriptionId = await new SubscriptionStore(database).AddAsync(subscription);

        await using (var bus = await PipelineBus.StartAsync(_topology.Rabbit))
        {
            await Task.WhenAll(Enumerable.Range(0, Statements).Select(i =>
                bus.PublishAsync(PipelineBus.Statement("ep-press-releases", $"Statement {i} on sanctions and air defence", $"Text of statement {i}."))));
        }

        var alerts = new AlertStore(database);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await alerts.CountAsync() < Statements / 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // Counted as the kill is sent: the survivor goes on raising meanwhile, and with both processes quick it can raise
        // all the rest before a count taken after the kill (it did: 300 of 300).
        var alertedAtKill = await alerts.CountAsync();
        await victim.KillAsync();
        output.WriteLine($"SIGKILLed one Alerts process with {alertedAtKill} of {Statements} alerts raised");
        Assert.InRange(alertedAtKill, 1, Statements - 1);
        await victim.RestartAsync();

        await using var connection = await database.OpenAsync();
        deadline = DateTime.UtcNow.AddSeconds(180);
        while (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'") < Statements && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        // A lease the killed process held runs out before its rows go again: give a repeat its chance to show.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var statementIds = (await connection.QueryAsync<long>("SELECT id FROM statements ORDER BY id")).ToList();
        var raised = await alerts.ListForSubscriptionAsync(subscriptionId);
        Assert.Equal(Statements, await new StatementStore(database).CountAsync());
        Assert.Equal(statementIds, raised.Select(a => a.StatementId!.Value).Order());
        var deliveries = await new DeliveryStore(database).ListForSubscriptionAsync(subscriptionId);
        Assert.Equal(Statements, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(DeliveryStates.Delivered, d.State));

        var accepted = _receiver.Accepted;
        Assert.All(accepted, r => Assert.True(r.SignatureValid));
        Assert.Equal(raised.Select(a => a.Id).Order(), accepted.SelectMany(r => r.AlertIds).Distinct().Order());
        // Each alert went out in one delivery. A POST repeated with the same X-Monitor-Delivery (a send whose process
        // died before recording it) is the receiver's to drop; count them to see how often it happens.
        Assert.All(accepted.GroupBy(r => r.AlertIds.Single()), g => Assert.Single(g.Select(r => r.DeliveryId).Distinct()));
        output.WriteLine($"{accepted.Count} POSTs accepted for {raised.Count} alerts ({accepted.Count - accepted.Select(r => r.DeliveryId).Distinct().Count()} repeated deliveries)");
    }
}
