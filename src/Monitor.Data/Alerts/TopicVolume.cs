using Dapper;

namespace Monitor.Data.Alerts;

/// <summary>A topic's statements in a window and its usual rate before it.</summary>
/// <param name="Count">Statements carrying the topic (current revision) dated within the window.</param>
/// <param name="UsualPerHour">Mean statements per hour over the <see cref="TopicVolume.BaselineDays"/> whole UTC days before the window's first day.</param>
public sealed record TopicVolumeSample(string TopicId, long Count, double UsualPerHour);

/// <summary>
/// What spike alerts compare: a topic's volume in the last N hours (the topic rows, ix_statement_topics_current)
/// against its usual rate (the daily roll-up topic_day_counts, so the baseline reads 30 rows, never 30 days of rows).
/// A statement is dated as in the history: published, else first seen.
/// </summary>
public sealed class TopicVolume(Database database)
{
    public const int BaselineDays = 30;

    private const long Day = 86_400_000;

    private const string CountSql = """
        SELECT COUNT(*) FROM statement_topics t
        WHERE t.topic_id = @TopicId AND t.current_sort_at IS NOT NULL
          AND t.current_sort_at >= @From AND t.current_sort_at <= @To
        """;

    private const string BaselineSql = """
        SELECT COALESCE(SUM(c.statements), 0) FROM topic_day_counts c
        WHERE c.topic_id = @TopicId AND c.day >= @FirstDay AND c.day < @EndDay
        """;

    public async Task<TopicVolumeSample> MeasureAsync(string topicId, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var to = Database.ToDb(now);
        var from = to - (long)window.TotalMilliseconds;
        var endDay = from >= 0 ? from / Day : -((-from + Day - 1) / Day);
        await using var connection = await database.OpenAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql,
            new { TopicId = topicId, From = from, To = to }, cancellationToken: cancellationToken));
        var baseline = await connection.ExecuteScalarAsync<long>(new CommandDefinition(BaselineSql,
            new { TopicId = topicId, FirstDay = endDay - BaselineDays, EndDay = endDay }, cancellationToken: cancellationToken));
        return new TopicVolumeSample(topicId, count, baseline / (BaselineDays * 24.0));
    }
}
