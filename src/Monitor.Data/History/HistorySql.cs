using Dapper;

namespace Monitor.Data.History;

/// <summary>
/// Builds the WHERE clause of a history query from fixed SQL fragments, one per filter that is present. Only which
/// filters are present shapes the SQL; every value, the full-text query included, is a parameter. The dialects
/// differ in the full-text match only: PostgreSQL's tsvector column, SQLite's FTS5 table.
/// </summary>
internal sealed class HistorySql(Database database)
{
    private bool Postgres => database.Provider == DatabaseProvider.Postgres;

    /// <summary>
    /// FROM statements s, joined to the FTS5 table on SQLite when there is text to match. With
    /// <paramref name="topicRows"/>, the query is driven by t, the current-revision rows of statement_topics
    /// (ix_statement_topics_current), joined to s only when <paramref name="statements"/>.
    /// </summary>
    public string From(HistoryFilter filter, bool topicRows = false, bool statements = true)
    {
        var from = topicRows
            ? statements ? "statement_topics t JOIN statements s ON s.id = t.statement_id" : "statement_topics t"
            : "statements s";
        return filter.Text is not null && !Postgres ? from + " JOIN statements_fts ON statements_fts.rowid = s.id" : from;
    }

    /// <summary>Whether a filter looks at more than the topic rows hold (topic, score, date).</summary>
    public static bool NeedsStatements(HistoryFilter filter) =>
        filter.Text is not null || filter.Sources.Count > 0 || filter.DocumentTypes.Count > 0 || filter.DriftOnly || filter.Language is not null
        || filter.Entities.Count > 0 || filter.Triage is not null;

    /// <summary>Relevance, higher is better: ts_rank on PostgreSQL, minus bm25 on SQLite (title 10, summary 5, body 1).</summary>
    public string Rank => Postgres
        ? "CAST(ts_rank(s.search, to_tsquery('simple', monitor_unaccent(@Fts))) AS double precision)"
        : "(-bm25(statements_fts, 10.0, 5.0, 1.0))";

    public (string Where, DynamicParameters Parameters) Where(HistoryFilter filter, bool topicRows = false)
    {
        var clauses = new List<string>();
        var parameters = new DynamicParameters();
        if (filter.Text is not null)
        {
            clauses.Add(Postgres ? "s.search @@ to_tsquery('simple', monitor_unaccent(@Fts))" : "statements_fts MATCH @Fts");
            parameters.Add("Fts", Postgres ? filter.Text.ToTsQuery() : filter.Text.ToFts5());
        }

        var date = topicRows ? "t.current_sort_at" : "s.sort_at";
        if (topicRows)
        {
            // t is one current topic row of the statement, one of the filter's topics when it names any.
            clauses.Add("t.current_sort_at IS NOT NULL");
            // One topic is an equality, so PostgreSQL can walk ix_statement_topics_current in order (it cannot for = ANY before 17).
            if (filter.Topics.Distinct(StringComparer.Ordinal).Count() == 1)
            {
                clauses.Add("t.topic_id = @Topic");
                parameters.Add("Topic", filter.Topics[0]);
            }
            else if (filter.Topics.Count > 0)
            {
                clauses.Add($"t.topic_id {database.InList("Topics")}");
            }

            if (filter.MinScore is not null)
            {
                clauses.Add("t.score >= @MinScore");
            }

            if (filter.TopicMatch == TopicMatch.All && filter.Topics.Distinct(StringComparer.Ordinal).Count() > 1)
            {
                clauses.Add($"(SELECT COUNT(*) FROM statement_topics t2 WHERE t2.statement_id = t.statement_id AND t2.current_sort_at IS NOT NULL AND t2.topic_id {database.InList("Topics")} AND t2.score >= @MinScore) = @TopicCount");
            }

            parameters.Add("Topics", filter.Topics.Distinct(StringComparer.Ordinal).ToArray());
            parameters.Add("TopicCount", filter.Topics.Distinct(StringComparer.Ordinal).Count());
            parameters.Add("MinScore", filter.MinScore ?? 0);
        }
        else if (filter.Topics.Count > 0 || filter.MinScore is not null)
        {
            var topicOfStatement = "FROM statement_topics t WHERE t.statement_id = s.id AND t.revision = s.current_revision"
                + (filter.Topics.Count > 0 ? $" AND t.topic_id {database.InList("Topics")}" : "")
                + (filter.MinScore is not null ? " AND t.score >= @MinScore" : "");
            clauses.Add(filter.TopicMatch == TopicMatch.All && filter.Topics.Count > 1
                ? $"(SELECT COUNT(*) {topicOfStatement}) = @TopicCount"
                : $"EXISTS (SELECT 1 {topicOfStatement})");
            parameters.Add("Topics", filter.Topics.Distinct(StringComparer.Ordinal).ToArray());
            parameters.Add("TopicCount", filter.Topics.Distinct(StringComparer.Ordinal).Count());
            parameters.Add("MinScore", filter.MinScore ?? 0);
        }

        if (filter.Sources.Count > 0)
        {
            clauses.Add($"s.source_id {database.InList("Sources")}");
            parameters.Add("Sources", filter.Sources.ToArray());
        }

        if (filter.DocumentTypes.Count > 0)
        {
            clauses.Add($"s.document_type {database.InList("DocumentTypes")}");
            parameters.Add("DocumentTypes", filter.DocumentTypes.ToArray());
        }

        if (filter.From is not null)
        {
            clauses.Add($"{date} >= @From");
            parameters.Add("From", Database.ToDb(filter.From.Value));
        }

        if (filter.To is not null)
        {
            clauses.Add($"{date} < @To");
            parameters.Add("To", Database.ToDb(filter.To.Value));
        }

        if (filter.DriftOnly)
        {
            clauses.Add("EXISTS (SELECT 1 FROM statement_figures f WHERE f.statement_id = s.id AND f.revision = s.current_revision AND f.drift = 1)");
        }

        if (filter.Language is not null)
        {
            clauses.Add("s.language = @Language");
            parameters.Add("Language", filter.Language);
        }

        var entities = filter.Entities.Distinct(StringComparer.Ordinal).ToArray();
        if (entities.Length == 1)
        {
            clauses.Add("EXISTS (SELECT 1 FROM statement_entities e WHERE e.statement_id = s.id AND e.entity_id = @Entity)");
            parameters.Add("Entity", entities[0]);
        }
        else if (entities.Length > 1)
        {
            // Every one of them: as many of the statement's entity rows among them as there are.
            clauses.Add($"(SELECT COUNT(*) FROM statement_entities e WHERE e.statement_id = s.id AND e.entity_id {database.InList("Entities")}) = @EntityCount");
            parameters.Add("Entities", entities);
            parameters.Add("EntityCount", entities.Length);
        }

        filter.Triage?.AddClauses(topicRows ? "t.statement_id" : "s.id", clauses, parameters);
        return (clauses.Count == 0 ? "1 = 1" : string.Join("\n  AND ", clauses), parameters);
    }
}
