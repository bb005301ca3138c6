using Dapper;
using Monitor.Core.Briefing;
using Monitor.Core.Tagging;
using Monitor.Data.History;

namespace Monitor.Data.Briefing;

/// <summary>
/// Builds the living briefing (docs/briefing.md) for a period from bounded, indexed queries: per topic, newest-first
/// walks of its current topic rows (ix_statement_topics_current) that stop after a few statements, its weekly counts
/// from the daily roll-up (topic_day_counts); per figure, its rows by figure (ix_statement_figures_figure, migration 0016).
/// Nothing reads a whole table, and every list has a cap. The figure queries say CROSS JOIN so SQLite reads the
/// figure's rows first and looks each statement up, instead of walking every statement of the period by date
/// (ix_statements_sort) probing for figure rows: 1 s against 30 ms for the 8 figures at 100,000 statements.
/// </summary>
public sealed class BriefingStore(Database database, HistoryAggregates aggregates)
{
    /// <summary>A topic's "since then" lists this many statements per institution.</summary>
    public const int PerInstitution = 5;

    /// <summary>A statement is significant for a topic from this score (0..1) on: strongly about it, not only touching it.</summary>
    public const double SignificantScore = 0.6;

    /// <summary>The newest statements of a figure read for its latest value and conflicts.</summary>
    public const int FigureObservations = 200;

    /// <summary>Distinct values of a figure read for its history (a figure has a handful).</summary>
    public const int FigureValues = 50;

    /// <summary>
    /// A figure's statements in the period read once (the figure's rows through ix_statement_figures_figure, each
    /// statement looked up by its key). CROSS JOIN keeps SQLite, and "sort_at + 0" keeps PostgreSQL's generic plan of
    /// the auto-prepared statement, from reading the statements of the period by date (ix_statements_sort) to join them
    /// to the figure's rows: 850 ms against 145 ms at 1,000,000 statements.
    /// Kind 0 rows are every value stated with its statements and first and last date, kind 1 rows the newest
    /// statements stating it.
    /// </summary>
    public const string FigureSql = """
        WITH stated AS MATERIALIZED (
            SELECT CAST(f.value AS double precision) AS value, s.sort_at AS at, f.statement_id AS statement_id, f.field AS field,
                   f.evidence_start AS evidence_start
            FROM statement_figures f CROSS JOIN statements s
            WHERE s.id = f.statement_id AND s.current_revision = f.revision AND f.figure_id = @Figure
              AND s.sort_at + 0 >= @From AND s.sort_at + 0 < @To)
        SELECT Kind, Value, Statements, FirstAt, LastAt, StatementId, Field, EvidenceStart FROM (
            SELECT 0 AS Kind, value AS Value, COUNT(DISTINCT statement_id) AS Statements, MIN(at) AS FirstAt, MAX(at) AS LastAt,
                   CAST(0 AS bigint) AS StatementId, '' AS Field, 0 AS EvidenceStart
            FROM stated GROUP BY value ORDER BY MIN(at) LIMIT @Values) spans
        UNION ALL
        SELECT Kind, Value, Statements, FirstAt, LastAt, StatementId, Field, EvidenceStart FROM (
            SELECT 1 AS Kind, value AS Value, CAST(1 AS bigint) AS Statements, at AS FirstAt, at AS LastAt, statement_id AS StatementId,
                   field AS Field, evidence_start AS EvidenceStart
            FROM stated ORDER BY at DESC, statement_id DESC LIMIT @Take) newest
        """;

    /// <summary>
    /// The newest statements' titles, links and, per stated value, a window of the field around it (not the whole
    /// body) to cut its sentence from: by statement id, at most <see cref="FigureObservations"/>.
    /// </summary>
    private string FigureDetailsSql => $"""
        SELECT s.id AS StatementId, s.source_id AS SourceId, s.title AS Title, s.url AS Url, f.field AS Field, f.evidence_start AS EvidenceStart,
               CASE WHEN f.evidence_start > 600 THEN f.evidence_start - 600 ELSE 0 END AS WindowStart,
               CASE WHEN f.field = 'title' THEN s.title
                    ELSE substr(s.body, (CASE WHEN f.evidence_start > 600 THEN f.evidence_start - 600 ELSE 0 END) + 1, 1400) END AS Window
        FROM statement_figures f JOIN statements s ON s.id = f.statement_id AND s.current_revision = f.revision
        WHERE f.figure_id = @Figure AND f.statement_id {database.InList("Ids")}
        """;

