using Dapper;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Core.Search;
using Monitor.Data.Alerts;
using Monitor.Data.History;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.Data.Tests;

/// <summary>
/// Alerts, their deliveries, the subscription query match and topic volume: the same behaviour on SQLite and on
/// PostgreSQL, races included.
/// </summary>
public abstract class AlertDeliveryContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private long _userId;
    private long _subscriptionId;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _userId = await AlertsTestData.CreateUserAsync(Database, "ana", "ana@example.org");
        _subscriptionId = await new SubscriptionStore(Database).AddAsync(AlertsTestData.Subscription(_userId) with { WebhookUrl = "https://hooks.example.org/a", Email = true });
    }

    [Fact]
    public async Task An_alert_is_raised_once_per_key_with_its_sends_and_one_outbox_event()
    {
        var alerts = new AlertStore(Database);

        var first = await alerts.RaiseAsync(Alert(), AlertStore.StatementKey(7), Plan(DeliveryStore.Webhook, DeliveryStore.Email));
        var again = await alerts.RaiseAsync(Alert() with { Revision = 2 }, AlertStore.StatementKey(7), Plan(DeliveryStore.Webhook, DeliveryStore.Email));

        Assert.NotNull(first);
        Assert.Null(again);
        Assert.Equal(2, first.DeliveryIds.Count);
        var stored = Assert.Single(await alerts.GetAsync([first.Alert.Id]));
        Assert.Equal((7L, 1, "Title 7", T0), (stored.StatementId!.Value, stored.Revision!.Value, stored.Title, stored.TriggeredAt));
        Assert.Equal(["sanctions"], stored.MatchedTopics);
        var deliveries = await new DeliveryStore(Database).ListForSubscriptionAsync(_subscriptionId);
        Assert.Equal([DeliveryStore.Webhook, DeliveryStore.Email], deliveries.Select(d => d.Channel));
        Assert.All(deliveries, d => Assert.Equal(([first.Alert.Id], DeliveryStates.Pending, 0), (d.AlertIds.ToList(), d.State, d.Attempts), Comparer()));
        Assert.Equal(1, await new OutboxStore(Database).CountAsync());
    }

    [Fact]
    public async Task A_batch_raises_its_new_keys_in_one_transaction_and_skips_the_taken_ones()
    {
        var alerts = new AlertStore(Database);
        await alerts.RaiseAsync(Alert(), AlertStore.StatementKey(7), Plan(DeliveryStore.Webhook));

        var raised = await alerts.RaiseAllAsync(
        [
            new PendingAlert(Alert(), AlertStore.StatementKey(7), Plan(DeliveryStore.Webhook)),
            new PendingAlert(Alert() with { StatementId = 8 }, AlertStore.StatementKey(8), Plan(DeliveryStore.Webhook)),
            new PendingAlert(Alert() with { StatementId = 9 }, AlertStore.StatementKey(9), Plan()),
        ]);

        Assert.Null(raised[0]);
        Assert.Equal([8L, 9L], raised.Skip(1).Select(r => r!.Alert.StatementId!.Value));
        Assert.Equal(3, await alerts.CountAsync());
        Assert.Equal(2, (await new DeliveryStore(Database).ListForSubscriptionAsync(_subscriptionId)).Count);
        Assert.Equal(3, await new OutboxStore(Database).CountAsync());
    }

    [Fact]
    public async Task Racing_batches_of_the_same_keys_store_each_alert_once()
    {
        var alerts = new AlertStore(Database);
        IReadOnlyList<PendingAlert> Batch() => Enumerable.Range(1, 20)
            .Select(i => new PendingAlert(Alert() with { StatementId = i }, AlertStore.StatementKey(i), Plan(DeliveryStore.Webhook))).ToList();

        var raised = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => alerts.RaiseAllAsync(Batch()))));

        Assert.Equal(20, raised.Sum(batch => batch.Count(r => r is not null)));
        Assert.Equal(20, await alerts.CountAsync());
        Assert.Equal(20, (await new DeliveryStore(Database).ListForSubscriptionAsync(_subscriptionId)).Count);
        Assert.Equal(20, await new OutboxStore(Database).CountAsync());
    }

    [Fact]
    public async Task Racing_raises_of_one_key_store_one_alert_and_one_send()
    {
        var alerts = new AlertStore(Database);

        var raised = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => alerts.RaiseAsync(Alert(), AlertStore.StatementKey(7), Plan(DeliveryStore.Webhook)))));

        Assert.Single(raised, r => r is not null);
        Assert.Equal(1, await alerts.CountAsync());
        Assert.Single(await new DeliveryStore(Database).ListForSubscriptionAsync(_subscriptionId));
        Assert.Equal(1, await new OutboxStore(Database).CountAsync());
    }

    [Fact]
    public async Task Email_needs_the_owners_address_and_a_digest_queues_no_send()
    {
        var noEmail = await AlertsTestData.CreateUserAsync(Database, "bo");
        var subscription = await new SubscriptionStore(Database).AddAsync(AlertsTestData.Subscription(noEmail) with { Email = true });
        var alerts = new AlertStore(Database);

        var emailless = await alerts.RaiseAsync(Alert() with { SubscriptionId = subscription, UserId = noEmail }, "statement:1", Plan(DeliveryStore.Email));
        var digest = await alerts.RaiseAsync(Alert(), "statement:2", Plan(DeliveryStore.Webhook) with { DigestDueAt = T0.AddHours(1) });
        var emptyDigest = await alerts.RaiseAsync(Alert() with { SubscriptionId = subscription, UserId = noEmail }, "statement:3", Plan(DeliveryStore.Email) with { DigestDueAt = T0.AddHours(1) });

        Assert.Empty(emailless!.DeliveryIds);
        Assert.Empty(digest!.DeliveryIds);
        Assert.Empty(emptyDigest!.DeliveryIds);
        Assert.Empty(await new DeliveryStore(Database).ListForSubscriptionAsync(_subscriptionId));
        await using var connection = await Database.OpenAsync();
        var due = (await connection.QueryAsync<(string Key, long? Due)>("SELECT dedupe_key AS Key, digest_due_at AS Due FROM alerts ORDER BY id")).ToList();
        Assert.Equal([("statement:1", null), ("statement:2", T0.AddHours(1).ToUnixTimeMilliseconds()), ("statement:3", null)], due);
    }

    [Fact]
    public async Task Only_due_unleased_pending_rows_are_claimed_and_a_lease_holds_until_it_runs_out()
    {
        var deliveries = new DeliveryStore(Database);
        var due = await QueueAsync(T0);
        await QueueAsync(T0.AddMinutes(5));

        var claimed = Assert.Single(await deliveries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), T0));
        Assert.Equal(due, claimed.Id);
        Assert.Empty(await deliveries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), T0.AddSeconds(30)));

        var reclaimed = Assert.Single(await deliveries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), T0.AddSeconds(61)));
        Assert.Equal(due, reclaimed.Id);
        Assert.False(await deliveries.MarkDeliveredAsync(claimed, 200, T0.AddSeconds(62)));
        Assert.True(await deliveries.MarkDeliveredAsync(reclaimed, 200, T0.AddSeconds(62)));
        var delivered = await deliveries.GetAsync(due);
        Assert.Equal((DeliveryStates.Delivered, 1, 200), (delivered!.State, delivered.Attempts, delivered.LastStatus));
        Assert.Equal(T0.AddSeconds(62), delivered.DeliveredAt);
        Assert.DoesNotContain(await deliveries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), T0.AddHours(1)), d => d.Id == due);
    }

    [Fact]
    public async Task Racing_claimers_never_share_a_row()
    {
        var deliveries = new DeliveryStore(Database);
        var ids = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await QueueAsync(T0));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => deliveries.ClaimDueAsync(7, TimeSpan.FromMinutes(1), T0))));

        // A claimer that lost a race for some rows claims fewer (they go to the next poll), never a row another holds.
        var claimed = claims.SelectMany(c => c).Select(c => c.Id).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        claimed.AddRange((await deliveries.ClaimDueAsync(40, TimeSpan.FromMinutes(1), T0)).Select(c => c.Id));
        Assert.Equal(ids.Order(), claimed.Order());
    }

    [Fact]
    public async Task A_failure_counts_an_attempt_and_sets_the_next_and_a_dead_row_is_replayed_only_by_its_owner()
    {
        var deliveries = new DeliveryStore(Database);
        var id = await QueueAsync(T0);
        var other = await AlertsTestData.CreateUserAsync(Database, "eve");

        var claim = Assert.Single(await deliveries.ClaimDueAsync(1, TimeSpan.FromMinutes(1), T0));
        Assert.True(await deliveries.RecordFailureAsync(claim, 500, "The receiver answered 500.", T0.AddSeconds(30)));
        var failed = await deliveries.GetAsync(id);
        Assert.Equal((DeliveryStates.Pending, 1, 500, "The receiver answered 500."), (failed!.State, failed.Attempts, failed.LastStatus, failed.LastError));
        Assert.Equal(T0.AddSeconds(30), failed.NextAttemptAt);
        Assert.Empty(await deliveries.ClaimDueAsync(1, TimeSpan.FromMinutes(1), T0.AddSeconds(29)));
        Assert.Equal(DeliveryReplay.NotDead, await deliveries.ReplayAsync(id, _userId, T0.AddSeconds(29)));

        claim = Assert.Single(await deliveries.ClaimDueAsync(1, TimeSpan.FromMinutes(1), T0.AddSeconds(30)));
        Assert.True(await deliveries.MarkDeadAsync(claim, 410, "Gone"));
        Assert.Equal((DeliveryStates.Dead, 2), ((await deliveries.GetAsync(id))!.State, (await deliveries.GetAsync(id))!.Attempts));
        Assert.Empty(await deliveries.ClaimDueAsync(1, TimeSpan.FromMinutes(1), T0.AddHours(1)));

        Assert.Equal(DeliveryReplay.NotFound, await deliveries.ReplayAsync(id, other, T0.AddHours(1)));
        Assert.Equal(DeliveryReplay.NotFound, await deliveries.ReplayAsync(id + 1000, _userId, T0.AddHours(1)));
        Assert.Equal(DeliveryReplay.Replayed, await deliveries.ReplayAsync(id, _userId, T0.AddHours(1)));
        var replayed = await deliveries.GetAsync(id);
        Assert.Equal((DeliveryStates.Pending, 0), (replayed!.State, replayed.Attempts));
        Assert.Equal(id, Assert.Single(await deliveries.ClaimDueAsync(1, TimeSpan.FromMinutes(1), T0.AddHours(1))).Id);
    }

    [Fact]
    public async Task Deliveries_are_listed_for_their_owner_newest_first_by_state()
    {
        var deliveries = new DeliveryStore(Database);
        var first = await QueueAsync(T0);
        var second = await QueueAsync(T0);
        var third = await QueueAsync(T0);
        var claim = (await deliveries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), T0)).Single(c => c.Id == second);
        await deliveries.MarkDeadAsync(claim, null, "refused");
        var other = await AlertsTestData.CreateUserAsync(Database, "eve");

        Assert.Equal([third, second, first], (await deliveries.ListAsync(_subscriptionId, _userId, null, 10)).Select(d => d.Id));
        Assert.Equal([third], (await deliveries.ListAsync(_subscriptionId, _userId, null, 1)).Select(d => d.Id));
        Assert.Equal([second], (await deliveries.ListAsync(_subscriptionId, _userId, DeliveryStates.Dead, 10)).Select(d => d.Id));
        Assert.Empty(await deliveries.ListAsync(_subscriptionId, other, null, 10));
    }

    [Fact]
    public async Task A_claimed_delivery_loads_its_subscription_owner_and_alerts()
    {
        var deliveries = new DeliveryStore(Database);
        await QueueAsync(T0);

        var content = await deliveries.LoadAsync(Assert.Single(await deliveries.ClaimDueAsync(1, TimeSpan.FromMinutes(1), T0)));

        Assert.Equal((_subscriptionId, "https://hooks.example.org/a"), (content!.Subscription.Id, content.Subscription.WebhookUrl));
        Assert.Equal(new DeliveryOwner(_userId, "ana", "ana", "ana@example.org"), content.Owner);
        Assert.Equal("Title 7", Assert.Single(content.Alerts).Title);
    }

    [Fact]
    public async Task A_demoted_or_disabled_owners_subscriptions_are_not_matched_and_their_queued_sends_say_so_until_promoted_again()
    {
        var users = new Monitor.Data.Accounts.UserStore(Database);
        var subscriptions = new SubscriptionStore(Database);
        var deliveries = new DeliveryStore(Database);
        await QueueAsync(T0);

        Assert.Equal([_subscriptionId], (await subscriptions.ListEnabledAsync()).Select(s => s.Id));
        await users.UpdateAsync(_userId, "viewer", false, "ana@example.org", "ana");
        var asViewer = await subscriptions.ListEnabledAsync();
        var content = await deliveries.LoadAsync(Assert.Single(await deliveries.ClaimDueAsync(1, TimeSpan.FromMinutes(1), T0)));
        var suspended = await subscriptions.ListForUserAsync(_userId);
        await users.UpdateAsync(_userId, "analyst", true, "ana@example.org", "ana");
        var asDisabled = await subscriptions.ListEnabledAsync();
        await users.UpdateAsync(_userId, "analyst", false, "ana@example.org", "ana");

        Assert.Empty(asViewer);
        Assert.False(content!.Owner.MaySubscribe);
        Assert.True(Assert.Single(suspended).Suspended);
        Assert.Empty(asDisabled);
        Assert.Equal([_subscriptionId], (await subscriptions.ListEnabledAsync()).Select(s => s.Id));
        Assert.False(Assert.Single(await subscriptions.ListForUserAsync(_userId)).Suspended);
    }

    [Fact]
    public async Task A_subscription_query_matches_as_the_history_search_does_on_the_current_revision()
    {
        var statements = new StatementStore(Database);
        var stored = await statements.StoreAsync(Tagged("q-1", "Allies agree a price cap on Russian gas", "h1"), T0);
        var queries = new QueryMatch(Database);

        Assert.True(await queries.MatchesAsync(stored!.StatementId, TextQuery.Parse("\"price cap\" -oil")));
        Assert.True(await queries.MatchesAsync(stored.StatementId, TextQuery.Parse("russ* AND (gas OR coal)")));
        Assert.False(await queries.MatchesAsync(stored.StatementId, TextQuery.Parse("gas -russian")));
        Assert.False(await queries.MatchesAsync(stored.StatementId + 1, TextQuery.Parse("gas")));

        await statements.StoreAsync(Tagged("q-1", "Allies agree a price cap on Russian oil", "h2"), T0.AddMinutes(1));
        Assert.False(await queries.MatchesAsync(stored.StatementId, TextQuery.Parse("\"price cap\" -oil")));
        Assert.Null(QueryMatch.Validate("\"price cap\" -oil"));
        Assert.Contains("closing quote", QueryMatch.Validate("\"price cap"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topic_volume_counts_the_window_and_averages_the_thirty_days_before_it()
    {
        var statements = new StatementStore(Database);
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        for (var day = 1; day <= 30; day++)
        {
            // 24 November back to 26 October: the 30 whole days before the window's first day (25 November).
            await statements.StoreAsync(Tagged($"old-{day}", "Sanctions", $"o{day}", new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero).AddDays(-day)), now);
        }

        await statements.StoreAsync(Tagged("older", "Sanctions", "older", now.AddDays(-40)), now);
        await statements.StoreAsync(Tagged("in-1", "Sanctions", "i1", now.AddHours(-1)), now);
        await statements.StoreAsync(Tagged("in-2", "Sanctions", "i2", now.AddMinutes(-5)), now);
        await statements.StoreAsync(Tagged("out", "Sanctions", "out", now.AddHours(-3)), now);

        var sample = await new TopicVolume(Database).MeasureAsync("sanctions", TimeSpan.FromHours(2), now);

        Assert.Equal(2, sample.Count);
        Assert.Equal(30 / 720.0, sample.UsualPerHour, 6);
        Assert.Equal(0, (await new TopicVolume(Database).MeasureAsync("cyber-hybrid", TimeSpan.FromHours(2), now)).Count);
    }

    [Fact]
    public async Task A_briefing_subscription_and_its_weekly_alert_are_kinds_the_schema_takes_and_an_unknown_kind_is_refused()
    {
        var subscriptions = new SubscriptionStore(Database);
        var briefing = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "weekly") with { Kind = SubscriptionKinds.Briefing, Topics = ["sanctions"] });
        var alerts = new AlertStore(Database);
        var weekly = Alert() with { SubscriptionId = briefing, Kind = AlertKinds.Briefing, StatementId = null, Revision = null, Detail = "{\"markdown\":\"# x\"}" };

        var first = await alerts.RaiseAsync(weekly, "briefing:2026-11-30", Plan(DeliveryStore.Webhook));
        var again = await alerts.RaiseAsync(weekly, "briefing:2026-11-30", Plan(DeliveryStore.Webhook));

        Assert.NotNull(first);
        Assert.Null(again);
        Assert.Equal(SubscriptionKinds.Briefing, Assert.Single(await subscriptions.ListEnabledAsync(), s => s.Id == briefing).Kind);
        Assert.Equal((AlertKinds.Briefing, "{\"markdown\":\"# x\"}"), (Assert.Single(await alerts.ListForSubscriptionAsync(briefing)).Kind, Assert.Single(await alerts.ListForSubscriptionAsync(briefing)).Detail));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "bad") with { Kind = "weekly" }));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => alerts.RaiseAsync(weekly with { Kind = "weekly" }, "briefing:2026-12-07", Plan()));
    }

    [Fact]
    public async Task Ntfy_and_telegram_settings_round_trip_and_their_deliveries_are_queued_and_claimed()
    {
        var subscriptions = new SubscriptionStore(Database);
        var id = await subscriptions.AddAsync(AlertsTestData.Subscription(_userId, "chat") with
        {
            NtfyUrl = "https://ntfy.example.org/alerts", NtfyToken = "tk_secret", NtfyPriority = 5, NtfyTags = ["warning", "flag-eu"],
            TelegramChatId = "-1001234567890", TelegramBotToken = "123:bot-secret", TelegramParseMode = "MarkdownV2",
        });
        var stored = (await subscriptions.GetAsync(id, _userId))!;
        Assert.Equal(("https://ntfy.example.org/alerts", "tk_secret", 5), (stored.NtfyUrl, stored.NtfyToken, stored.NtfyPriority));
        Assert.Equal(["warning", "flag-eu"], stored.NtfyTags);
        Assert.Equal(("-1001234567890", "123:bot-secret", "MarkdownV2"), (stored.TelegramChatId, stored.TelegramBotToken, stored.TelegramParseMode));

        Assert.True(await subscriptions.UpdateAsync(stored with { NtfyUrl = null, NtfyToken = null, NtfyTags = [], TelegramParseMode = "HTML" }));
        var updated = (await subscriptions.GetAsync(id, _userId))!;
        Assert.Equal((null, null, "HTML", "123:bot-secret"), (updated.NtfyUrl, updated.NtfyToken, updated.TelegramParseMode, updated.TelegramBotToken));
        var plain = (await subscriptions.GetAsync(_subscriptionId, _userId))!;
        Assert.Equal((null, 3, 0, null, "HTML"), (plain.NtfyUrl, plain.NtfyPriority, plain.NtfyTags.Count, plain.TelegramChatId, plain.TelegramParseMode));

        var raised = await new AlertStore(Database).RaiseAsync(Alert(), "statement:chat", Plan(DeliveryStore.Ntfy, DeliveryStore.Telegram));
        Assert.Equal(2, raised!.DeliveryIds.Count);
        var claimed = await new DeliveryStore(Database).ClaimDueAsync(10, TimeSpan.FromMinutes(1), T0);
        Assert.Equal([DeliveryStore.Ntfy, DeliveryStore.Telegram], claimed.Select(c => c.Channel));
    }

    private static IEqualityComparer<(List<long>, string, int)> Comparer() =>
        EqualityComparer<(List<long>, string, int)>.Create((a, b) => a.Item1.SequenceEqual(b.Item1) && a.Item2 == b.Item2 && a.Item3 == b.Item3);

    private AlertRecord Alert() => new()
    {
        SubscriptionId = _subscriptionId, UserId = _userId, StatementId = 7, Revision = 1, Title = "Title 7",
        Url = "https://example.org/7", MatchedTopics = ["sanctions"], TriggeredAt = T0,
    };

    private static AlertPlan Plan(params string[] channels) =>
        new() { SubscriptionName = "test", Deliveries = channels.Select(c => new PlannedDelivery(c, T0)).ToList() };

    private async Task<long> QueueAsync(DateTimeOffset sendAt)
    {
        var raised = await new AlertStore(Database).RaiseAsync(Alert(), $"statement:{Guid.NewGuid():N}", Plan(DeliveryStore.Webhook) with
        {
            Deliveries = [new PlannedDelivery(DeliveryStore.Webhook, sendAt)],
        });
        return Assert.Single(raised!.DeliveryIds);
    }

    private static StatementTagged Tagged(string externalId, string title, string hash, DateTimeOffset? published = null) =>
        new(new StatementDiscovered("ep-press-releases", externalId, $"https://example.org/{externalId}", title, "Summary", "Body",
                published ?? T0.AddHours(-1), "en", hash, published ?? T0),
            [new TopicScore("sanctions", 0.75, [])], "baseline-v1", T0);
}

public sealed class SqliteAlertDeliveryTests() : AlertDeliveryContract(Store.Sqlite);

public sealed class PostgresAlertDeliveryTests() : AlertDeliveryContract(Store.Postgres);
