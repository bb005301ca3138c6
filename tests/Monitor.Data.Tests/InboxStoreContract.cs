using System.Text.Json;
using Dapper;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;

namespace Monitor.Data.Tests;

/// <summary>
/// The inbox, the feed's alerts and the deliveries on both databases: every query is scoped to the owner, so user B
/// using user A's ids finds nothing and changes nothing.
/// </summary>
public abstract class InboxStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private long _alice;
    private long _bob;
    private long _aliceNews;
    private long _aliceSpikes;
    private long _bobNews;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _alice = await AddUserAsync("alice");
        _bob = await AddUserAsync("bob");
        var subscriptions = new SubscriptionStore(Database);
        _aliceNews = await subscriptions.AddAsync(Subscription(_alice, "Alice news", "a1"));
        _aliceSpikes = await subscriptions.AddAsync(Subscription(_alice, "Alice spikes", "a2"));
        _bobNews = await subscriptions.AddAsync(Subscription(_bob, "Bob news", "b1"));
    }

    [Fact]
    public async Task The_inbox_lists_the_owners_alerts_newest_first_with_the_subscription_name_and_pages_by_id()
    {
        var a1 = await AddAlertAsync(_aliceNews, _alice, "first", T0);
        var a2 = await AddAlertAsync(_aliceSpikes, _alice, "second", T0.AddMinutes(1));
        await AddAlertAsync(_bobNews, _bob, "bob's", T0.AddMinutes(2));
        var a3 = await AddAlertAsync(_aliceNews, _alice, "third", T0.AddMinutes(3));
        var inbox = new InboxStore(Database);

        var all = await inbox.ListAsync(_alice, unreadOnly: false, limit: 50, before: null);
        var page1 = await inbox.ListAsync(_alice, unreadOnly: false, limit: 2, before: null);
        var page2 = await inbox.ListAsync(_alice, unreadOnly: false, limit: 2, before: page1[^1].Alert.Id);

        Assert.Equal([a3, a2, a1], all.Select(a => a.Alert.Id));
        Assert.Equal(["Alice news", "Alice spikes", "Alice news"], all.Select(a => a.SubscriptionName));
        Assert.Equal([a3, a2], page1.Select(a => a.Alert.Id));
        Assert.Equal([a1], page2.Select(a => a.Alert.Id));
        var third = all[0].Alert;
        Assert.Equal("third", third.Title);
        Assert.Equal(["collective-defence", "sanctions"], third.MatchedTopics);
        Assert.Equal(T0.AddMinutes(3), third.TriggeredAt);
        Assert.Equal(42, third.StatementId);
        Assert.Equal(1, third.Revision);
        Assert.Null(third.ReadAt);
    }

    [Fact]
    public async Task Marking_read_changes_the_unread_filter_and_count_and_keeps_the_first_read_time()
    {
        var a1 = await AddAlertAsync(_aliceNews, _alice, "first", T0);
        var a2 = await AddAlertAsync(_aliceNews, _alice, "second", T0);
        var inbox = new InboxStore(Database);

        Assert.Equal(2, await inbox.UnreadCountAsync(_alice));
        Assert.True(await inbox.MarkReadAsync(a1, _alice, T0.AddMinutes(5)));
        Assert.True(await inbox.MarkReadAsync(a1, _alice, T0.AddMinutes(9)));

        Assert.Equal(1, await inbox.UnreadCountAsync(_alice));
        Assert.Equal([a2], (await inbox.ListAsync(_alice, unreadOnly: true, limit: 50, before: null)).Select(a => a.Alert.Id));
        Assert.Equal(T0.AddMinutes(5), (await inbox.GetAsync(a1, _alice))!.Alert.ReadAt);
    }

    [Fact]
    public async Task Mark_all_read_reads_only_the_owners_alerts()
    {
        await AddAlertAsync(_aliceNews, _alice, "first", T0);
        await AddAlertAsync(_aliceSpikes, _alice, "second", T0);
        await AddAlertAsync(_bobNews, _bob, "bob's", T0);
        var inbox = new InboxStore(Database);

        Assert.Equal(2, await inbox.MarkAllReadAsync(_alice, T0.AddMinutes(1)));

        Assert.Equal(0, await inbox.UnreadCountAsync(_alice));
        Assert.Equal(1, await inbox.UnreadCountAsync(_bob));
        Assert.Equal(0, await inbox.MarkAllReadAsync(_alice, T0.AddMinutes(2)));
    }

    [Fact]
    public async Task Another_users_alert_ids_find_nothing_and_change_nothing()
    {
        var bobs = await AddAlertAsync(_bobNews, _bob, "bob's", T0);
        var inbox = new InboxStore(Database);

        Assert.Null(await inbox.GetAsync(bobs, _alice));
        Assert.False(await inbox.MarkReadAsync(bobs, _alice, T0));
        Assert.Empty(await inbox.ListAsync(_alice, unreadOnly: false, limit: 50, before: null));
        Assert.Empty(await inbox.ListForFeedAsync(_bobNews, _alice));
        Assert.Null((await inbox.GetAsync(bobs, _bob))!.Alert.ReadAt);
        Assert.False(await inbox.MarkReadAsync(987_654, _alice, T0));
    }

    [Fact]
    public async Task The_feed_holds_the_last_fifty_alerts_of_its_subscription_only()
    {
        var ids = new List<long>();
        for (var i = 0; i < 55; i++)
        {
            ids.Add(await AddAlertAsync(_aliceNews, _alice, $"alert {i}", T0.AddMinutes(i)));
        }

        await AddAlertAsync(_aliceSpikes, _alice, "other subscription", T0.AddHours(2));
        var inbox = new InboxStore(Database);

        var feed = await inbox.ListForFeedAsync(_aliceNews, _alice);

        Assert.Equal(InboxStore.FeedLength, feed.Count);
        Assert.Equal(Enumerable.Reverse(ids).Take(50), feed.Select(a => a.Alert.Id));
        Assert.All(feed, a => Assert.Equal("Alice news", a.SubscriptionName));
    }

    [Fact]
    public async Task Deliveries_list_per_owned_subscription_and_filter_by_state()
    {
        var alert = await AddAlertAsync(_aliceNews, _alice, "first", T0);
        var pending = await AddDeliveryAsync(_aliceNews, "pending", [alert]);
        var dead = await AddDeliveryAsync(_aliceNews, "dead", [alert]);
        await AddDeliveryAsync(_bobNews, "dead", [alert]);
        var deliveries = new DeliveryStore(Database);

        var all = await deliveries.ListAsync(_aliceNews, _alice, null, 200);
        var deadOnly = await deliveries.ListAsync(_aliceNews, _alice, "dead", 200);

        Assert.Equal([dead, pending], all.Select(d => d.Id));
        var row = Assert.Single(deadOnly);
        Assert.Equal(dead, row.Id);
        Assert.Equal("webhook", row.Channel);
        Assert.Equal(8, row.Attempts);
        Assert.Equal(500, row.LastStatus);
        Assert.Equal("HTTP 500", row.LastError);
        Assert.Equal([alert], row.AlertIds);
        Assert.Equal(T0, row.CreatedAt);
        Assert.Empty(await deliveries.ListAsync(_bobNews, _alice, null, 200));
    }

    [Fact]
    public async Task Replay_makes_a_dead_delivery_pending_and_due_now_only_for_its_owner()
    {
        var alert = await AddAlertAsync(_aliceNews, _alice, "first", T0);
        var dead = await AddDeliveryAsync(_aliceNews, "dead", [alert]);
        var delivered = await AddDeliveryAsync(_aliceNews, "delivered", [alert]);
        var deliveries = new DeliveryStore(Database);

        Assert.Equal(DeliveryReplay.NotFound, await deliveries.ReplayAsync(dead, _bob, T0.AddHours(1)));
        Assert.Equal(DeliveryReplay.NotFound, await deliveries.ReplayAsync(987_654, _alice, T0.AddHours(1)));
        Assert.Equal(DeliveryReplay.NotDead, await deliveries.ReplayAsync(delivered, _alice, T0.AddHours(1)));
        Assert.Equal(DeliveryReplay.Replayed, await deliveries.ReplayAsync(dead, _alice, T0.AddHours(1)));
        Assert.Equal(DeliveryReplay.NotDead, await deliveries.ReplayAsync(dead, _alice, T0.AddHours(2)));

        var replayed = (await deliveries.ListAsync(_aliceNews, _alice, "pending", 200)).Single();
        Assert.Equal(dead, replayed.Id);
        Assert.Equal(0, replayed.Attempts);
        Assert.Equal(T0.AddHours(1), replayed.NextAttemptAt);
    }

    private async Task<long> AddUserAsync(string name)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO users (user_name, display_name, email, role, security_stamp, created_at)
            VALUES (@Name, @Name, NULL, 'analyst', 'stamp', @Now) RETURNING id
            """, new { Name = name, Now = Database.ToDb(T0) });
    }

    private static Subscription Subscription(long userId, string name, string tokenHash) => new()
    {
        UserId = userId, Name = name, FeedTokenHash = tokenHash, CreatedAt = T0, UpdatedAt = T0,
    };

    private async Task<long> AddAlertAsync(long subscriptionId, long userId, string title, DateTimeOffset triggeredAt)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO alerts (subscription_id, user_id, dedupe_key, kind, statement_id, revision, title, url, matched_topics, triggered_at)
            VALUES (@SubscriptionId, @UserId, @Key, 'statement', 42, 1, @Title, 'https://example.org/s', @Topics, @At)
            RETURNING id
            """, new
        {
            SubscriptionId = subscriptionId, UserId = userId, Key = Guid.NewGuid().ToString(), Title = title,
            Topics = JsonSerializer.Serialize(new[] { "collective-defence", "sanctions" }), At = Database.ToDb(triggeredAt),
        });
    }

    private async Task<long> AddDeliveryAsync(long subscriptionId, string state, long[] alertIds)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO deliveries (subscription_id, channel, alert_ids, state, attempts, next_attempt_at, last_status, last_error, created_at)
            VALUES (@SubscriptionId, 'webhook', @AlertIds, @State, 8, @Now, 500, 'HTTP 500', @Now)
            RETURNING id
            """, new { SubscriptionId = subscriptionId, AlertIds = JsonSerializer.Serialize(alertIds), State = state, Now = Database.ToDb(T0) });
    }
}

public sealed class SqliteInboxStoreTests() : InboxStoreContract(Store.Sqlite);

public sealed class PostgresInboxStoreTests() : InboxStoreContract(Store.Postgres);
