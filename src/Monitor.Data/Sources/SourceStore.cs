using Dapper;
using Monitor.Contracts;

namespace Monitor.Data.Sources;

/// <summary>A source to poll, as configured.</summary>
public sealed record SourceDefinition(string Id, string Name, string Url, string Adapter, int PollIntervalSeconds);

/// <summary>A source as stored: its definition, when it is polled next, and how it is doing.</summary>
public sealed class SourceRow
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public string Url { get; init; } = "";

    public string Adapter { get; init; } = "";

    public int PollIntervalSeconds { get; init; }

    public bool Enabled { get; init; }

    public DateTimeOffset NextPollAt { get; init; }

    public DateTimeOffset? LastPolledAt { get; init; }

    public DateTimeOffset? LastSuccessAt { get; init; }

    public string? LastError { get; init; }

    public int ConsecutiveFailures { get; init; }

    public SourceHealth Health { get; init; }

    public string? ETag { get; init; }

    public string? LastModified { get; init; }

    /// <summary>When a poll last found a new or changed item.</summary>
    public DateTimeOffset? LastNewItemAt { get; init; }

    /// <summary>The typical gap between the source's items, learned from its feed (ms).</summary>
    public long? TypicalGapMs { get; init; }

    /// <summary>Nothing new for longer than the source's rhythm allows (see docs/polling.md).</summary>
    public bool Quiet { get; init; }
}

/// <summary>What a successful poll learned about a source's rhythm; null values keep what is stored.</summary>
public sealed record SourceActivity(DateTimeOffset? LastNewItemAt, TimeSpan? TypicalGap, bool Quiet);

/// <summary>
/// The sources table: what to poll, when, and how each source is doing. Polls are claimed with one atomic UPDATE,
/// so several Ingestion replicas share the sources without polling one twice.
/// </summary>
public sealed partial class SourceStore(Database database)
{
    private const string Columns = """
        id AS Id, name AS Name, url AS Url, adapter AS Adapter, poll_interval_seconds AS PollIntervalSeconds,
        enabled AS Enabled, next_poll_at AS NextPollAt, last_polled_at AS LastPolledAt, last_success_at AS LastSuccessAt,
        last_error AS LastError, consecutive_failures AS ConsecutiveFailures, health AS Health, etag AS ETag,
        last_modified AS LastModified, last_new_item_at AS LastNewItemAt, typical_gap_ms AS TypicalGapMs, quiet AS Quiet
        """;

    private const string UpsertSql = """
        INSERT INTO sources (id, name, url, adapter, poll_interval_seconds)
        VALUES (@Id, @Name, @Url, @Adapter, @PollIntervalSeconds)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, adapter = excluded.adapter,
                                       poll_interval_seconds = excluded.poll_interval_seconds
        """;

    // The lease: a claimed source is not due again until its interval or the lease, whichever is longer, has passed
    // (a poll slower than the interval must not be claimed twice); the poll's result moves it on, so the lease only
    // matters when a poller dies mid-poll.
    private const string ClaimDueSql = $"""
        UPDATE sources
        SET next_poll_at = @Now + CASE WHEN poll_interval_seconds * 1000 > @LeaseMs THEN poll_interval_seconds * 1000 ELSE @LeaseMs END,
            last_polled_at = @Now
        WHERE id IN (
            SELECT id FROM sources WHERE enabled AND next_poll_at <= @Now ORDER BY next_poll_at LIMIT @Limit)
          AND next_poll_at <= @Now
        RETURNING {Columns}
        """;

    private const string RecordSuccessSql = """
        UPDATE sources SET last_success_at = @Now, last_error = NULL, consecutive_failures = 0, health = @Health,
                           etag = @ETag, last_modified = @LastModified, next_poll_at = @NextPollAt,
                           last_new_item_at = COALESCE(@LastNewItemAt, last_new_item_at),
                           typical_gap_ms = COALESCE(@TypicalGapMs, typical_gap_ms), quiet = COALESCE(@Quiet, quiet)
        WHERE id = @Id
        """;

    private const string RecordFailureSql = """
        UPDATE sources SET last_error = @Error, consecutive_failures = consecutive_failures + 1, health = @Health,
                           next_poll_at = @NextPollAt
        WHERE id = @Id
        RETURNING consecutive_failures
        """;

