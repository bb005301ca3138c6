using System.Text.Json;
using Dapper;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;

namespace Monitor.Data.Tests;

/// <summary>Digests on both stores: due alerts are taken once, batched into one delivery per channel.</summary>
public abstract class DigestStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);
    private int _users;

    [Fact]
    public async Task Due_alerts_become_one_delivery_per_channel_with_all_their_ids_and_later_ones_wait()
    {
        var user = await AddUserAsync("ana@example.org");
        var subscription = await AddSubscriptionAsync(user, email: true, webhookUrl: "https://hooks.example.org/a");
        var due = new[]
        {
            await AddAlertAsync(subscription, user, "s1", dueAt: T0.AddMinutes(-30)),
            await AddAlertAsync(subscription, user, "s2", dueAt: T0),
            await AddAlertAsync(subscription, user, "s3", dueAt: T0.AddMinutes(-5)),
        };
        var later = await AddAlertAsync(subscription, user, "s4", dueAt: T0.AddMinutes(1));
        var immediate = await AddAlertAsync(subscription, user, "s5", dueAt: null);
        var digests = new DigestStore(Database);

        var listed = await digests.ListDueSubscriptionsAsync(T0, 10);
        var batch = await digests.CloseAsync(subscription, T0, emailEnabled: true);
        var again = await digests.CloseAsync(subscription, T0, emailEnabled: true);

        Assert.Equal([subscription], listed);
        Assert.Equal(due.Order(), batch.AlertIds);
        Assert.Equal([DeliveryStore.Webhook, DeliveryStore.Email], batch.Deliveries.Select(d => d.Channel));
        Assert.Empty(again.AlertIds);
        Assert.Empty(again.Deliveries);
        var deliveries = await DeliveriesAsync();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d =>
        {
            Assert.Equal(subscription, d.SubscriptionId);
            Assert.Equal("pending", d.State);
            Assert.Equal(T0.ToUnixTimeMilliseconds(), d.NextAttemptAt);
            Assert.Equal(due.Order(), JsonSerializer.Deserialize<long[]>(d.AlertIds));
        });
        Assert.Equal([later], await WaitingAsync());
        Assert.DoesNotContain(immediate, batch.AlertIds);
        Assert.Empty(await digests.ListDueSubscriptionsAsync(T0, 10));
        Assert.Equal([subscription], await digests.ListDueSubscriptionsAsync(T0.AddMinutes(1), 10));
    }

    [Fact]
    public async Task Each_subscription_gets_its_own_digest()
    {
        var ana = await AddUserAsync("ana@example.org");
        var ben = await AddUserAsync("ben@example.org");
        var first = await AddSubscriptionAsync(ana, email: true, webhookUrl: null);
        var second = await AddSubscriptionAsync(ben, email: false, webhookUrl: "https://hooks.example.org/b");
        var a1 = await AddAlertAsync(first, ana, "s1", T0.AddMinutes(-2));
        var b1 = await AddAlertAsync(second, ben, "s1", T0.AddMinutes(-1));
        var a2 = await AddAlertAsync(first, ana, "s2", T0);
        var digests = new DigestStore(Database);

        var listed = await digests.ListDueSubscriptionsAsync(T0, 10);
        var batches = new List<DigestBatch>();
        foreach (var id in listed)
        {
            batches.Add(await digests.CloseAsync(id, T0, emailEnabled: true));
        }

        Assert.Equal([first, second], listed);
        Assert.Equal([a1, a2], batches[0].AlertIds);
        Assert.Equal([DeliveryStore.Email], batches[0].Deliveries.Select(d => d.Channel));
        Assert.Equal([b1], batches[1].AlertIds);
        Assert.Equal([DeliveryStore.Webhook], batches[1].Deliveries.Select(d => d.Channel));
    }

    [Fact]
    public async Task Email_is_queued_only_when_smtp_is_configured_and_the_owner_has_an_address()
    {
        var withAddress = await AddUserAsync("ana@example.org");
        var withoutAddress = await AddUserAsync(null);
        var one = await AddSubscriptionAsync(withAddress, email: true, webhookUrl: null);
        var two = await AddSubscriptionAsync(withoutAddress, email: true, webhookUrl: null);
        await AddAlertAsync(one, withAddress, "s1", T0);
        await AddAlertAsync(two, withoutAddress, "s1", T0);
        var digests = new DigestStore(Database);

        var smtpOff = await digests.CloseAsync(one, T0, emailEnabled: false);
        var noAddress = await digests.CloseAsync(two, T0, emailEnabled: true);

        Assert.Single(smtpOff.AlertIds);
        Assert.Empty(smtpOff.Deliveries);
        Assert.Single(noAddress.AlertIds);
        Assert.Empty(noAddress.Deliveries);
        Assert.Empty(await DeliveriesAsync());
    }

    [Fact]
    public async Task A_subscription_without_email_or_webhook_or_switched_off_has_its_alerts_taken_and_nothing_sent()
    {
        var user = await AddUserAsync("ana@example.org");
        var blocked = await AddUserAsync("ben@example.org", disabled: true);
        var inboxOnly = await AddSubscriptionAsync(user, email: false, webhookUrl: null);
        var disabled = await AddSubscriptionAsync(user, email: true, webhookUrl: "https://hooks.example.org/c", enabled: false);
        var ownerDisabled = await AddSubscriptionAsync(blocked, email: true, webhookUrl: "https://hooks.example.org/d");
        await AddAlertAsync(inboxOnly, user, "s1", T0);
        await AddAlertAsync(inboxOnly, user, "s2", T0);
        await AddAlertAsync(disabled, user, "s1", T0);
        await AddAlertAsync(ownerDisabled, blocked, "s1", T0);
        var digests = new DigestStore(Database);

        var inbox = await digests.CloseAsync(inboxOnly, T0, emailEnabled: true);
        var off = await digests.CloseAsync(disabled, T0, emailEnabled: true);
        var ownerOff = await digests.CloseAsync(ownerDisabled, T0, emailEnabled: true);

        Assert.Equal(2, inbox.AlertIds.Count);
        Assert.Single(off.AlertIds);
        Assert.Single(ownerOff.AlertIds);
        Assert.Empty(await DeliveriesAsync());
        Assert.Empty(await WaitingAsync());
        await using var connection = await Database.OpenAsync();
        Assert.Equal(4, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts"));
        Assert.Empty(await digests.ListDueSubscriptionsAsync(T0.AddDays(1), 10));
    }

    [Fact]
    public async Task Two_schedulers_racing_never_take_the_same_alert()
    {
        var subscriptions = new List<long>();
        var alerts = new List<long>();
        for (var s = 0; s < 4; s++)
        {
            var user = await AddUserAsync($"u{s}@example.org");
            var subscription = await AddSubscriptionAsync(user, email: true, webhookUrl: "https://hooks.example.org/" + s);
            subscriptions.Add(subscription);
            for (var a = 0; a < 25; a++)
            {
                alerts.Add(await AddAlertAsync(subscription, user, $"s{a}", T0.AddSeconds(-a)));
            }
        }

        var digests = new DigestStore(Database);

        async Task<List<DigestBatch>> SchedulerAsync()
        {
            var closed = new List<DigestBatch>();
            foreach (var id in await digests.ListDueSubscriptionsAsync(T0, 10))
            {
                closed.Add(await digests.CloseAsync(id, T0, emailEnabled: true));
            }

            return closed;
        }

        // Several passes each, all at once: every pass lists every subscription, so they collide on each one.
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(SchedulerAsync)));
        var batches = results.SelectMany(r => r).Where(b => b.AlertIds.Count > 0).ToList();

        var taken = batches.SelectMany(b => b.AlertIds).ToList();
        Assert.Equal(alerts.Order(), taken.Order());
        Assert.Equal(subscriptions.Order(), batches.Select(b => b.SubscriptionId).Order());
        var deliveries = await DeliveriesAsync();
        Assert.Equal(8, deliveries.Count);
        var delivered = deliveries.Where(d => d.Channel == DeliveryStore.Email).SelectMany(d => JsonSerializer.Deserialize<long[]>(d.AlertIds)!).ToList();
        Assert.Equal(alerts.Order(), delivered.Order());
        Assert.Empty(await WaitingAsync());
    }

    private async Task<long> AddUserAsync(string? email, bool disabled = false)
    {
        var n = ++_users;
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO users (user_name, display_name, email, role, security_stamp, disabled, created_at)
            VALUES (@UserName, @UserName, @Email, 'analyst', 'stamp', @Disabled, @Now)
            RETURNING id
            """, new { UserName = $"user{n}", Email = email, Disabled = disabled, Now = Database.ToDb(T0) });
    }

    private async Task<long> AddSubscriptionAsync(long userId, bool email, string? webhookUrl, bool enabled = true) =>
        await new SubscriptionStore(Database).AddAsync(new Subscription
        {
            UserId = userId,
            Name = "Digest " + userId,
            Enabled = enabled,
            Delivery = SubscriptionDelivery.Hourly,
            Email = email,
            WebhookUrl = webhookUrl,
            WebhookSecret = webhookUrl is null ? null : "secret",
            FeedTokenHash = Guid.NewGuid().ToString("N"),
            CreatedAt = T0,
            UpdatedAt = T0,
        });

    private async Task<long> AddAlertAsync(long subscriptionId, long userId, string key, DateTimeOffset? dueAt)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO alerts (subscription_id, user_id, dedupe_key, kind, title, url, matched_topics, triggered_at, digest_due_at)
            VALUES (@SubscriptionId, @UserId, @Key, 'statement', @Key, 'https://example.org/', '[]', @Now, @DueAt)
            RETURNING id
            """, new { SubscriptionId = subscriptionId, UserId = userId, Key = "statement:" + key, Now = Database.ToDb(T0.AddHours(-1)), DueAt = Database.ToDb(dueAt) });
    }

    private async Task<List<long>> WaitingAsync()
    {
        await using var connection = await Database.OpenAsync();
        return (await connection.QueryAsync<long>("SELECT id FROM alerts WHERE digest_due_at IS NOT NULL ORDER BY id")).ToList();
    }

    private async Task<List<DeliveryRow>> DeliveriesAsync()
    {
        await using var connection = await Database.OpenAsync();
        return (await connection.QueryAsync<DeliveryRow>("""
            SELECT subscription_id AS SubscriptionId, channel AS Channel, alert_ids AS AlertIds, state AS State, next_attempt_at AS NextAttemptAt
            FROM deliveries ORDER BY id
            """)).ToList();
    }

    private sealed class DeliveryRow
    {
        public long SubscriptionId { get; init; }
        public string Channel { get; init; } = "";
        public string AlertIds { get; init; } = "[]";
        public string State { get; init; } = "";
        public long NextAttemptAt { get; init; }
    }
}

public sealed class SqliteDigestStoreTests() : DigestStoreContract(Store.Sqlite);

public sealed class PostgresDigestStoreTests() : DigestStoreContract(Store.Postgres);
