using Dapper;

namespace Monitor.Data.Alerts;

/// <summary>What closing one subscription's digest took and queued.</summary>
/// <param name="AlertIds">The alerts taken, oldest first; empty when another scheduler took them first.</param>
/// <param name="Deliveries">The deliveries queued: (id, channel). Empty when the subscription has no email or webhook.</param>
public sealed record DigestBatch(long SubscriptionId, IReadOnlyList<long> AlertIds, IReadOnlyList<(long Id, string Channel)> Deliveries);

/// <summary>
/// Digests: alerts of an hourly or daily subscription wait with <c>alerts.digest_due_at</c> set. When that time has
/// come, the alerts are taken (their <c>digest_due_at</c> cleared) and one delivery per configured channel is queued
/// with all of them, in one transaction. Taking is one <c>UPDATE … RETURNING</c>: of two schedulers racing for the same
/// alerts (two Alerts processes) only one gets each alert, on PostgreSQL (the second waits on the row locks and then
/// finds <c>digest_due_at</c> cleared) and on SQLite (writers are serialised).
/// </summary>
public sealed class DigestStore(Database database)
{
    private const string DueSubscriptionsSql = """
        SELECT subscription_id FROM alerts
        WHERE digest_due_at IS NOT NULL AND digest_due_at <= @Now
        GROUP BY subscription_id
        ORDER BY MIN(digest_due_at)
        LIMIT @Limit
        """;

    private const string TakeSql = """
        UPDATE alerts SET digest_due_at = NULL
        WHERE subscription_id = @SubscriptionId AND digest_due_at IS NOT NULL AND digest_due_at <= @Now
        RETURNING id
        """;

    private const string ChannelsSql = """
        SELECT s.enabled AS Enabled, s.email AS Email, s.webhook_url AS WebhookUrl, s.ntfy_url AS NtfyUrl, s.telegram_chat_id AS TelegramChatId, u.email AS UserEmail, u.disabled AS UserDisabled,
            u.role AS UserRole
        FROM subscriptions s JOIN users u ON u.id = s.user_id
        WHERE s.id = @SubscriptionId
        """;

    /// <summary>Subscriptions that have at least one alert whose digest is due at <paramref name="now"/>, longest waiting first.</summary>
    public async Task<IReadOnlyList<long>> ListDueSubscriptionsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(DueSubscriptionsSql,
            new { Now = Database.ToDb(now), Limit = limit }, cancellationToken: cancellationToken));
        return ids.ToList();
    }

    /// <summary>
    /// Takes the subscription's alerts whose digest is due and queues one delivery of all of them per channel, due
    /// at once: the webhook when the subscription has one; email when it asks for email, its owner has an address and
    /// <paramref name="emailEnabled"/> (SMTP is configured); ntfy and Telegram when it has a topic URL or a chat id. A disabled subscription, or a suspended one (its owner
    /// disabled or a viewer), gets its alerts taken (they stay in the inbox and the feed) and nothing sent.
    /// </summary>
    public async Task<DigestBatch> CloseAsync(long subscriptionId, DateTimeOffset now, bool emailEnabled, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var taken = (await connection.QueryAsync<long>(new CommandDefinition(TakeSql,
            new { SubscriptionId = subscriptionId, Now = Database.ToDb(now) }, transaction, cancellationToken: cancellationToken)))
            .Order()
            .ToList();
        var deliveries = new List<(long, string)>();
        if (taken.Count > 0)
        {
            var target = await connection.QuerySingleOrDefaultAsync<ChannelRow>(new CommandDefinition(ChannelsSql,
                new { SubscriptionId = subscriptionId }, transaction, cancellationToken: cancellationToken));
            if (target is { Enabled: true, UserDisabled: false, UserRole: "analyst" or "admin" })
            {
                if (!string.IsNullOrWhiteSpace(target.WebhookUrl))
                {
                    deliveries.Add((await DeliveryStore.EnqueueAsync(connection, transaction, subscriptionId, DeliveryStore.Webhook, taken, now, now, cancellationToken), DeliveryStore.Webhook));
                }

                if (emailEnabled && target.Email && !string.IsNullOrWhiteSpace(target.UserEmail))
                {
                    deliveries.Add((await DeliveryStore.EnqueueAsync(connection, transaction, subscriptionId, DeliveryStore.Email, taken, now, now, cancellationToken), DeliveryStore.Email));
                }

                foreach (var (channel, address) in new[] { (DeliveryStore.Ntfy, target.NtfyUrl), (DeliveryStore.Telegram, target.TelegramChatId) })
                {
                    if (!string.IsNullOrWhiteSpace(address))
                    {
                        deliveries.Add((await DeliveryStore.EnqueueAsync(connection, transaction, subscriptionId, channel, taken, now, now, cancellationToken), channel));
                    }
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new DigestBatch(subscriptionId, taken, deliveries);
    }

    private sealed class ChannelRow
    {
        public bool Enabled { get; init; }
        public bool Email { get; init; }
        public string? WebhookUrl { get; init; }
        public string? NtfyUrl { get; init; }
        public string? TelegramChatId { get; init; }
        public string? UserEmail { get; init; }
        public bool UserDisabled { get; init; }
        public string UserRole { get; init; } = "";
    }
}