    public async Task UpsertAsync(IEnumerable<SourceDefinition> sources, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var source in sources)
        {
            await connection.ExecuteAsync(UpsertSql, source, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<SourceRow>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        ClaimDueAsync(now, limit, TimeSpan.Zero, cancellationToken);

    /// <param name="lease">How long a claimed source stays claimed at least, whatever its interval.</param>
    public async Task<IReadOnlyList<SourceRow>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(ClaimDueSql,
            new { Now = Database.ToDb(now), Limit = limit, LeaseMs = (long)lease.TotalMilliseconds }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSource()).ToList();
    }

    /// <summary>
    /// Extends a claim while its poll runs (<see cref="ClaimDueAsync(DateTimeOffset, int, TimeSpan, CancellationToken)"/>
    /// sets next_poll_at to the claim's end): only while the source still holds that claim, so a poll that has recorded
    /// its result, or a claim another process took after this one lapsed, is never overwritten. False when it no longer does.
    /// </summary>
    public async Task<bool> RenewClaimAsync(string id, DateTimeOffset claimedUntil, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET next_poll_at = @Until WHERE id = @Id AND next_poll_at = @ClaimedUntil",
            new { Id = id, ClaimedUntil = Database.ToDb(claimedUntil), Until = Database.ToDb(until) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task RecordSuccessAsync(string id, DateTimeOffset now, DateTimeOffset nextPollAt, string? etag, string? lastModified, CancellationToken cancellationToken) =>
        await RecordSuccessAsync(id, now, nextPollAt, etag, lastModified, null, cancellationToken);

    public async Task RecordSuccessAsync(string id, DateTimeOffset now, DateTimeOffset nextPollAt, string? etag, string? lastModified, SourceActivity? activity, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordSuccessSql, new
        {
            Id = id,
            Now = Database.ToDb(now),
            Health = nameof(SourceHealth.Healthy),
            ETag = etag,
            LastModified = lastModified,
            NextPollAt = Database.ToDb(nextPollAt),
            LastNewItemAt = Database.ToDb(activity?.LastNewItemAt),
            TypicalGapMs = activity?.TypicalGap is { } gap ? (long?)gap.TotalMilliseconds : null,
            Quiet = activity?.Quiet,
        }, cancellationToken: cancellationToken));
    }

    /// <returns>The number of failures in a row, this one included.</returns>
    public async Task<int> RecordFailureAsync(string id, string error, SourceHealth health, DateTimeOffset nextPollAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(RecordFailureSql, new
        {
            Id = id,
            Error = error,
            Health = health.ToString(),
            NextPollAt = Database.ToDb(nextPollAt),
        }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<SourceRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM sources ORDER BY id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSource()).ToList();
    }

    /// <summary>A <c>sources</c> row as read (times in Unix ms); <see cref="ToSource"/> is its one mapping.</summary>
    private sealed class Row
    {
        public string Id { get; init; } = "";

        public string Name { get; init; } = "";

        public string Url { get; init; } = "";

        public string Adapter { get; init; } = "";

        public int PollIntervalSeconds { get; init; }

        public bool Enabled { get; init; }

        public long NextPollAt { get; init; }

        public long? LastPolledAt { get; init; }

        public long? LastSuccessAt { get; init; }

        public string? LastError { get; init; }

        public int ConsecutiveFailures { get; init; }

        public SourceHealth Health { get; init; }

        public string? ETag { get; init; }

        public string? LastModified { get; init; }

        public long? LastNewItemAt { get; init; }

        public long? TypicalGapMs { get; init; }

        public bool Quiet { get; init; }

        public SourceRow ToSource() => new()
        {
            Id = Id, Name = Name, Url = Url, Adapter = Adapter, PollIntervalSeconds = PollIntervalSeconds, Enabled = Enabled,
            NextPollAt = Database.FromDb(NextPollAt), LastPolledAt = Database.FromDb(LastPolledAt), LastSuccessAt = Database.FromDb(LastSuccessAt),
            LastError = LastError, ConsecutiveFailures = ConsecutiveFailures, Health = Health, ETag = ETag, LastModified = LastModified,
            LastNewItemAt = Database.FromDb(LastNewItemAt), TypicalGapMs = TypicalGapMs, Quiet = Quiet,
        };
    }
}
