using System.Globalization;
using System.Text.Json;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.Alerts.Delivery;
using Monitor.Alerts.Matching;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Core.Events;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Events;
using Monitor.Data.History;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>
/// "Event" subscriptions through MassTransit's test harness on a real SQLite file: a clustering page
/// (<see cref="StatementsGrouped"/>) raises one alert per event and subscription when NATO and the EP have both spoken
/// on it, whatever is repeated; topics, other kinds, disabled and suspended subscriptions, history, quiet hours and
/// digests; and, with pages written by the real <see cref="EventStore"/>, an event kept by a merge does not alert again.
/// </summary>
public sealed class MatchEventSubscriptionsConsumerTests : IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private readonly AlertsOptions _options = new() { Smtp = new SmtpOptions { Host = "smtp.example.org" } };
    private MigratedSqlite _sqlite = null!;
    private BusHarness _bus = null!;
    private Database _database = null!;
    private long _userId;

    public async Task InitializeAsync()
    {
        _sqlite = await MigratedSqlite.CreateAsync();
        _database = _sqlite.Database;
        _userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
        _bus = await BusHarness.StartAsync(new ServiceCollection()
            .AddSingleton(_database)
            .AddSingleton<SubscriptionStore>()
            .AddSingleton<AlertStore>()
            .AddSingleton<QueryMatch>()
            .AddSingleton<TopicVolume>()
            .AddSingleton<OutboxSignal>()
            .AddSingleton<DeliverySignal>()
            .AddSingleton<AlertPlanner>()
            .AddSingleton<AlertRaiser>()
            .AddSingleton(Options.Create(_options))
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddMassTransitTestHarness(x => x.AddConsumer<MatchEventSubscriptionsConsumer>()));
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_repeated_page_alerts_once_per_event_and_subscription_with_the_event_page_its_title_and_sends()
    {
        var subscriptions = new SubscriptionStore(_database);
        var sanctions = await subscriptions.AddAsync(EventSubscription("sanctions") with { Topics = ["sanctions"], WebhookUrl = "https://hooks.example.org/e" });
        var anyEvent = await subscriptions.AddAsync(EventSubscription("any event") with { InApp = false });
        var nuclear = await subscriptions.AddAsync(EventSubscription("nuclear") with { Topics = ["nuclear-chemical-threats"] });
        var statements = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "statements"));
        var spike = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "spike") with
        {
            Kind = SubscriptionKinds.Spike, Topics = ["sanctions"], SpikeWindowHours = 1, SpikeFactor = 2,
        });

        var both = Grouped(41, "Allies and Parliament on new sanctions", bothNow: true, topics: ["sanctions", "collective-defence"]);
        var page = new StatementsGrouped([new StatementGrouped(7, 41, false)], [both, Grouped(42, "NATO alone", bothNow: false)]);
        // The same page three times (a redelivery, a relay that published twice), then a later page of the same event,
        // which already had both.
        await PublishAndWaitAsync(page, page, page, new StatementsGrouped([new StatementGrouped(8, 41, false)], [both with { BothInstitutionsNow = false, Members = 4 }]));

        var alerts = new AlertStore(_database);
        var alert = Assert.Single(await alerts.ListForSubscriptionAsync(sanctions));
        Assert.Equal((AlertKinds.Event, "NATO and the EP on: Allies and Parliament on new sanctions", "/event.html?id=41"), (alert.Kind, alert.Title, alert.Url));
        Assert.Equal(["sanctions"], alert.MatchedTopics);
        Assert.Null(alert.StatementId);
        using (var detail = JsonDocument.Parse(alert.Detail!))
        {
            Assert.Equal(41, detail.RootElement.GetProperty("eventId").GetInt64());
            Assert.Equal(["NATO", "EP"], detail.RootElement.GetProperty("institutions").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(Today.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), detail.RootElement.GetProperty("firstDay").GetString());
        }

        Assert.Equal(["sanctions", "collective-defence"], Assert.Single(await alerts.ListForSubscriptionAsync(anyEvent)).MatchedTopics);
        Assert.Empty(await alerts.ListForSubscriptionAsync(nuclear));
        Assert.Empty(await alerts.ListForSubscriptionAsync(statements));
        Assert.Empty(await alerts.ListForSubscriptionAsync(spike));
        Assert.Equal(2, await alerts.CountAsync());

        var delivery = Assert.Single(await new DeliveryStore(_database).ListForSubscriptionAsync(sanctions));
        Assert.Equal((DeliveryStore.Webhook, DeliveryStates.Pending, alert.Id), (delivery.Channel, delivery.State, Assert.Single(delivery.AlertIds)));
        var triggered = await OutboxAsync<AlertTriggered>();
        Assert.Equal([(sanctions, true), (anyEvent, false)], triggered.Select(t => (t.SubscriptionId, t.Notify)).Order());
        Assert.All(triggered, t => Assert.Equal(("event", "/event.html?id=41"), (t.Kind, t.Url)));
    }

    [Fact]
    public async Task Disabled_subscriptions_and_owners_that_may_not_subscribe_get_nothing_and_quiet_hours_and_digests_apply()
    {
        var subscriptions = new SubscriptionStore(_database);
        var disabled = await subscriptions.AddAsync(EventSubscription("off") with { Enabled = false });
        var viewer = await AlertsTestData.CreateUserAsync(_database, "vi");
        var demoted = await subscriptions.AddAsync(EventSubscription("demoted") with { UserId = viewer });
        var gone = await AlertsTestData.CreateUserAsync(_database, "gone");
        var disabledOwner = await subscriptions.AddAsync(EventSubscription("disabled owner") with { UserId = gone });
        await using (var connection = await _database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE users SET role = 'viewer' WHERE id = @Id", new { Id = viewer });
            await connection.ExecuteAsync($"UPDATE users SET disabled = {(_database.Provider == DatabaseProvider.Sqlite ? "1" : "true")} WHERE id = @Id", new { Id = gone });
        }

        var now = DateTimeOffset.UtcNow;
        var quiet = EventSubscription("quiet") with
        {
            WebhookUrl = "https://hooks.example.org/q", Email = true,
            QuietStart = now.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture),
            QuietEnd = now.AddHours(2).ToString("HH:mm", CultureInfo.InvariantCulture),
        };
        var quietId = await subscriptions.AddAsync(quiet);
        var hourly = await subscriptions.AddAsync(EventSubscription("hourly") with { WebhookUrl = "https://hooks.example.org/h", Delivery = SubscriptionDelivery.Hourly });

        await PublishAndWaitAsync(new StatementsGrouped([new StatementGrouped(3, 5, false)], [Grouped(5, "Summit", bothNow: true)]));

        var alerts = new AlertStore(_database);
        Assert.Empty(await alerts.ListForSubscriptionAsync(disabled));
        Assert.Empty(await alerts.ListForSubscriptionAsync(demoted));
        Assert.Empty(await alerts.ListForSubscriptionAsync(disabledOwner));

        var alert = Assert.Single(await alerts.ListForSubscriptionAsync(quietId));
        var held = await new DeliveryStore(_database).ListForSubscriptionAsync(quietId);
        Assert.Equal([DeliveryStore.Webhook, DeliveryStore.Email], held.Select(d => d.Channel));
        var quietEnd = DeliverySchedule.SendAt(quiet with { Id = quietId }, alert.TriggeredAt);
        Assert.True(quietEnd > alert.TriggeredAt.AddMinutes(59), $"quiet end {quietEnd:O}");
        Assert.All(held, d => Assert.Equal(quietEnd.ToUnixTimeMilliseconds(), d.NextAttemptAt.ToUnixTimeMilliseconds()));

        Assert.Single(await alerts.ListForSubscriptionAsync(hourly));
        Assert.Empty(await new DeliveryStore(_database).ListForSubscriptionAsync(hourly));
        await using var read = await _database.OpenAsync();
        Assert.NotNull(await read.ExecuteScalarAsync<long?>("SELECT digest_due_at FROM alerts WHERE subscription_id = @Id", new { Id = hourly }));
    }

    [Fact]
    public async Task An_event_of_history_alerts_only_a_subscription_that_includes_history()
    {
        var subscriptions = new SubscriptionStore(_database);
        var live = await subscriptions.AddAsync(EventSubscription("live"));
        var history = await subscriptions.AddAsync(EventSubscription("history") with { IncludeHistory = true });

        var old = Grouped(9, "Madrid summit", bothNow: true) with { FirstDay = new DateOnly(2022, 6, 28), LastDay = new DateOnly(2022, 6, 30) };
        await PublishAndWaitAsync(new StatementsGrouped([new StatementGrouped(1, 9, false)], [old]));

        Assert.Empty(await new AlertStore(_database).ListForSubscriptionAsync(live));
        Assert.Equal("/event.html?id=9", Assert.Single(await new AlertStore(_database).ListForSubscriptionAsync(history)).Url);
    }

    [Fact]
    public async Task Pages_of_the_event_store_alert_when_both_first_speak_and_not_again_for_the_event_a_merge_keeps()
    {
        var subscription = await new SubscriptionStore(_database).AddAsync(EventSubscription("sanctions") with { Topics = ["sanctions"] });
        var day = DateTimeOffset.UtcNow.AddDays(-2);
        var a = await StoreAsync("nato-news", "a", "NATO ministers meet", day, "sanctions");
        var c = await StoreAsync("nato-news", "c", "Allies agree sanctions", day);
        var d = await StoreAsync("ep-press", "d", "Parliament on the sanctions", day.AddDays(1), "sanctions");
        var e = await StoreAsync("nato-news", "e", "Ministers and sanctions", day.AddDays(2), "sanctions");
        var events = new EventStore(_database);
        var epoch = (await events.TryLeaseAsync("t", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)))!.Value;
        var none = new Dictionary<long, string>();

        // Page 1: event 1 holds a (NATO); event 2 holds c (NATO) and d (EP): both institutions, for the first time.
        await using (var page = (await events.BeginPageAsync("t", epoch, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)))!)
        {
            await page.WriteAsync(Statement(a, day, "NATO", "sanctions"), new EventAssignment(a, 1, true, "first statement", []), none);
            await page.WriteAsync(Statement(c, day, "NATO"), new EventAssignment(c, 2, true, "first statement", []), none);
            await page.WriteAsync(Statement(d, day.AddDays(1), "EP", "sanctions"), new EventAssignment(d, 2, false, "similarity 0.9 with statement " + c, []), none);
            await page.CommitAsync(d);
        }

        // Page 2: e joins event 1 and bridges event 2 into it: event 1 now holds both, but event 2 already did.
        await using (var page = (await events.BeginPageAsync("t", epoch, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)))!)
        {
            await page.WriteAsync(Statement(e, day.AddDays(2), "NATO", "sanctions"), new EventAssignment(e, 1, false, "similarity 0.9 with statement " + a, [2]),
                new Dictionary<long, string> { [2] = "event 2 merged: statement e bridges it" });
            await page.CommitAsync(e);
        }

        var pages = await OutboxAsync<StatementsGrouped>();
        Assert.Equal(2, pages.Count);
        Assert.Equal([(1L, false), (2L, true)], pages[0].Events.Select(g => (g.EventId, g.BothInstitutionsNow)));
        var kept = Assert.Single(pages[1].Events);
        Assert.Equal((1L, false), (kept.EventId, kept.BothInstitutionsNow));
        Assert.Equal(["NATO", "EP"], kept.Institutions);
        Assert.Equal([2L], kept.Merged);

        await PublishAndWaitAsync([.. pages]);

        var alert = Assert.Single(await new AlertStore(_database).ListForSubscriptionAsync(subscription));
        Assert.Equal(("/event.html?id=2", "NATO and the EP on: Allies agree sanctions"), (alert.Url, alert.Title));
    }

    private Subscription EventSubscription(string name) => AlertsTestData.Subscription(_userId, name) with { Kind = SubscriptionKinds.Event };

    private static GroupedEvent Grouped(long id, string title, bool bothNow, IReadOnlyList<string>? topics = null) =>
        new(id, title, bothNow ? ["NATO", "EP"] : ["NATO"], 3, topics ?? ["sanctions"], Today.AddDays(-2), Today, bothNow, []);

    private static EventStatement Statement(long id, DateTimeOffset at, string institution, params string[] topics) =>
        new(id, DateOnly.FromDateTime(at.UtcDateTime), institution, [1, 0, 0], topics, []);

    private async Task<long> StoreAsync(string source, string externalId, string title, DateTimeOffset published, params string[] topics)
    {
        var discovered = new StatementDiscovered(source, externalId, $"https://example.org/{externalId}", title, $"Summary of {externalId}.", "", published, "en", $"hash-{externalId}", published);
        var stored = await new StatementStore(_database).StoreAsync(new StatementTagged(discovered, [.. topics.Select(t => new TopicScore(t, 0.9, []))], "v1", published), published);
        return stored?.StatementId ?? throw new InvalidOperationException("not stored");
    }

    private async Task PublishAndWaitAsync(params StatementsGrouped[] messages)
    {
        var before = _bus.Harness.Consumed.Select<StatementsGrouped>().Count();
        foreach (var message in messages)
        {
            await _bus.Harness.Bus.Publish(message);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_bus.Harness.Consumed.Select<StatementsGrouped>().Count() < before + messages.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(before + messages.Length, _bus.Harness.Consumed.Select<StatementsGrouped>().Count());
        var failed = _bus.Harness.Consumed.Select<StatementsGrouped>().FirstOrDefault(m => m.Exception is not null);
        Assert.True(failed is null, failed?.Exception?.ToString());
    }

    private async Task<IReadOnlyList<T>> OutboxAsync<T>()
    {
        await using var connection = await _database.OpenAsync();
        var payloads = await connection.QueryAsync<string>("SELECT payload FROM outbox WHERE message_type = @Type ORDER BY id", new { Type = typeof(T).FullName });
        return payloads.Select(p => JsonSerializer.Deserialize<T>(p, OutboxStore.Json)!).ToList();
    }
}
