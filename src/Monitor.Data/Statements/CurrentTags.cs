using System.Data.Common;
using Dapper;
using Monitor.Contracts;
using Monitor.Core.Events;
using Monitor.Data.Tagging;

namespace Monitor.Data.Statements;

/// <summary>
/// Reads the topics (with their evidence) and the stated figures of statements' current revisions: the one place
/// that maps those rows, for every store that returns statements.
/// </summary>
internal sealed class CurrentTags(Database database)
{
    // The current revision's topic rows are the ones with current_sort_at set (migration 0006's triggers), so the
    // topics are read without a second visit to each statement's row.
    private readonly string _topicsSql = $"""
        SELECT t.statement_id AS StatementId, t.topic_id AS TopicId, t.score AS Score, t.evidence AS Evidence
        FROM statement_topics t
        WHERE t.statement_id {database.InList("Ids")} AND t.current_sort_at IS NOT NULL
        ORDER BY t.score DESC, t.topic_id
        """;

    private readonly string _figuresSql = $"""
        SELECT f.statement_id AS StatementId, f.figure_id AS FigureId, f.value AS Value, f.baseline AS Baseline,
               f.drift AS Drift, f.evidence AS Evidence, f.field AS Field, f.evidence_start AS Start
        FROM statement_figures f
        JOIN statements s ON s.id = f.statement_id AND s.current_revision = f.revision
        WHERE f.statement_id {database.InList("Ids")}
        ORDER BY f.figure_id, f.field, f.evidence_start
        """;

    /// <summary>
    /// A page query (its columns aliased as <see cref="StatementRow"/>'s, its ORDER BY and LIMIT inside) with each
    /// row's event joined on after the limit: the live view's chip. The page's own query, its plan and its keyset paging
    /// stay as they were; the join is two primary-key lookups per row of the page (a merged event's members point at the
    /// kept one). <paramref name="order"/> repeats the page's order over the aliases (q.SortKey, q.StatementId...).
    /// </summary>
    public static string WithEvents(string pageSql, string order) => $"""
        SELECT q.*, em.event_id AS EventId, em.reason AS EventReason, ev.title AS EventTitle,
               ev.institutions AS EventInstitutions, ev.members AS EventMembers
        FROM (
        {pageSql}
        ) q
        LEFT JOIN event_members em ON em.statement_id = q.StatementId
        LEFT JOIN events ev ON ev.id = em.event_id
        ORDER BY {order}
        """;

    public async Task<(ILookup<long, TopicScore> Topics, ILookup<long, FigureValue> Figures)> ReadAsync(
        DbConnection connection, IReadOnlyCollection<long> statementIds, CancellationToken cancellationToken)
    {
        var ids = new { Ids = statementIds.ToArray() };
        var topics = (await connection.QueryAsync<TopicRow>(new CommandDefinition(_topicsSql, ids, cancellationToken: cancellationToken)))
            .ToLookup(t => t.StatementId, t => new TopicScore(t.TopicId, t.Score, TopicEvidenceJson.Read(t.Evidence)));
        var figures = (await connection.QueryAsync<FigureRow>(new CommandDefinition(_figuresSql, ids, cancellationToken: cancellationToken)))
            .ToLookup(f => f.StatementId, f => new FigureValue(f.FigureId, f.Value, f.Baseline, f.Drift != 0, f.Evidence, f.Field, f.Start));
        return (topics, figures);
    }

    /// <summary>Statements' current revisions (<see cref="StatementRow"/>) with their topics and figures, in the rows' order.</summary>
    public async Task<IReadOnlyList<StatementStored>> WithTagsAsync(DbConnection connection, IReadOnlyList<StatementRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var (topics, figures) = await ReadAsync(connection, [.. rows.Select(r => r.StatementId)], cancellationToken);
        return [.. rows.Select(r => new StatementStored(r.StatementId, r.Revision, r.SourceId, r.ExternalId, r.Url, r.Title, r.Summary,
                Database.FromDb(r.PublishedAt),
                topics[r.StatementId].ToList(),
                Database.FromDb(r.DiscoveredAt), Database.FromDb(r.StoredAt))
            {
                DocumentType = r.DocumentType,
                Language = r.Language,
                Figures = figures[r.StatementId].ToList(),
                Event = r.EventId is { } eventId
                    ? new StatementEvent(eventId, r.EventReason == EventClusterer.FirstStatementReason, r.EventTitle ?? "",
                        (r.EventInstitutions ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), (int)(r.EventMembers ?? 1))
                    : null,
            })];
    }

    private sealed class TopicRow
    {
        public long StatementId { get; init; }

        public string TopicId { get; init; } = "";

        public double Score { get; init; }

        public string Evidence { get; init; } = "[]";
    }

    private sealed class FigureRow
    {
        public long StatementId { get; init; }

        public string FigureId { get; init; } = "";

        public double Value { get; init; }

        public double Baseline { get; init; }

        public long Drift { get; init; }

        public string Evidence { get; init; } = "";

        public string Field { get; init; } = "";

        public int Start { get; init; }
    }
}

/// <summary>
/// A statement's current revision as the live stream, the latest list and history pages read it (columns aliased to
/// these names); <see cref="CurrentTags.WithTagsAsync"/> is its one mapping to <see cref="StatementStored"/>.
/// </summary>
internal class StatementRow
{
    public long StatementId { get; init; }

    public int Revision { get; init; }

    public string SourceId { get; init; } = "";

    public string ExternalId { get; init; } = "";

    public string Url { get; init; } = "";

    public string Title { get; init; } = "";

    public string Summary { get; init; } = "";

    public long? PublishedAt { get; init; }

    public string DocumentType { get; init; } = DocumentTypes.News;

    public string? Language { get; init; }

    public long DiscoveredAt { get; init; }

    public long StoredAt { get; init; }

    // The statement's event, when the query joined it (CurrentTags.WithEvents); null otherwise or until clustered.
    public long? EventId { get; init; }

    public string? EventReason { get; init; }

    public string? EventTitle { get; init; }

    public string? EventInstitutions { get; init; }

    public long? EventMembers { get; init; }
}
