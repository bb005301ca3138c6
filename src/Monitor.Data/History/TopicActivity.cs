using Dapper;

namespace Monitor.Data.History;

/// <summary>How many statements a topic had on one UTC day.</summary>
public sealed record DayCount(DateOnly Day, long Count);

/// <summary>
/// A topic's recent activity: statements carrying it (current revision, by the statement's date) in the rolling
/// windows ending now, and per UTC day over the last <see cref="HistoryAggregates.SummaryDays"/> days, today last.
/// </summary>
public sealed record TopicActivity(string TopicId, long Last24h, long Last7d, long Last30d, IReadOnlyList<DayCount> Daily);

/// <summary>Statements of one institution carrying a topic in the bucket starting at <paramref name="Start"/> (UTC).</summary>
public sealed record InstitutionCount(string TopicId, string Institution, DateTimeOffset Start, long Count);

/// <summary>Topic summaries for the topics view and the NATO-against-EP chart.</summary>
public sealed partial class HistoryAggregates
{
    /// <summary>Days in a summary's daily series.</summary>
    public const int SummaryDays = 30;

    /// <summary>The institution a source id belongs to, as the page's institutionOf() reads it: nato… → NATO, ep… → EP.</summary>
    public const string InstitutionSql =
        "CASE WHEN LOWER(s.source_id) LIKE 'nato%' THEN 'NATO' WHEN LOWER(s.source_id) LIKE 'ep%' THEN 'EP' ELSE 'Other' END";

    /// <summary>
    /// Per topic, the statements of the last 24 hours, 7 days and 30 days before <paramref name="now"/> (rolling:
    /// dated at or after now minus the window) and the daily counts of the last <see cref="SummaryDays"/> UTC days.
    /// A window is its whole days from the daily roll-up (topic_day_counts) plus the part of its first day that
    /// falls inside it, counted from the topic rows (ix_statement_topics_current): exact, and at most one day of
    /// rows per window read whatever the history holds.
    /// </summary>
    public async Task<IReadOnlyList<TopicActivity>> SummarizeTopicsAsync(
        IReadOnlyList<string> topicIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicIds);
        var nowMs = Database.ToDb(now);
        var today = FloorDay(nowMs);

        long[] windowStarts = [nowMs - Day, nowMs - 7 * Day, nowMs - SummaryDays * Day];
        var firstDays = windowStarts.Select(FloorDay).ToArray();
        var topics = topicIds.Distinct(StringComparer.Ordinal).ToArray();

        var partial = new DynamicParameters();
        partial.Add("Topics", topics);
        var parts = new List<string>();
        for (var i = 0; i < windowStarts.Length; i++)
        {
            partial.Add($"Start{i}", windowStarts[i]);
            partial.Add($"End{i}", (firstDays[i] + 1) * Day);
            parts.Add($"""
                SELECT CAST({i} AS bigint) AS WindowIndex, t.topic_id AS TopicId, COUNT(*) AS Count FROM statement_topics t
                WHERE t.topic_id {database.InList("Topics")} AND t.current_sort_at IS NOT NULL
                  AND t.current_sort_at >= @Start{i} AND t.current_sort_at < @End{i}
                GROUP BY t.topic_id
                """);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var days = (await connection.QueryAsync<(string TopicId, long Day, long Count)>(new CommandDefinition(
            $"""
            SELECT c.topic_id AS TopicId, c.day AS Day, c.statements AS Count FROM topic_day_counts c
            WHERE c.topic_id {database.InList("Topics")} AND c.day >= @FirstDay AND c.statements > 0
            """,
            new { Topics = topics, FirstDay = firstDays.Min() }, cancellationToken: cancellationToken))).ToLookup(d => d.TopicId);
        var edges = (await connection.QueryAsync<(long WindowIndex, string TopicId, long Count)>(new CommandDefinition(
            string.Join("\nUNION ALL\n", parts), partial, cancellationToken: cancellationToken))).ToList();

        return topics.Select(topic =>
        {
            var counts = days[topic].ToDictionary(d => d.Day, d => d.Count);
            long Window(int i) =>
                counts.Where(c => c.Key > firstDays[i]).Sum(c => c.Value)
                + edges.Where(e => e.WindowIndex == i && e.TopicId == topic).Sum(e => e.Count);
            var daily = Enumerable.Range(0, SummaryDays)
                .Select(n => today - SummaryDays + 1 + n)
                .Select(d => new DayCount(DateOnly.FromDateTime(Database.FromDb(d * Day).UtcDateTime), counts.GetValueOrDefault(d)))
                .ToList();
            return new TopicActivity(topic, Window(0), Window(1), Window(2), daily);
        }).ToList();
    }

    /// <summary>
    /// Per topic, institution (NATO, EP, Other: see <see cref="InstitutionSql"/>) and day or week, how many matching
    /// statements carry the topic (only the filter's topics when it names any).
    /// </summary>
    public async Task<IReadOnlyList<InstitutionCount>> CountInstitutionsAsync(HistoryFilter filter, ChartInterval interval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = _sql.Where(filter, topicRows: true);
        var bucket = interval == ChartInterval.Day ? Day : 7 * Day;
        var offset = interval == ChartInterval.Day ? 0 : -MondayOffset;
        parameters.Add("Bucket", bucket);
        parameters.Add("Offset", offset);
        var sql = $"""
            SELECT t.topic_id AS TopicId, {InstitutionSql} AS Institution, (t.current_sort_at + @Offset) / @Bucket AS Bucket, COUNT(*) AS Count
            FROM {_sql.From(filter, topicRows: true)}
            WHERE {where}
            GROUP BY t.topic_id, {InstitutionSql}, (t.current_sort_at + @Offset) / @Bucket
            ORDER BY 3, 1, 2
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string TopicId, string Institution, long Bucket, long Count)>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new InstitutionCount(r.TopicId, r.Institution, Database.FromDb(r.Bucket * bucket - offset), r.Count)).ToList();
    }

    private static long FloorDay(long ms) => ms >= 0 ? ms / Day : -((-ms + Day - 1) / Day);
}
