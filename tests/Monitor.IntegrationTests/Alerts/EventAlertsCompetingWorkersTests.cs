using System.Collections.Concurrent;
using Dapper;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Core.Events;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Events;
using Monitor.Data.Statements;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// "Event" subscriptions with two Alerts worker processes on one PostgreSQL database and RabbitMQ: a clustering page
/// written by the real <see cref="EventStore"/> reaches them through the outbox (their relays) and the competing
/// <c>match-event-subscriptions</c> queue, and the same page is published eight times more at once, so both workers
/// handle copies of it concurrently. Each (event, subscription) alerts once, with one signed webhook.
/// </summary>
public sealed class EventAlertsCompetingWorkersTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Events = 6;
    private DistributedTopology _topology = null!;
    private WebhookReceiver _webhook = null!;
    private PipelineBus _bus = null!;

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync();
        _webhook = await WebhookReceiver.StartAsync();
        _bus = await PipelineBus.StartAsync(_topology.Rabbit);
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _webhook.DisposeAsync();
        await _topology.DisposeAsync();
    }

    [Fact]
    public async Task Two_alerts_workers_and_a_page_delivered_nine_times_give_one_alert_per_event_and_subscription()
    {
        var raisedBy = new ConcurrentDictionary<int, int>();
        for (var i = 0; i < 2; i++)
        {
            var worker = _topology.Create("workers/Monitor.Alerts", new Dictionary<string, string> { ["Alerts__AllowedNetworks__0"] = "127.0.0.1/32" });
            var index = i;
            worker.OutputLine += line =>
            {
                if (line.Contains("(event) raised by subscription", StringComparison.Ordinal))
                {
                    raisedBy.AddOrUpdate(index, 1, (_, n) => n + 1);
                }
            };
            await worker.StartAsync();
        }

        var database = _topology.OpenDatabase();
        var secret = "whsec-events";
        _webhook.Secret = secret;
        var subscriptions = new SubscriptionStore(database);
        var sanctions = new List<long>();
        for (var u = 0; u < 3; u++)
        {
            var user = await AlertsTestData.CreateUserAsync(database, $"analyst{u}");
            sanctions.Add(await subscriptions.AddAsync(AlertsTestData.Subscription(user, $"Sanctions {u}") with
            {
                Kind = SubscriptionKinds.Event, Topics = ["sanctions"], WebhookUrl = _webhook.Url.ToString(), WebhookSecret = secret,
            }));
        }

        var owner = await AlertsTestData.CreateUserAsync(database, "other");
        var nuclear = await subscriptions.AddAsync(AlertsTestData.Subscription(owner, "Nuclear") with
        {
            Kind = SubscriptionKinds.Event, Topics = ["nuclear-chemical-threats"], WebhookUrl = _webhook.Url.ToString(), WebhookSecret = secret,
        });

        // One page: events 1..6, each a NATO statement and an EP statement on sanctions.
        var day = DateTimeOffset.UtcNow.AddDays(-1);
        var events = new EventStore(database);
        var epoch = (await events.TryLeaseAsync("test", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)))!.Value;
        var none = new Dictionary<long, string>();
        await using (var page = (await events.BeginPageAsync("test", epoch, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)))!)
        {
            long last = 0;
            for (var e = 1; e <= Events; e++)
            {
                var nato = await StoreAsync(database, "nato-news", $"n{e}", $"Allies on sanctions, round {e}", day);
                var ep = await StoreAsync(database, "ep-press", $"p{e}", $"Parliament on sanctions, round {e}", day);
                await page.WriteAsync(new EventStatement(nato, DateOnly.FromDateTime(day.UtcDateTime), "NATO", [1, 0, 0], ["sanctions"], []),
                    new EventAssignment(nato, e, true, "first statement", []), none);
                await page.WriteAsync(new EventStatement(ep, DateOnly.FromDateTime(day.UtcDateTime), "EP", [1, 0, 0], ["sanctions"], []),
                    new EventAssignment(ep, e, false, $"similarity 0.9 with statement {nato}", []), none);
                last = ep;
            }

            await page.CommitAsync(last);
        }

        // The page as the outbox holds it, published eight more times at once while the relays publish the original.
        StatementsGrouped grouped;
        await using (var connection = await database.OpenAsync())
        {
            var payload = await connection.QuerySingleAsync<string>("SELECT payload FROM outbox WHERE message_type = @Type", new { Type = typeof(StatementsGrouped).FullName });
            grouped = System.Text.Json.JsonSerializer.Deserialize<StatementsGrouped>(payload, Monitor.Data.Outbox.OutboxStore.Json)!;
        }

        Assert.Equal(Events, grouped.Events.Count(e => e.BothInstitutionsNow));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _bus.PublishAsync(grouped)));

        var expected = sanctions.Count * Events;
        await _webhook.WaitForAsync(received => received.Count >= expected, TimeSpan.FromSeconds(60));
        // Every copy consumed (the queue empty) and a moment for any late second alert or send.
        await WaitForEmptyQueueAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));

        output.WriteLine($"alerts raised by worker 0: {raisedBy.GetValueOrDefault(0)}, by worker 1: {raisedBy.GetValueOrDefault(1)}");
        var alerts = new AlertStore(database);
        Assert.Equal(expected, await alerts.CountAsync());
        foreach (var subscription in sanctions)
        {
            var own = await alerts.ListForSubscriptionAsync(subscription);
            Assert.Equal(Enumerable.Range(1, Events).Select(e => $"/event.html?id={e}"), own.Select(a => a.Url).Order(StringComparer.Ordinal));
            Assert.All(own, a => Assert.Equal(AlertKinds.Event, a.Kind));
        }

        Assert.Empty(await alerts.ListForSubscriptionAsync(nuclear));
        Assert.Equal(expected, raisedBy.Values.Sum());
        var hooks = _webhook.Received;
        Assert.Equal(expected, hooks.Count);
        Assert.All(hooks, hook => Assert.True(hook.SignatureValid));
        Assert.Equal(expected, hooks.SelectMany(h => h.AlertIds).Distinct().Count());
    }

    // The relays published the page (the outbox holds it no more), the queue has no message ready or unacknowledged,
    // and no alert row appeared for a second.
    private async Task WaitForEmptyQueueAsync(TimeSpan within)
    {
        var database = _topology.OpenDatabase();
        var deadline = DateTime.UtcNow + within;
        long last = -1;
        while (DateTime.UtcNow < deadline)
        {
            await using var connection = await database.OpenAsync();
            var outbox = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE message_type = @Type", new { Type = typeof(StatementsGrouped).FullName });
            var queue = await _topology.Rabbit.GetQueueAsync("match-event-subscriptions");
            var count = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts");
            if (outbox == 0 && queue is { Messages: 0 } && count == last)
            {
                return;
            }

            last = count;
            await Task.Delay(1000);
        }

        throw new TimeoutException($"The page's copies were not all consumed within {within.TotalSeconds} s");
    }

    private static async Task<long> StoreAsync(Database database, string source, string externalId, string title, DateTimeOffset published)
    {
        var discovered = new StatementDiscovered(source, externalId, $"https://example.org/{externalId}", title, $"Summary of {externalId}.", "", published, "en", $"hash-{externalId}", published);
        var stored = await new StatementStore(database).StoreAsync(new StatementTagged(discovered, [new TopicScore("sanctions", 0.9, [])], "v1", published), published);
        return stored?.StatementId ?? throw new InvalidOperationException("not stored");
    }
}
