using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.Alerts.Briefing;
using Monitor.Alerts.Delivery;
using Monitor.Alerts.Matching;
using Monitor.Core.Alerts;
using Monitor.Core.Briefing;
using Monitor.Core.Tagging;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Briefing;
using Monitor.Data.History;
using Monitor.Hosting.Outbox;
using Monitor.Testing;
using Monitor.Workers.Tests.Polling;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>
/// The weekly briefing digest on a real SQLite file over the seeded briefing history (<see cref="BriefingHistory"/>):
/// Finland's accession, stated by NATO on Tuesday 4 April 2023 and by the European Parliament on the 5th, is the week
/// of 3 to 9 April 2023, whose digest falls due on Monday 10 April at 06:00 UTC; the week after cites nothing.
/// </summary>
public sealed class BriefingDigestJobTests : IAsyncLifetime
{
    private static readonly DateTimeOffset DueApril10 = new(2023, 4, 10, 6, 0, 0, TimeSpan.Zero);

    private readonly AlertsOptions _options = new() { Smtp = new SmtpOptions { Host = "smtp.example.org" }, DashboardUrl = "https://monitor.example.org/" };
    private readonly ManualTime _time = new(DueApril10.AddMinutes(-1));
    private MigratedSqlite _sqlite = null!;
    private IReadOnlyDictionary<string, long> _ids = null!;
    private long _userId;

    private Database _database => _sqlite.Database;

    public async Task InitializeAsync()
    {
        _sqlite = await MigratedSqlite.CreateAsync();
        _ids = await BriefingHistory.SeedAsync(_database);
        _userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
    }

    public Task DisposeAsync()
    {
        _sqlite.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_briefing_subscription_gets_one_alert_per_week_that_cites_statements_whatever_the_restarts()
    {
        var subscriptions = new SubscriptionStore(_database);
        var all = await subscriptions.AddAsync(Briefing("weekly") with { WebhookUrl = "https://hooks.example.org/x", Email = true });
        var sanctions = await subscriptions.AddAsync(Briefing("sanctions only") with { Topics = ["sanctions"] });
        var openDoor = await subscriptions.AddAsync(Briefing("open door") with { Topics = ["open-door-enlargement"] });
        var statements = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "statements") with { CreatedAt = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        var late = await subscriptions.AddAsync(Briefing("made after the week closed") with { CreatedAt = DueApril10.AddHours(1) });
        var job = Job();

        // A minute before: the digest due is the one of 3 April, for 27 March to 2 April, which cites nothing.
        var before = await job.RunOnceAsync(CancellationToken.None);
        _time.Now = DueApril10;
        var atDue = await job.RunOnceAsync(CancellationToken.None);
        _time.Now = DueApril10.AddHours(2);
        var sameProcessAgain = await job.RunOnceAsync(CancellationToken.None);
        // Restarts, and two processes at once: each builds the week again, and the dedupe key keeps one alert.
        var restarted = await Task.WhenAll(Job().RunOnceAsync(CancellationToken.None), Job().RunOnceAsync(CancellationToken.None));

        Assert.Equal((0, 2, 0), (before, atDue, sameProcessAgain));
        Assert.Equal([0, 0], restarted);
        var alerts = new AlertStore(_database);
        var alert = Assert.Single(await alerts.ListForSubscriptionAsync(all));
        Assert.Equal(AlertKinds.Briefing, alert.Kind);
        Assert.Equal("Briefing, 3 April 2023–9 April 2023: 1 NATO statement and 1 EP statement", alert.Title);
        Assert.Equal("https://monitor.example.org/briefing.html?from=2023-04-03&to=2023-04-09", alert.Url);
        Assert.Null(alert.StatementId);
        var markdown = BriefingDigest.MarkdownOf(alert.Detail);
        Assert.NotNull(markdown);
        Assert.Contains("From 3 April 2023 to 10 April 2023.", markdown, StringComparison.Ordinal);
        Assert.Contains("Finland becomes the 31st Ally of NATO.", markdown, StringComparison.Ordinal);
        Assert.Contains($"<https://monitor.example.org/statement.html?id={_ids["finland"]}>", markdown, StringComparison.Ordinal);
        Assert.Contains($"<https://monitor.example.org/statement.html?id={_ids["epFinland"]}>", markdown, StringComparison.Ordinal);
        // Nothing from outside the week: Sweden joined in March 2024.
        Assert.DoesNotContain("Sweden", markdown, StringComparison.Ordinal);
        Assert.Contains("\"statements\":2,\"nato\":1,\"ep\":1", alert.Detail, StringComparison.Ordinal);

        var openDoorAlert = Assert.Single(await alerts.ListForSubscriptionAsync(openDoor));
        Assert.Equal(alert.Title, openDoorAlert.Title);
        Assert.Equal(["open-door-enlargement"], openDoorAlert.MatchedTopics);
        Assert.Empty(await alerts.ListForSubscriptionAsync(sanctions));
        Assert.Empty(await alerts.ListForSubscriptionAsync(statements));
        Assert.Empty(await alerts.ListForSubscriptionAsync(late));

        // It goes out like any alert: one webhook and one email send of it, and its AlertTriggered in the outbox.
        var deliveries = await new DeliveryStore(_database).ListForSubscriptionAsync(all);
        Assert.Equal([DeliveryStore.Email, DeliveryStore.Webhook], deliveries.Select(d => d.Channel).Order());
        Assert.All(deliveries, d => Assert.Equal([alert.Id], d.AlertIds));
        await using var connection = await _database.OpenAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts WHERE dedupe_key = 'briefing:2023-04-03'"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE message_type LIKE '%AlertTriggered%'"));
    }

    [Fact]
    public async Task A_week_that_cites_nothing_raises_nothing()
    {
        var all = await new SubscriptionStore(_database).AddAsync(Briefing("weekly"));
        _time.Now = DueApril10.AddDays(7).AddHours(1);

        var raised = await Job().RunOnceAsync(CancellationToken.None);

        Assert.Equal(0, raised);
        Assert.Empty(await new AlertStore(_database).ListForSubscriptionAsync(all));
    }

    private Subscription Briefing(string name) =>
        AlertsTestData.Subscription(_userId, name) with { Kind = SubscriptionKinds.Briefing, CreatedAt = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero) };

    private BriefingDigestJob Job()
    {
        var options = Options.Create(_options);
        var subscriptions = new SubscriptionStore(_database);
        var planner = new AlertPlanner(subscriptions, new QueryMatch(_database), new TopicVolume(_database), options, _time, NullLogger<AlertPlanner>.Instance);
        return new BriefingDigestJob(subscriptions, new BriefingStore(_database, new HistoryAggregates(_database)), TopicFile.LoadDefault(),
            planner, new AlertRaiser(new AlertStore(_database), new OutboxSignal(), new DeliverySignal(), _time, NullLogger<AlertRaiser>.Instance),
            options, _time, NullLogger<BriefingDigestJob>.Instance);
    }
}
