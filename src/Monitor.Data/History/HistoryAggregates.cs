using Dapper;

namespace Monitor.Data.History;

public enum ChartInterval
{
    Day,
    Week,
}

/// <summary>Statements tagged with a topic whose date falls in the bucket starting at <paramref name="Start"/> (UTC).</summary>
public sealed record TopicCount(string TopicId, DateTimeOffset Start, long Count);

/// <summary>The earliest statement of a source tagged with a topic.</summary>
public sealed record FirstMention(string TopicId, string SourceId, long StatementId, string Title, DateTimeOffset At);

public sealed record TermCount(string Term, int Statements);

/// <summary>An entity named by some of the statements counted (its gazetteer name and kind), and how many of them name it.</summary>
public sealed record EntityCount(string EntityId, string Name, string Kind, int Statements);

/// <summary>Charts and summaries over any history filter: topic counts per day or week, first mentions, top terms.</summary>
public sealed partial class HistoryAggregates(Database database)
{
    /// <summary>Top terms are counted over the newest statements that match, at most this many.</summary>
    public const int TopTermsSample = 2000;

    private const long Day = 86_400_000;

    // 1970-01-01 was a Thursday, 1970-01-05 a Monday: counting weeks from there makes them start on Mondays.
    private const long MondayOffset = 4 * Day;

    private readonly HistorySql _sql = new(database);

    /// <summary>Per topic and bucket, how many matching statements carry the topic (only the filter's topics when it names any).</summary>
    public async Task<IReadOnlyList<TopicCount>> CountTopicsAsync(HistoryFilter filter, ChartInterval interval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (CanUseDayCounts(filter))
        {
            return await CountTopicsFromDayCountsAsync(filter, interval, cancellationToken);
        }

        // Counted from the current topic rows alone (ix_statement_topics_current) unless the filter needs the statements.
        var (where, parameters) = _sql.Where(filter, topicRows: true);
        var bucket = interval == ChartInterval.Day ? Day : 7 * Day;
        var offset = interval == ChartInterval.Day ? 0 : -MondayOffset;
        parameters.Add("Bucket", bucket);
        parameters.Add("Offset", offset);
        var sql = $"""
            SELECT t.topic_id AS TopicId, (t.current_sort_at + @Offset) / @Bucket AS Bucket, COUNT(*) AS Count
            FROM {_sql.From(filter, topicRows: true, statements: HistorySql.NeedsStatements(filter))}
            WHERE {where}
            GROUP BY t.topic_id, (t.current_sort_at + @Offset) / @Bucket
            ORDER BY 2, 1
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string TopicId, long Bucket, long Count)>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new TopicCount(r.TopicId, Database.FromDb(r.Bucket * bucket - offset), r.Count)).ToList();
    }

    /// <summary>
    /// Whether the daily roll-up (topic_day_counts, migration 0007) answers the chart: only topics (any of them) and a
    /// date range of whole UTC days. Any other filter counts the topic rows themselves.
    /// </summary>
    public static bool CanUseDayCounts(HistoryFilter filter) =>
        !HistorySql.NeedsStatements(filter)
        && filter.MinScore is null
        && (filter.TopicMatch == TopicMatch.Any || filter.Topics.Distinct(StringComparer.Ordinal).Count() <= 1)
        && (filter.From is null || Database.ToDb(filter.From.Value) % Day == 0)
        && (filter.To is null || Database.ToDb(filter.To.Value) % Day == 0);

    private async Task<IReadOnlyList<TopicCount>> CountTopicsFromDayCountsAsync(HistoryFilter filter, ChartInterval interval, CancellationToken cancellationToken)
    {
        var clauses = new List<string> { "c.statements > 0" };
        var parameters = new DynamicParameters();
        var topics = filter.Topics.Distinct(StringComparer.Ordinal).ToArray();
        if (topics.Length == 1)
        {
            clauses.Add("c.topic_id = @Topic");
            parameters.Add("Topic", topics[0]);
        }
        else if (topics.Length > 1)
        {
            clauses.Add($"c.topic_id {database.InList("Topics")}");
            parameters.Add("Topics", topics);
        }

        if (filter.From is not null)
        {
            clauses.Add("c.day >= @FromDay");
            parameters.Add("FromDay", Database.ToDb(filter.From.Value) / Day);
        }

        if (filter.To is not null)
        {
            clauses.Add("c.day < @ToDay");
            parameters.Add("ToDay", Database.ToDb(filter.To.Value) / Day);
        }

        // A week bucket is computed from the day's start exactly as CountTopicsAsync does from the statement's date:
        // week boundaries fall on day boundaries, so both put a statement in the same week.
        var bucket = interval == ChartInterval.Day ? Day : 7 * Day;
        var offset = interval == ChartInterval.Day ? 0 : -MondayOffset;
        parameters.Add("Day", Day);
        parameters.Add("Bucket", bucket);
        parameters.Add("Offset", offset);
        var sql = $"""
            SELECT c.topic_id AS TopicId, (c.day * @Day + @Offset) / @Bucket AS Bucket, CAST(SUM(c.statements) AS bigint) AS Count
            FROM topic_day_counts c
            WHERE {string.Join("\n  AND ", clauses)}
            GROUP BY c.topic_id, (c.day * @Day + @Offset) / @Bucket
            ORDER BY 2, 1
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string TopicId, long Bucket, long Count)>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new TopicCount(r.TopicId, Database.FromDb(r.Bucket * bucket - offset), r.Count)).ToList();
    }

    /// <summary>For each topic and source, the earliest matching statement tagged with it (ties: the lower id).</summary>
    public async Task<IReadOnlyList<FirstMention>> FirstMentionsAsync(HistoryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = _sql.Where(filter, topicRows: true);
        var sql = $"""
            SELECT TopicId, SourceId, StatementId, Title, At FROM (
                SELECT t.topic_id AS TopicId, s.source_id AS SourceId, s.id AS StatementId, s.title AS Title, s.sort_at AS At,
                       ROW_NUMBER() OVER (PARTITION BY t.topic_id, s.source_id ORDER BY s.sort_at, s.id) AS n
                FROM {_sql.From(filter, topicRows: true)}
                WHERE {where}) ranked
            WHERE n = 1
            ORDER BY TopicId, At, SourceId
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string TopicId, string SourceId, long StatementId, string Title, long At)>(
            new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new FirstMention(r.TopicId, r.SourceId, r.StatementId, r.Title, Database.FromDb(r.At))).ToList();
    }

    /// <summary>
    /// The words most statements use in their title and summary, over the newest <see cref="TopTermsSample"/> that match;
    /// common English words and numbers left out. Counted here, not in SQL, so both stores give the same answer.
    /// </summary>
    public async Task<IReadOnlyList<TermCount>> TopTermsAsync(HistoryFilter filter, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = _sql.Where(filter);
        parameters.Add("Sample", TopTermsSample);
        var sql = $"""
            SELECT s.title || ' ' || s.summary FROM {_sql.From(filter)}
            WHERE {where}
            ORDER BY s.sort_at DESC, s.id DESC
            LIMIT @Sample
            """;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        await foreach (var text in connection.QueryUnbufferedAsync<string>(sql, parameters).WithCancellation(cancellationToken))
        {
            foreach (var word in RelatedTerms.All(text))
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        return counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(take)
            .Select(c => new TermCount(c.Key, c.Value)).ToList();
    }

}
