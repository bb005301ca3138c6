using Dapper;

namespace Monitor.Data.Sources;

/// <summary>How a poll ended: <c>success</c> (a feed was read), <c>not_modified</c> (304) or <c>failure</c>.</summary>
public static class PollOutcomes
{
    public const string Success = "success";
    public const string NotModified = "not_modified";
    public const string Failure = "failure";
}

/// <summary>One poll of a source, as the page's poll history shows it.</summary>
/// <param name="Items">Items the feed held (0 for a 304 or a failure).</param>
/// <param name="NewItems">New or changed items the poll published.</param>
public sealed record SourcePoll(DateTimeOffset PolledAt, string Outcome, int Items, int NewItems, string? Error, long DurationMs);

/// <summary>
/// The poll history of each source (<c>source_polls</c>, migration 0025): written by Ingestion after every poll,
/// bounded to the newest <see cref="Keep"/> rows per source by the writer itself, read by the admin API.
/// </summary>
public sealed class SourcePollLog(Database database)
{
    /// <summary>Polls kept per source; older ones are deleted as new ones are written.</summary>
    public const int Keep = 50;

    private const string InsertSql = """
        INSERT INTO source_polls (source_id, polled_at, outcome, items, new_items, error, duration_ms)
        VALUES (@SourceId, @PolledAt, @Outcome, @Items, @NewItems, @Error, @DurationMs)
        """;

    // Everything older than the Keep-th newest row of the source: one indexed range, however long the history grew.
    private const string TrimSql = """
        DELETE FROM source_polls
        WHERE source_id = @SourceId
          AND id < (SELECT MIN(id) FROM (SELECT id FROM source_polls WHERE source_id = @SourceId ORDER BY id DESC LIMIT @Keep) AS newest)
        """;

    public async Task RecordAsync(string sourceId, SourcePoll poll, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poll);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var error = poll.Error is { Length: > 2000 } text ? text[..2000] : poll.Error;
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            SourceId = sourceId, PolledAt = Database.ToDb(poll.PolledAt), poll.Outcome, poll.Items, poll.NewItems, Error = error, poll.DurationMs,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(TrimSql, new { SourceId = sourceId, Keep }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> polls of a source, newest first.</summary>
    public async Task<IReadOnlyList<SourcePoll>> ListAsync(string sourceId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT polled_at AS PolledAt, outcome AS Outcome, items AS Items, new_items AS NewItems, error AS Error, duration_ms AS DurationMs
            FROM source_polls WHERE source_id = @SourceId ORDER BY id DESC LIMIT @Limit
            """, new { SourceId = sourceId, Limit = Math.Clamp(limit, 1, Keep) }, cancellationToken: cancellationToken));
        return rows.Select(r => new SourcePoll(Database.FromDb(r.PolledAt), r.Outcome, r.Items, r.NewItems, r.Error, r.DurationMs)).ToList();
    }

    private sealed class Row
    {
        public long PolledAt { get; init; }

        public string Outcome { get; init; } = "";

        public int Items { get; init; }

        public int NewItems { get; init; }

        public string? Error { get; init; }

        public long DurationMs { get; init; }
    }
}
