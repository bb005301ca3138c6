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
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.History;
using Monitor.Data.Migrations;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>
/// The matching consumer through MassTransit's test harness on a real SQLite file: an alert per statement and
/// subscription whatever is redelivered, its sends, quiet hours and digests, the full-text query, and spikes.
/// </summary>
public sealed class MatchSubscriptionsConsumerTests : IAsyncLifetime
{
    private readonly AlertsOptions _options = new() { SpikeMinimumCount = 3, Smtp = new SmtpOptions { Host = "smtp.example.org" } };
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
            .AddMassTransitTestHarness(x => x.AddConsumer<MatchSubscriptionsConsumer>()));
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_statement_alerts_once_per_subscription_though_redelivered_and_revised()
    {
        var subscriptions = new SubscriptionStore(_database);
        var webhook = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "sanctions") with
        {
            Topics = ["sanctions"], MinScore = 0.5, WebhookUrl = "https://hooks.example.org/x",
        });
        var other = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "nuclear") with { Topics = ["nuclear-chemical-threats"] });
        var first = await StoreAsync("ext-1", "Council extends sanctions", "sanctions", 0.8, "hash-1");
        var second = await StoreAsync("ext-1", "Council extends sanctions again", "sanctions", 0.8, "hash-2");

        await PublishAndWaitAsync(first, first, second);

        var alert = Assert.Single(await new AlertStore(_database).ListForSubscriptionAsync(webhook));
        Assert.Equal((first.StatementId, 1, "statement"), (alert.StatementId!.Value, alert.Revision!.Value, alert.Kind));
        Assert.Equal(["sanctions"], alert.MatchedTopics);
        Assert.Empty(await new AlertStore(_database).ListForSubscriptionAsync(other));
        var delivery = Assert.Single(await new DeliveryStore(_database).ListForSubscriptionAsync(webhook));
        Assert.Equal((DeliveryStore.Webhook, DeliveryStates.Pending), (delivery.Channel, delivery.State));
        Assert.Equal([alert.Id], delivery.AlertIds);
        var triggered = Assert.Single(await OutboxAsync<AlertTriggered>());
        Assert.Equal((alert.Id, webhook, _userId, "sanctions", true), (triggered.AlertId, triggered.SubscriptionId, triggered.UserId, triggered.SubscriptionName, triggered.Notify));
    }

    [Fact]
    public async Task Topics_all_score_source_type_drift_and_query_must_all_hold()
    {
        var subscriptions = new SubscriptionStore(_database);
        var all = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId) with { Topics = ["sanctions", "nuclear-chemical-threats"], TopicMatch = "all" });
        var query = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId) with { Query = "\"price cap\" -oil", InApp = false });
        var missedQuery = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId) with { Query = "tanks" });
        var source = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId) with { Sources = ["nato-news"] });
        var drift = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId) with { DriftOnly = true });
        var highScore = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId) with { MinScore = 0.95 });

        var stored = await StoreAsync("ext-q", "Allies agree a price cap on gas", "sanctions", 0.8, "hash-q");
        await PublishAndWaitAsync(stored);

        var alerts = new AlertStore(_database);
        Assert.Empty(await alerts.ListForSubscriptionAsync(all));
        Assert.Single(await alerts.ListForSubscriptionAsync(query));
        Assert.Empty(await alerts.ListForSubscriptionAsync(missedQuery));
        Assert.Empty(await alerts.ListForSubscriptionAsync(source));
        Assert.Empty(await alerts.ListForSubscriptionAsync(drift));
        Assert.Empty(await alerts.ListForSubscriptionAsync(highScore));
        Assert.False(Assert.Single(await OutboxAsync<AlertTriggered>()).Notify);
    }

    [Fact]
    public async Task Quiet_hours_hold_the_send_a_digest_queues_none_and_email_needs_an_address()
    {
        var subscriptions = new SubscriptionStore(_database);
        var now = DateTimeOffset.UtcNow;
        var quiet = AlertsTestData.Subscription(_userId) with
        {
            WebhookUrl = "https://hooks.example.org/q", Email = true,
            QuietStart = now.AddHours(-1).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            QuietEnd = now.AddHours(2).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        };
        var quietId = await subscriptions.AddAsync(quiet);
        var digestId = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId) with { WebhookUrl = "https://hooks.example.org/d", Delivery = SubscriptionDelivery.Hourly });
        var noEmailUser = await AlertsTestData.CreateUserAsync(_database, "bo", email: null);
        var noEmailId = await subscriptions.AddAsync(AlertsTestData.Subscription(noEmailUser) with { Email = true });

        await PublishAndWaitAsync(await StoreAsync("ext-h", "Any statement", "sanctions", 0.6, "hash-h"));

        var deliveries = new DeliveryStore(_database);
        var held = await deliveries.ListForSubscriptionAsync(quietId);
        Assert.Equal([DeliveryStore.Webhook, DeliveryStore.Email], held.Select(d => d.Channel));
        var alert = Assert.Single(await new AlertStore(_database).ListForSubscriptionAsync(quietId));
        var quietEnd = DeliverySchedule.SendAt(quiet with { Id = quietId }, alert.TriggeredAt);
        Assert.True(quietEnd > alert.TriggeredAt.AddMinutes(59), $"quiet end {quietEnd:O}");
        Assert.All(held, d => Assert.Equal(quietEnd.ToUnixTimeMilliseconds(), d.NextAttemptAt.ToUnixTimeMilliseconds()));

        Assert.Empty(await deliveries.ListForSubscriptionAsync(digestId));
        await using var connection = await _database.OpenAsync();
        var due = await connection.ExecuteScalarAsync<long?>("SELECT digest_due_at FROM alerts WHERE subscription_id = @Id", new { Id = digestId });
        Assert.NotNull(due);
        Assert.True(due > alert.TriggeredAt.ToUnixTimeMilliseconds());

        Assert.Single(await new AlertStore(_database).ListForSubscriptionAsync(noEmailId));
        Assert.Empty(await deliveries.ListForSubscriptionAsync(noEmailId));
    }

    [Fact]
    public async Task A_topic_far_above_its_usual_rate_raises_one_spike_per_window()
    {
        var subscriptions = new SubscriptionStore(_database);
        var spike = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "spike") with
        {
            Kind = SubscriptionKinds.Spike, Topics = ["sanctions"], SpikeWindowHours = 6, SpikeFactor = 3,
        });
        var calm = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "calm") with
        {
            Kind = SubscriptionKinds.Spike, Topics = ["cyber-hybrid"], SpikeWindowHours = 6, SpikeFactor = 3,
        });
        var now = DateTimeOffset.UtcNow;
        // Usual: 28 statements in the 30 whole days before the window's first day: 28 / 720 per hour, 0.233 per 6 hours.
        for (var day = 2; day <= 29; day++)
        {
            await StoreAsync($"old-{day}", "Earlier sanctions", "sanctions", 0.7, $"old-{day}", now.AddDays(-day));
        }

        var recent = new List<StatementStored>();
        for (var i = 0; i < 4; i++)
        {
            recent.Add(await StoreAsync($"new-{i}", "New sanctions", "sanctions", 0.7, $"new-{i}", now.AddMinutes(-10 - i)));
        }

        await PublishAndWaitAsync([.. recent]);

        var alert = Assert.Single(await new AlertStore(_database).ListForSubscriptionAsync(spike));
        Assert.Equal(("spike", "sanctions", "/topic.html?id=sanctions"), (alert.Kind, alert.TopicId, alert.Url));
        using var detail = JsonDocument.Parse(alert.Detail!);
        Assert.Equal(4, detail.RootElement.GetProperty("count").GetInt64());
        Assert.Equal(28 * 6 / 720.0, detail.RootElement.GetProperty("usualPerWindow").GetDouble(), 3);
        Assert.Equal(6, detail.RootElement.GetProperty("windowHours").GetInt32());
        Assert.Empty(await new AlertStore(_database).ListForSubscriptionAsync(calm));
    }

    [Fact]
    public async Task With_the_dashboards_public_address_a_spike_links_to_its_topic_page_absolutely()
    {
        _options.DashboardUrl = "https://monitor.example.org/watch";
        var spike = await new SubscriptionStore(_database).AddAsync(AlertsTestData.Subscription(_userId) with
        {
            Kind = SubscriptionKinds.Spike, Topics = ["sanctions"], SpikeWindowHours = 1, SpikeFactor = 2,
        });
        var now = DateTimeOffset.UtcNow;
        var recent = new List<StatementStored>();
        for (var i = 0; i < 3; i++)
        {
            recent.Add(await StoreAsync($"link-{i}", "New sanctions", "sanctions", 0.7, $"link-{i}", now.AddMinutes(-5 - i)));
        }

        await PublishAndWaitAsync([.. recent]);

        var alert = Assert.Single(await new AlertStore(_database).ListForSubscriptionAsync(spike));
        Assert.Equal("https://monitor.example.org/watch/topic.html?id=sanctions", alert.Url);
    }

    [Fact]
    public async Task Every_statement_of_a_committed_batch_raises_its_own_alert()
    {
        var subscription = await new SubscriptionStore(_database).AddAsync(AlertsTestData.Subscription(_userId, "sanctions") with { Topics = ["sanctions"] });
        var batch = new StatementsStored([
            await StoreAsync("batch-1", "Council extends sanctions", "sanctions", 0.8, "batch-1"),
            await StoreAsync("batch-2", "Parliament on nuclear threats", "nuclear-chemical-threats", 0.8, "batch-2"),
            await StoreAsync("batch-3", "New sanctions package", "sanctions", 0.8, "batch-3"),
        ]);

        await PublishAndWaitAsync(batch, batch);

        var alerts = await new AlertStore(_database).ListForSubscriptionAsync(subscription);
        Assert.Equal([batch.Statements[0].StatementId, batch.Statements[2].StatementId], alerts.Select(a => a.StatementId!.Value).Order());
    }

    [Fact]
    public async Task Fewer_statements_than_the_spike_minimum_raise_nothing()
    {
        var spike = await new SubscriptionStore(_database).AddAsync(AlertsTestData.Subscription(_userId) with
        {
            Kind = SubscriptionKinds.Spike, Topics = ["sanctions"], SpikeWindowHours = 1, SpikeFactor = 2,
        });

        await PublishAndWaitAsync(await StoreAsync("one", "Sanctions", "sanctions", 0.7, "one"), await StoreAsync("two", "Sanctions", "sanctions", 0.7, "two"));

        Assert.Empty(await new AlertStore(_database).ListForSubscriptionAsync(spike));
    }

    private async Task<StatementStored> StoreAsync(string externalId, string title, string topic, double score, string hash, DateTimeOffset? published = null)
    {
        var at = published ?? DateTimeOffset.UtcNow;
        var discovered = new StatementDiscovered("ep-press-releases", externalId, $"https://example.org/{externalId}", title, "Summary", "Body text", at, "en", hash, at);
        var stored = await new StatementStore(_database).StoreAsync(new StatementTagged(discovered, [new TopicScore(topic, score, [])], "v1", at), at);
        return stored ?? throw new InvalidOperationException("not stored");
    }

    // Each statement in an event of its own, as a redelivery or a lone statement comes.
    private Task PublishAndWaitAsync(params StatementStored[] statements) =>
        PublishAndWaitAsync(statements.Select(s => new StatementsStored([s])).ToArray());

    private async Task PublishAndWaitAsync(params StatementsStored[] messages)
    {
        var before = _bus.Harness.Consumed.Select<StatementsStored>().Count();
        foreach (var message in messages)
        {
            await _bus.Harness.Bus.Publish(message);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_bus.Harness.Consumed.Select<StatementsStored>().Count() < before + messages.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(before + messages.Length, _bus.Harness.Consumed.Select<StatementsStored>().Count());
        var failed = _bus.Harness.Consumed.Select<StatementsStored>().FirstOrDefault(m => m.Exception is not null);
        Assert.True(failed is null, failed?.Exception?.ToString());
    }

    private async Task<IReadOnlyList<T>> OutboxAsync<T>()
    {
        await using var connection = await _database.OpenAsync();
        var payloads = await connection.QueryAsync<string>("SELECT payload FROM outbox WHERE message_type = @Type ORDER BY id", new { Type = typeof(T).FullName });
        return payloads.Select(p => JsonSerializer.Deserialize<T>(p, Monitor.Data.Outbox.OutboxStore.Json)!).ToList();
    }
}
