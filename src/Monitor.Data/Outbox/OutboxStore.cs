using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Dapper;

namespace Monitor.Data.Outbox;

public sealed class OutboxMessage
{
    public long Id { get; init; }

    public string MessageId { get; init; } = "";

    public string MessageType { get; init; } = "";

    public string Payload { get; init; } = "";

    /// <summary>The W3C traceparent of the trace the event was written in, when there was one.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>
/// The transactional outbox: an event is written in the same transaction as the change it announces and relayed
/// after commit, so it is never lost between the two. Its message id is fixed at write time, so a relay that dies
/// between publish and delete republishes the same message id and consumers can recognise the repeat.
/// </summary>
public sealed class OutboxStore(Database database)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO outbox (message_id, message_type, payload, created_at, trace_parent)
        VALUES (@MessageId, @MessageType, @Payload, @CreatedAt, @TraceParent)
        """;

    // The outer predicate repeats the lock test so that two relays racing on PostgreSQL (READ COMMITTED re-checks
    // the outer WHERE on the locked row) never both claim the same message.
    private const string ClaimSql = """
        UPDATE outbox SET locked_until = @LockedUntil
        WHERE id IN (
            SELECT id FROM outbox
            WHERE locked_until IS NULL OR locked_until < @Now
            ORDER BY id
            LIMIT @Limit)
          AND (locked_until IS NULL OR locked_until < @Now)
        RETURNING id AS Id, message_id AS MessageId, message_type AS MessageType, payload AS Payload, trace_parent AS TraceParent
        """;

    private readonly string _deleteSql = $"DELETE FROM outbox WHERE id {database.InList("Ids")}";

    public static Task EnqueueAsync<T>(DbConnection connection, DbTransaction transaction, T message, DateTimeOffset now)
        where T : class =>
        connection.ExecuteAsync(InsertSql, new
        {
            MessageId = Guid.NewGuid().ToString(),
            MessageType = typeof(T).FullName,
            Payload = JsonSerializer.Serialize(message, Json),
            CreatedAt = Database.ToDb(now),
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null,
        }, transaction);

    /// <summary>An event to enqueue, with the trace it belongs to (W3C traceparent) when there is one.</summary>
    public sealed record Outgoing(object Message, string? TraceParent);

    /// <summary>An event written by <see cref="EnqueueManyAsync"/>: its row, its fixed message id, and the event itself.</summary>
    public sealed record Enqueued(long Id, Guid MessageId, object Message, string? TraceParent);

    private const string InsertManyUnnestSql = """
        INSERT INTO outbox (message_id, message_type, payload, created_at, trace_parent, locked_until)
        SELECT m, t, p, @CreatedAt, tp, @LockedUntil FROM unnest(@MessageIds::text[], @MessageTypes::text[], @Payloads::text[], @TraceParents::text[]) AS u(m, t, p, tp)
        RETURNING id AS Id, message_id AS MessageId
        """;

    private const string InsertClaimedSql = """
        INSERT INTO outbox (message_id, message_type, payload, created_at, trace_parent, locked_until)
        VALUES (@MessageId, @MessageType, @Payload, @CreatedAt, @TraceParent, @LockedUntil)
        RETURNING id
        """;

    /// <summary>
    /// Enqueues several events in the caller's transaction: one statement on PostgreSQL, a prepared insert per event on
    /// SQLite (in the process, no round trip). Each gets its own message id, fixed now. With <paramref name="claimUntil"/>
    /// the rows are written already claimed by the caller until then: it publishes them itself right after the commit
    /// (<c>OutboxPublisher</c>) and no relay takes them unless that has not happened by then.
    /// </summary>
    public static async Task<IReadOnlyList<Enqueued>> EnqueueManyAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider,
        IReadOnlyList<Outgoing> messages, DateTimeOffset now, DateTimeOffset? claimUntil = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return [];
        }

        var ids = messages.Select(_ => Guid.NewGuid()).ToArray();
        var payloads = messages.Select(m => JsonSerializer.Serialize(m.Message, m.Message.GetType(), Json)).ToArray();
        var lockedUntil = Database.ToDb(claimUntil);
        var rows = new long[messages.Count];
        if (provider == DatabaseProvider.Postgres)
        {
            var written = (await connection.QueryAsync<(long Id, string MessageId)>(InsertManyUnnestSql, new
            {
                MessageIds = ids.Select(id => id.ToString()).ToArray(),
                MessageTypes = messages.Select(m => m.Message.GetType().FullName).ToArray(),
                Payloads = payloads,
                TraceParents = messages.Select(m => m.TraceParent).ToArray(),
                CreatedAt = Database.ToDb(now),
                LockedUntil = lockedUntil,
            }, transaction)).ToDictionary(r => r.MessageId, r => r.Id, StringComparer.Ordinal);
            for (var i = 0; i < ids.Length; i++)
            {
                rows[i] = written[ids[i].ToString()];
            }
        }
        else
        {
            for (var i = 0; i < messages.Count; i++)
            {
                rows[i] = await connection.ExecuteScalarAsync<long>(InsertClaimedSql, new
                {
                    MessageId = ids[i].ToString(),
                    MessageType = messages[i].Message.GetType().FullName,
                    Payload = payloads[i],
                    CreatedAt = Database.ToDb(now),
                    messages[i].TraceParent,
                    LockedUntil = lockedUntil,
                }, transaction);
            }
        }

        return [.. messages.Select((m, i) => new Enqueued(rows[i], ids[i], m.Message, m.TraceParent))];
    }

    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int limit, TimeSpan lockFor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxMessage>(new CommandDefinition(ClaimSql, new
        {
            Now = Database.ToDb(now),
            LockedUntil = Database.ToDb(now + lockFor),
            Limit = limit,
        }, cancellationToken: cancellationToken));
        return rows.OrderBy(row => row.Id).ToList();
    }

    public async Task DeleteAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_deleteSql, new { Ids = ids.ToArray() }, cancellationToken: cancellationToken));
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM outbox", cancellationToken: cancellationToken));
    }

    private const string BacklogSql = "SELECT COUNT(*) AS Pending, MIN(created_at) AS OldestAt FROM outbox";

    /// <summary>Events waiting to be published, and when the oldest of them was written (null when none wait).</summary>
    public async Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long Pending, long? OldestAt)>(new CommandDefinition(BacklogSql, cancellationToken: cancellationToken));
        return new OutboxBacklog(row.Pending, Database.FromDb(row.OldestAt));
    }
}

public sealed record OutboxBacklog(long Pending, DateTimeOffset? OldestAt);
