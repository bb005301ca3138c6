using Dapper;

namespace Monitor.Data.Sources;

/// <summary>How many statements a source brought: dated in the last 24 hours, and per day over the last 7 days.</summary>
/// <param name="PerDay">The mean over the last 7 days, to one decimal.</param>
public sealed record SourceRate(string SourceId, long Last24h, double PerDay);

/// <summary>Statement rates of every source at once, for the sources page.</summary>
public sealed partial class SourceStore
{
    private const long DayMs = 86_400_000;

    // One pass over the last 7 days of statements by date (ix_statements_sort), grouped by source: one query for
    // every source, however many there are. A statement counts for the source that first brought it.
    private const string RatesSql = """
        SELECT s.source_id AS SourceId,
               SUM(CASE WHEN s.sort_at >= @Since24h THEN 1 ELSE 0 END) AS Last24h,
               COUNT(*) AS Last7d
        FROM statements s
        WHERE s.sort_at >= @Since7d
        GROUP BY s.source_id
        """;

    /// <summary>
    /// Per source with statements dated (published, else first seen) in the 7 days before <paramref name="now"/>:
    /// those of the last 24 hours and the mean per day. A source missing from the answer had none.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SourceRate>> RatesAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var nowMs = Database.ToDb(now);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string SourceId, long Last24h, long Last7d)>(new CommandDefinition(
            RatesSql, new { Since24h = nowMs - DayMs, Since7d = nowMs - 7 * DayMs }, cancellationToken: cancellationToken));
        return rows.ToDictionary(
            r => r.SourceId,
            r => new SourceRate(r.SourceId, r.Last24h, Math.Round(r.Last7d / 7.0, 1, MidpointRounding.AwayFromZero)),
            StringComparer.Ordinal);
    }
}
