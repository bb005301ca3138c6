using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Monitor.Data.Alerts;

/// <summary>
/// The <c>deliveries</c> table: email and webhook sends of one alert, or of a digest of alerts. A row is written in
/// the transaction that raises the alert (or closes the digest), so a send is never lost between the two.
/// </summary>
public sealed class DeliveryStore
{
    public const string Webhook = "webhook";
    public const string Email = "email";

    /// <summary>Queues a send of <paramref name="alertIds"/> on <paramref name="channel"/>, due at <paramref name="sendAt"/>.</summary>
    public static async Task<long> EnqueueAsync(DbConnection connection, DbTransaction transaction, long subscriptionId, string channel,
        IReadOnlyList<long> alertIds, DateTimeOffset sendAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO deliveries (subscription_id, channel, alert_ids, state, attempts, next_attempt_at, created_at)
            VALUES (@SubscriptionId, @Channel, @AlertIds, 'pending', 0, @SendAt, @Now)
            RETURNING id
            """,
            new { SubscriptionId = subscriptionId, Channel = channel, AlertIds = JsonSerializer.Serialize(alertIds), SendAt = Database.ToDb(sendAt), Now = Database.ToDb(now) },
            transaction, cancellationToken: cancellationToken));
    }
}
