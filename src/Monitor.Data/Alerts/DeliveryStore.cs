using System.Data.Common;
using System.Text.Json;
using Dapper;
using Monitor.Core.Alerts;

namespace Monitor.Data.Alerts;

/// <summary><c>deliveries.state</c>.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";

    public static bool IsValid(string state) => state is Pending or Delivered or Dead;
}

/// <summary>One <c>deliveries</c> row as its owner sees it.</summary>
public sealed record DeliveryRecord
{
    public long Id { get; init; }

    public long SubscriptionId { get; init; }

    /// <summary>"webhook", "email", "ntfy" or "telegram".</summary>
    public string Channel { get; init; } = "";

    /// <summary><see cref="DeliveryStates"/>.</summary>
    public string State { get; init; } = DeliveryStates.Pending;

    public int Attempts { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>The receiver's last HTTP status (webhook), if it answered.</summary>
    public int? LastStatus { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public IReadOnlyList<long> AlertIds { get; init; } = [];
}

/// <summary>A pending delivery this process holds until <see cref="LeaseUntil"/>; its updates name the lease.</summary>
/// <param name="TraceParent">The trace the send was queued in (W3C traceparent), when there was one.</param>
public sealed record ClaimedDelivery(long Id, long SubscriptionId, string Channel, IReadOnlyList<long> AlertIds, int Attempts, long LeaseUntil, string? TraceParent = null);

/// <summary>A subscription's owner, as a send addresses them.</summary>
public sealed record DeliveryOwner(long UserId, string UserName, string DisplayName, string? Email)
{
    /// <summary>False when the owner is disabled or a viewer: the send must not go out (see <see cref="Subscription.Suspended"/>).</summary>
    public bool MaySubscribe { get; init; } = true;
}

/// <summary>What a send needs: the subscription, its owner and the alerts (oldest first).</summary>
public sealed record DeliveryContent(Subscription Subscription, DeliveryOwner Owner, IReadOnlyList<AlertRecord> Alerts);

/// <summary>The outcome of a replay request.</summary>
public enum DeliveryReplay
{
    /// <summary>No such delivery, or another user's.</summary>
    NotFound,

    /// <summary>The delivery is pending or delivered; only a dead one can be replayed.</summary>
    NotDead,

    /// <summary>The dead delivery is pending again, due now, with its attempts reset.</summary>
    Replayed,
}

/// <summary>
/// The <c>deliveries</c> table: email and webhook sends of one alert, or of a digest of alerts. A row is written in
/// the transaction that raises the alert (or closes the digest), so a send is never lost between the two. Senders
/// claim due rows with a lease (one atomic UPDATE), so competing Alerts processes never send a row twice while the
/// lease holds; every later update names the lease, so a sender whose lease ran out changes nothing.
/// </summary>
public sealed class DeliveryStore(Database database)
{
    public const string Webhook = "webhook";
    public const string Email = "email";
    public const string Ntfy = "ntfy";
    public const string Telegram = "telegram";

    private const string Columns = """
        id AS Id, subscription_id AS SubscriptionId, channel AS Channel, state AS State, attempts AS Attempts,
        next_attempt_at AS NextAttemptAt, last_status AS LastStatus, last_error AS LastError, created_at AS CreatedAt,
        delivered_at AS DeliveredAt, alert_ids AS AlertIds
        """;

    // As OutboxStore's claim: the outer predicate repeats the test so that two senders racing on PostgreSQL (READ
    // COMMITTED re-checks the outer WHERE on the locked row) never both claim the same row.
    private const string ClaimSql = """
        UPDATE deliveries SET lease_until = @LeaseUntil
        WHERE id IN (
            SELECT id FROM deliveries
            WHERE state = 'pending' AND next_attempt_at <= @Now AND (lease_until IS NULL OR lease_until < @Now)
            ORDER BY next_attempt_at, id
            LIMIT @Limit)
          AND state = 'pending' AND next_attempt_at <= @Now AND (lease_until IS NULL OR lease_until < @Now)
        RETURNING id AS Id, subscription_id AS SubscriptionId, channel AS Channel, alert_ids AS AlertIds, attempts AS Attempts,
            trace_parent AS TraceParent
        """;

    private const string DeliveredSql = """
        UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_status = @Status, last_error = NULL,
            delivered_at = @Now, lease_until = NULL
        WHERE id = @Id AND state = 'pending' AND lease_until = @Lease
        """;

    private const string FailedSql = """
        UPDATE deliveries SET attempts = attempts + 1, last_status = @Status, last_error = @Error,
            next_attempt_at = @NextAttemptAt, lease_until = NULL
        WHERE id = @Id AND state = 'pending' AND lease_until = @Lease
        """;

    private const string DeadSql = """
        UPDATE deliveries SET state = 'dead', attempts = attempts + 1, last_status = @Status, last_error = @Error, lease_until = NULL
        WHERE id = @Id AND state = 'pending' AND lease_until = @Lease
        """;

    private const string OwnedSql = "subscription_id IN (SELECT id FROM subscriptions WHERE user_id = @UserId)";

    private const string ReplaySql = $"""
        UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = @Now, lease_until = NULL
        WHERE id = @Id AND state = 'dead' AND {OwnedSql}
        """;

    private const string OwnerSql = """
        SELECT id AS UserId, user_name AS UserName, display_name AS DisplayName, email AS Email, role AS Role, disabled AS Disabled
        FROM users WHERE id = @UserId
        """;

    /// <summary>Queues a send of <paramref name="alertIds"/> on <paramref name="channel"/>, due at <paramref name="sendAt"/>.</summary>
    public static async Task<long> EnqueueAsync(DbConnection connection, DbTransaction transaction, long subscriptionId, string channel,
        IReadOnlyList<long> alertIds, DateTimeOffset sendAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO deliveries (subscription_id, channel, alert_ids, state, attempts, next_attempt_at, created_at, trace_parent)
            VALUES (@SubscriptionId, @Channel, @AlertIds, 'pending', 0, @SendAt, @Now, @TraceParent)
            RETURNING id
            """,
            new
            {
                SubscriptionId = subscriptionId,
                Channel = channel,
                AlertIds = JsonSerializer.Serialize(alertIds),
                SendAt = Database.ToDb(sendAt),
                Now = Database.ToDb(now),
                // The trace the alert was raised in (its statement's), for the send to go out inside it.
                TraceParent = System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } current ? current.Id : null,
            },
            transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Claims up to <paramref name="limit"/> pending rows due at <paramref name="now"/> for <paramref name="leaseFor"/>.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(int limit, TimeSpan leaseFor, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var lease = Database.ToDb(now + leaseFor);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(ClaimSql,
            new { Now = Database.ToDb(now), LeaseUntil = lease, Limit = limit }, cancellationToken: cancellationToken));
        return rows.OrderBy(r => r.Id)
            .Select(r => new ClaimedDelivery(r.Id, r.SubscriptionId, r.Channel, JsonSerializer.Deserialize<List<long>>(r.AlertIds) ?? [], r.Attempts, lease, r.TraceParent))
            .ToList();
    }

    /// <returns>The subscription, owner and alerts of a claimed send; null when the subscription is gone.</returns>
    public async Task<DeliveryContent?> LoadAsync(ClaimedDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var subscription = await new SubscriptionStore(database).GetAsync(delivery.SubscriptionId, cancellationToken);
        if (subscription is null)
        {
            return null;
        }

        DeliveryOwner? owner;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            var row = await connection.QuerySingleOrDefaultAsync<OwnerRow>(new CommandDefinition(OwnerSql, new { subscription.UserId }, cancellationToken: cancellationToken));
            owner = row is null ? null : new DeliveryOwner(row.UserId, row.UserName, row.DisplayName, row.Email)
            {
                MaySubscribe = !row.Disabled && row.Role is "analyst" or "admin",
            };
        }

        if (owner is null)
        {
            return null;
        }

        var alerts = await new AlertStore(database).GetAsync(delivery.AlertIds, cancellationToken);
        return new DeliveryContent(subscription, owner, alerts);
    }

    /// <returns>False when the lease was lost (another sender holds the row now).</returns>
    public Task<bool> MarkDeliveredAsync(ClaimedDelivery delivery, int? status, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteAsync(DeliveredSql, new { delivery.Id, Lease = delivery.LeaseUntil, Status = status, Now = Database.ToDb(now) }, cancellationToken);

    /// <summary>Counts a failed attempt and sets the next one.</summary>
    /// <returns>False when the lease was lost.</returns>
    public Task<bool> RecordFailureAsync(ClaimedDelivery delivery, int? status, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync(FailedSql, new { delivery.Id, Lease = delivery.LeaseUntil, Status = status, Error = error, NextAttemptAt = Database.ToDb(nextAttemptAt) }, cancellationToken);

    /// <summary>Counts the last failed attempt and dead-letters the row (its owner can see and replay it).</summary>
    /// <returns>False when the lease was lost.</returns>
    public Task<bool> MarkDeadAsync(ClaimedDelivery delivery, int? status, string error, CancellationToken cancellationToken = default) =>
        ExecuteAsync(DeadSql, new { delivery.Id, Lease = delivery.LeaseUntil, Status = status, Error = error }, cancellationToken);

    /// <summary>Makes the owner's dead delivery pending again, due at <paramref name="now"/>, with its attempts reset.</summary>
    public async Task<DeliveryReplay> ReplayAsync(long deliveryId, long userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(ReplaySql, new { Id = deliveryId, UserId = userId, Now = Database.ToDb(now) }, cancellationToken: cancellationToken)) == 1)
        {
            return DeliveryReplay.Replayed;
        }

        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM deliveries WHERE id = @Id AND {OwnedSql}", new { Id = deliveryId, UserId = userId }, cancellationToken: cancellationToken));
        return exists > 0 ? DeliveryReplay.NotDead : DeliveryReplay.NotFound;
    }

    /// <summary>The owner's deliveries of a subscription, newest first; another user's subscription lists nothing.</summary>
    /// <param name="state">Only this <see cref="DeliveryStates"/> value; null for all.</param>
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(long subscriptionId, long userId, string? state, int limit, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            SELECT {Columns} FROM deliveries
            WHERE subscription_id = @SubscriptionId AND {OwnedSql}
            {(state is null ? "" : "AND state = @State")}
            ORDER BY id DESC
            LIMIT @Limit
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(sql,
            new { SubscriptionId = subscriptionId, UserId = userId, State = state, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>One delivery of any user (the worker and tests).</summary>
    public async Task<DeliveryRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {Columns} FROM deliveries WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>Every delivery of a subscription, oldest first (the worker and tests).</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> ListForSubscriptionAsync(long subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {Columns} FROM deliveries WHERE subscription_id = @SubscriptionId ORDER BY id", new { SubscriptionId = subscriptionId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private async Task<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class OwnerRow
    {
        public long UserId { get; init; }
        public string UserName { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string Role { get; init; } = "";
        public bool Disabled { get; init; }
    }

    private sealed class DeliveryRow
    {
        public long Id { get; init; }
        public long SubscriptionId { get; init; }
        public string Channel { get; init; } = "";
        public string State { get; init; } = "";
        public int Attempts { get; init; }
        public long NextAttemptAt { get; init; }
        public int? LastStatus { get; init; }
        public string? LastError { get; init; }
        public long CreatedAt { get; init; }
        public long? DeliveredAt { get; init; }
        public string AlertIds { get; init; } = "[]";
        public string? TraceParent { get; init; }

        public DeliveryRecord ToRecord() => new()
        {
            Id = Id, SubscriptionId = SubscriptionId, Channel = Channel, State = State, Attempts = Attempts,
            NextAttemptAt = Database.FromDb(NextAttemptAt), LastStatus = LastStatus, LastError = LastError,
            CreatedAt = Database.FromDb(CreatedAt), DeliveredAt = Database.FromDb(DeliveredAt),
            AlertIds = JsonSerializer.Deserialize<List<long>>(AlertIds) ?? [],
        };
    }
}
