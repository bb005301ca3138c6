using System.Globalization;
using Dapper;
using Monitor.Core.Alerts;
using Xunit.Abstractions;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// Two Alerts worker processes on one PostgreSQL database both run the digest scheduler: every due digest goes out once,
/// as one email and one webhook, and no alert is in two digests.
/// </summary>
public sealed class DigestCompetingWorkersTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Subscriptions = 5;
    private const int AlertsEach = 20;
    private DistributedTopology _topology = null!;
    private SmtpSink _sink = null!;
    private WebhookReceiver _webhook = null!;
    private readonly List<MonitorProcess> _workers = [];

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync();
        _sink = await SmtpSink.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await _webhook.DisposeAsync();
        await _sink.DisposeAsync();
        await _topology.DisposeAsync();
    }

    [Fact]
    public async Task Two_alerts_workers_send_each_due_digest_once()
    {
        var environment = new Dictionary<string, string>(_topology.Environment)
        {
            ["Alerts__Smtp__Host"] = _sink.Host,
            ["Alerts__Smtp__Port"] = _sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Alerts__Smtp__Security"] = "None",
            ["Alerts__DigestPollInterval"] = "00:00:00.200",
            ["Alerts__AllowedNetworks__0"] = "127.0.0.1/32",
        };
        for (var i = 0; i < 2; i++)
        {
            var worker = MonitorProcess.Create("workers/Monitor.Alerts", environment);
            _workers.Add(worker);
            await worker.StartAsync();
        }

        var database = _topology.OpenDatabase();
        var subscriptions = new List<long>();
        for (var s = 0; s < Subscriptions; s++)
        {
            var user = await AlertsTestData.CreateUserAsync(database, $"user{s}", $"user{s}@example.org");
            var subscription = AlertsTestData.Subscription(user, $"Race {s}") with
            {
                Delivery = SubscriptionDelivery.Hourly, Email = true, WebhookUrl = _webhook.Url.ToString(),
            };
            _webhook.Secret = subscription.WebhookSecret!;
            subscriptions.Add(await new SubscriptionStore(database).AddAsync(subscription));
        }

        // Every digest falls due at the same moment, in one commit: both workers see all of them at their next pass.
        var alertIds = new List<long>();
        await using (var connection = await database.OpenAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var due = Database.ToDb(DateTimeOffset.UtcNow.AddMinutes(-1));
            for (var s = 0; s < Subscriptions; s++)
            {
                var userId = await connection.ExecuteScalarAsync<long>("SELECT user_id FROM subscriptions WHERE id = @Id", new { Id = subscriptions[s] }, transaction);
                for (var a = 0; a < AlertsEach; a++)
                {
                    alertIds.Add(await connection.ExecuteScalarAsync<long>("""
                        INSERT INTO alerts (subscription_id, user_id, dedupe_key, kind, title, url, matched_topics, triggered_at, digest_due_at)
                        VALUES (@SubscriptionId, @UserId, @Key, 'statement', @Title, 'https://example.org/', '["collective-defence"]', @Due, @Due)
                        RETURNING id
                        """, new { SubscriptionId = subscriptions[s], UserId = userId, Key = $"statement:{a}", Title = $"Statement {s}-{a}", Due = due }, transaction));
                }
            }

            await transaction.CommitAsync();
        }

        await _sink.WaitForAsync(Subscriptions, TimeSpan.FromSeconds(60));
        await _webhook.WaitForAsync(accepted => accepted.Count >= Subscriptions, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(3));

        // Which worker closed which digest varies from run to run; the outcome must not.
        output.WriteLine(string.Join(", ", _workers.Select((w, i) =>
            $"worker {i}: {w.Output.Split('\n').Count(line => line.Contains("Digest of subscription", StringComparison.Ordinal))} digests closed")));
        var mails = _sink.Messages;
        Assert.Equal(Subscriptions, mails.Count);
        Assert.Equal(Enumerable.Range(0, Subscriptions).Select(s => $"[Monitor] Race {s}: {AlertsEach} alerts (hourly digest)").Order(), mails.Select(m => m.Subject).Order());
        Assert.All(mails, mail => Assert.Equal(AlertsEach, mail.HtmlBody!.Split("<li>").Length - 1));
        var hooks = _webhook.Received;
        Assert.Equal(Subscriptions, hooks.Count);
        Assert.All(hooks, hook => Assert.True(hook.SignatureValid));
        Assert.Equal(alertIds.Order(), hooks.SelectMany(h => h.AlertIds).Order());
        await using var check = await database.OpenAsync();
        // A receiver answers before its sender records the answer: wait for the records.
        var recorded = DateTime.UtcNow.AddSeconds(30);
        while (await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'") < 2 * Subscriptions && DateTime.UtcNow < recorded)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2 * Subscriptions, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'"));
        Assert.Equal(2 * Subscriptions, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries"));
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts WHERE digest_due_at IS NOT NULL"));
    }
}