    /// <summary>
    /// A topic's statements in the period, newest (or oldest) first, from a score on, of one institution or any:
    /// walks the topic's current rows by date (ix_statement_topics_current, score in the index) and stops at @Take.
    /// </summary>
    public static string TopicStatementsSql(string? institution, bool oldestFirst)
    {
        var order = oldestFirst ? "ASC" : "DESC";
        var who = institution switch
        {
            "NATO" => "AND LOWER(s.source_id) LIKE 'nato%'",
            "EP" => "AND LOWER(s.source_id) LIKE 'ep%'",
            _ => "",
        };
        return $"""
            SELECT s.id AS StatementId, s.source_id AS SourceId, s.title AS Title, s.url AS Url, t.current_sort_at AS At,
                   s.summary AS Summary, substr(s.body, 1, 2000) AS BodyHead
            FROM statement_topics t JOIN statements s ON s.id = t.statement_id
            WHERE t.topic_id = @Topic AND t.current_sort_at IS NOT NULL AND t.current_sort_at >= @From AND t.current_sort_at < @To
              AND t.score >= @MinScore {who}
            ORDER BY t.current_sort_at {order}, t.statement_id {order}
            LIMIT @Take
            """;
    }

    private const long Day = 86_400_000;

    public async Task<BriefingReport> BuildAsync(
        BriefingDocument briefing, TopicFile topics, DateTimeOffset from, DateTimeOffset to, bool sinceBaseline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(briefing);
        ArgumentNullException.ThrowIfNull(topics);
        var outline = briefing.Outline(topics.Topics);
        var topicIds = outline.SelectMany(s => s.Topics).Select(t => t.Topic.Id).ToList();

        // Weekly volume from the daily roll-up: the period widened to whole UTC days.
        var fromDay = Database.FromDb(FloorDay(Database.ToDb(from)) * Day);
        var toDay = Database.FromDb(-FloorDay(-Database.ToDb(to)) * Day);
        var weekly = (await aggregates.CountTopicsAsync(new HistoryFilter { Topics = topicIds, From = fromDay, To = toDay }, ChartInterval.Week, cancellationToken))
            .ToLookup(c => c.TopicId);
        var sections = new List<BriefingSectionReport>();
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            foreach (var (section, placed) in outline)
            {
                var reports = new List<BriefingTopicReport>();
                foreach (var (topic, anchors) in placed)
                {
                    async Task<List<BriefingCitation>> On(string? institution, double minScore, bool oldestFirst, int take) =>
                        await TopicStatementsAsync(connection, topic.Id, from, to, institution, minScore, oldestFirst, take, cancellationToken);
                    var weeks = weekly[topic.Id].Select(w => new BriefingWeek(DateOnly.FromDateTime(w.Start.UtcDateTime), w.Count)).ToList();
                    reports.Add(new BriefingTopicReport(
                        topic.Id, topic.Title, anchors.Select(a => new BriefingQuote(a.Line, a.Text)).ToList(),
                        weeks.Sum(w => w.Statements),
                        await On("NATO", SignificantScore, false, PerInstitution),
                        await On("EP", SignificantScore, false, PerInstitution),
                        (await On(null, 0, true, 1)).FirstOrDefault(),
                        (await On(null, 0, false, 1)).FirstOrDefault(),
                        (await On("NATO", 0, true, 1)).FirstOrDefault(),
                        (await On("EP", 0, true, 1)).FirstOrDefault(),
                        weeks));
                }

                sections.Add(new BriefingSectionReport(section.HeadingLine, section.Heading, reports));
            }
            var figures = new List<BriefingFigureReport>();
            foreach (var figure in topics.Figures)
            {
                figures.Add(await FigureAsync(connection, figure, from, to, cancellationToken));
            }
            return new BriefingReport(briefing.Sections[0].Heading, from, to, sinceBaseline, sections, figures);
        }
    }

    private async Task<List<BriefingCitation>> TopicStatementsAsync(
        System.Data.Common.DbConnection connection, string topicId, DateTimeOffset from, DateTimeOffset to, string? institution, double minScore,
        bool oldestFirst, int take, CancellationToken cancellationToken)
    {
        var sql = TopicStatementsSql(institution, oldestFirst);
        var rows = await connection.QueryAsync<StatementRow>(new CommandDefinition(sql,
            new { Topic = topicId, From = Database.ToDb(from), To = Database.ToDb(to), MinScore = minScore, Take = take }, cancellationToken: cancellationToken));
        return rows.Select(r => new BriefingCitation(r.StatementId, r.SourceId, InstitutionOf(r.SourceId), r.Title, r.Url, Database.FromDb(r.At),
            Sentences.Lead(r.Summary, r.BodyHead, r.Title))).ToList();
    }

    private async Task<BriefingFigureReport> FigureAsync(
        System.Data.Common.DbConnection connection, BaselineFigure figure, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var parameters = new { Figure = figure.Id, From = Database.ToDb(from), To = Database.ToDb(to), Values = FigureValues, Take = FigureObservations };
        var rows = (await connection.QueryAsync<FigureRow>(new CommandDefinition(FigureSql, parameters, cancellationToken: cancellationToken))).ToList();
        var spans = rows.Where(r => r.Kind == 0)
            .Select(r => new FigureValueSpan((decimal)r.Value, r.Statements, Database.FromDb(r.FirstAt), Database.FromDb(r.LastAt)))
            .ToList();
        // One observation per statement and value: its first mention (the body before the title, then by offset).
        var newest = rows.Where(r => r.Kind == 1)
            .GroupBy(r => (r.StatementId, r.Value)).Select(g => g.OrderBy(r => r.Field == "title" ? 1 : 0).ThenBy(r => r.EvidenceStart).First())
            .ToList();
        var details = newest.Count == 0 ? [] : (await connection.QueryAsync<FigureDetail>(new CommandDefinition(FigureDetailsSql,
                new { Figure = figure.Id, Ids = newest.Select(r => r.StatementId).Distinct().ToArray() }, cancellationToken: cancellationToken)))
            .ToDictionary(d => (d.StatementId, d.Field, d.EvidenceStart));
        var observations = newest.Where(r => details.ContainsKey((r.StatementId, r.Field, r.EvidenceStart))).Select(r =>
            {
                var d = details[(r.StatementId, r.Field, r.EvidenceStart)];
                return new FigureObservation(r.StatementId, d.SourceId, d.Title, d.Url, Database.FromDb(r.FirstAt), (decimal)r.Value,
                    Sentences.Around(d.Window, (int)(r.Field == "title" ? r.EvidenceStart : r.EvidenceStart - d.WindowStart)));
            })
            .ToList();

        var timeline = FigureTimeline.Build(figure.Value, spans, observations);
        var anchor = figure.Anchor is null ? null : new BriefingQuote(figure.Anchor.Line, figure.Anchor.Text);
        return new BriefingFigureReport(
            figure.Id, figure.Quantity, figure.Units.Count > 0 ? figure.Units[0] : "", figure.Value, anchor,
            timeline.Latest?.Value, timeline.Latest is null ? null : Cite(timeline.Latest),
            timeline.Steps.Select(s => new BriefingFigureStep(s.Value, s.IsBaseline, s.Statements, s.FirstAt, s.LastAt)).ToList(),
            timeline.Conflicts.Select(c => new BriefingFigureConflict(c.Earlier.Value, Cite(c.Earlier), c.Later.Value, Cite(c.Later))).ToList());
    }

    private static BriefingCitation Cite(FigureObservation o) =>
        new(o.StatementId, o.SourceId, InstitutionOf(o.SourceId), o.Title, o.Url, o.At, o.Sentence);

    /// <summary>The institution of a source id, as <see cref="HistoryAggregates.InstitutionSql"/> reads it.</summary>
    public static string InstitutionOf(string sourceId) =>
        sourceId.StartsWith("nato", StringComparison.OrdinalIgnoreCase) ? "NATO" : sourceId.StartsWith("ep", StringComparison.OrdinalIgnoreCase) ? "EP" : "Other";

    private static long FloorDay(long ms) => ms >= 0 ? ms / Day : -((-ms + Day - 1) / Day);

    private sealed class StatementRow
    {
        public long StatementId { get; init; }

        public string SourceId { get; init; } = "";

        public string Title { get; init; } = "";

        public string Url { get; init; } = "";

        public long At { get; init; }

        public string Summary { get; init; } = "";

        public string? BodyHead { get; init; }
    }

    private sealed class FigureRow
    {
        public long Kind { get; init; }

        public double Value { get; init; }

        public long Statements { get; init; }

        public long FirstAt { get; init; }

        public long LastAt { get; init; }

        public long StatementId { get; init; }

        public string Field { get; init; } = "";

        public long EvidenceStart { get; init; }
    }

    private sealed class FigureDetail
    {
        public long StatementId { get; init; }

        public string SourceId { get; init; } = "";

        public string Title { get; init; } = "";

        public string Url { get; init; } = "";

        public string Field { get; init; } = "";

        public long EvidenceStart { get; init; }

        public long WindowStart { get; init; }

        public string Window { get; init; } = "";
    }
}
