using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Monitor.Contracts;
using Monitor.Core.Search;
using Monitor.Data.Statements;

namespace Monitor.Data.History;

/// <summary>
/// Reads the statement history: filtered, keyset-paged lists, capped totals, and exports streamed page by page.
/// The same filters mean the same statements on PostgreSQL and SQLite (the history store contract tests).
/// </summary>
public sealed partial class HistoryStore(Database database)
{
    /// <summary>Totals are counted exactly up to this many; above, the answer is "at least this many".</summary>
    public const int TotalCap = 10_000;

    private const long RarityLifetimeMs = 10 * 60 * 1000;

    private readonly HistorySql _sql = new(database);

    private readonly CurrentTags _tags = new(database);

    private readonly ConcurrentDictionary<string, (bool Rare, long At)> _rarity = new(StringComparer.Ordinal);

    public async Task<HistoryPage<StatementStored>> SearchAsync(
        HistoryFilter filter, HistorySort sort, int limit, HistoryCursor? after, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (sort == HistorySort.Relevance && filter.Text is null)
        {
            throw new ArgumentException("Sorting by relevance needs a text query.", nameof(sort));
        }

        if (sort == HistorySort.Relevance && database.Provider == DatabaseProvider.Postgres && RelevanceCandidates > 0)
        {
            return await SearchByRelevanceAsync(filter, limit, after, cancellationToken);
        }

        // One topic by date: walk that topic's current rows newest first (ix_statement_topics_current), not every statement.
        var topicRows = sort == HistorySort.Date && filter.Topics.Distinct(StringComparer.Ordinal).Count() == 1;
        var (where, parameters) = _sql.Where(filter, topicRows);
        var key = sort == HistorySort.Relevance ? _sql.Rank : topicRows ? "t.current_sort_at" : "s.sort_at";
        if (sort == HistorySort.Date && !topicRows && filter.Text is not null && database.Provider == DatabaseProvider.Postgres
            && await IsRareAsync(filter.Text, cancellationToken))
        {
            // PostgreSQL cannot estimate how rare a word is that its statistics do not list, and walks ix_statements_sort
            // newest first hoping to meet 50 matches soon: for a rare word that is most of the table. "+ 0" hides the
            // index order, so it takes the few matches from the GIN index and sorts them instead.
            key = "(s.sort_at + 0)";
        }
        var id = topicRows ? "t.statement_id" : "s.id";
        if (after is not null)
        {
            // A row value compares (key, id) in one go; the index is walked from there.
            where += $"\n  AND ({key}, {id}) < (@AfterKey, @AfterId)";
            parameters.Add("AfterKey", sort == HistorySort.Date ? (object)(long)after.Key : after.Key);
            parameters.Add("AfterId", after.Id);
        }

        parameters.Add("Limit", limit + 1);
        var sql = CurrentTags.WithEvents($"""
            SELECT s.id AS StatementId, s.current_revision AS Revision, s.source_id AS SourceId, s.external_id AS ExternalId,
                   s.url AS Url, s.title AS Title, s.summary AS Summary, s.published_at AS PublishedAt,
                   s.document_type AS DocumentType, s.language AS Language, s.first_seen_at AS DiscoveredAt,
                   s.updated_at AS StoredAt, {key} AS SortKey
            FROM {_sql.From(filter, topicRows)}
            WHERE {where}
            ORDER BY {key} DESC, {id} DESC
            LIMIT @Limit
            """, "q.SortKey DESC, q.StatementId DESC");

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = new HistoryCursor(sort, rows[^1].SortKey, rows[^1].StatementId).Encode();
        }

        return new HistoryPage<StatementStored>(await WithTopicsAsync(connection, rows, cancellationToken), next);
    }

    /// <summary>PostgreSQL ranks the newest this many matches of a relevance query (<see cref="RelevanceCandidates"/>).</summary>
    public const int DefaultRelevanceCandidates = 1000;

    /// <summary>
    /// How many matches a relevance sort ranks on PostgreSQL: the newest this many (0: every match, as before; the
    /// benchmark's baseline). SQLite ranks every match with bm25 whatever this says.
    /// </summary>
    public int RelevanceCandidates { get; init; } = DefaultRelevanceCandidates;

    /// <summary>
    /// Relevance on PostgreSQL in two steps. The candidates are the newest <see cref="RelevanceCandidates"/> matches,
    /// read with the date-sorted query's plan choices (one topic walks its topic rows, a rare word sorts its few
    /// matches from the GIN index), so their cost does not grow with the number of matches; only they are ranked
    /// with ts_rank, then paged by (rank, id). When the candidates fill the bound, the cursor keeps the oldest
    /// candidate's (date, id) as a floor and later pages rank every match from that floor up: the same set as the
    /// first page (plus statements that arrived meanwhile), so no page repeats or skips a statement.
    /// </summary>
    private async Task<HistoryPage<StatementStored>> SearchByRelevanceAsync(
        HistoryFilter filter, int limit, HistoryCursor? after, CancellationToken cancellationToken)
    {
        var rare = await IsRareAsync(filter.Text!, cancellationToken);
        var topicRows = !rare && filter.Topics.Distinct(StringComparer.Ordinal).Count() == 1;
        var (where, parameters) = _sql.Where(filter, topicRows);
        var date = topicRows ? "t.current_sort_at" : rare ? "(s.sort_at + 0)" : "s.sort_at";
        var id = topicRows ? "t.statement_id" : "s.id";
        var bound = "LIMIT @Candidates";
        if (after is { FloorAt: long floorAt, FloorId: long floorId })
        {
            // The plain comparison gives the planner the range's size; the row value is exact on ties.
            where += $"\n  AND {date} >= @FloorAt AND ({date}, {id}) >= (@FloorAt, @FloorId)";
            parameters.Add("FloorAt", floorAt);
            parameters.Add("FloorId", floorId);
            bound = "";
        }

        var page = "";
        if (after is not null)
        {
            page = "WHERE (r.rank, r.id) < (@AfterKey, @AfterId)";
            parameters.Add("AfterKey", after.Key);
            parameters.Add("AfterId", after.Id);
        }

        parameters.Add("Candidates", RelevanceCandidates);
        parameters.Add("Limit", limit + 1);
        // MATERIALIZED: the candidates are found first and only they are ranked, each once, whatever plan finds them
        // (a walk of a date index, or a sort of a rare word's few matches); the floor is read from the same candidates.
        var sql = CurrentTags.WithEvents($"""
            WITH candidates AS MATERIALIZED (
                SELECT {id} AS id, {date} AS at
                FROM {_sql.From(filter, topicRows)}
                WHERE {where}
                ORDER BY {date} DESC, {id} DESC
                {bound}),
            ranked AS MATERIALIZED (
                SELECT c.id, c.at, {_sql.Rank} AS rank FROM candidates c JOIN statements s ON s.id = c.id)
            SELECT s.id AS StatementId, s.current_revision AS Revision, s.source_id AS SourceId, s.external_id AS ExternalId,
                   s.url AS Url, s.title AS Title, s.summary AS Summary, s.published_at AS PublishedAt,
                   s.document_type AS DocumentType, s.language AS Language, s.first_seen_at AS DiscoveredAt,
                   s.updated_at AS StoredAt, r.rank AS SortKey, f.Candidates, f.FloorAt, f.FloorId
            FROM ranked r
            JOIN statements s ON s.id = r.id
            CROSS JOIN (SELECT (SELECT COUNT(*) FROM ranked) AS Candidates, c.at AS FloorAt, c.id AS FloorId
                        FROM ranked c ORDER BY c.at, c.id LIMIT 1) f
            {page}
            ORDER BY r.rank DESC, r.id DESC
            LIMIT @Limit
            """, "q.SortKey DESC, q.StatementId DESC");

        await using var connection = await database.OpenAsync(cancellationToken);
        List<HistoryRow> rows;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // A plan for these values: Npgsql prepares a statement used 5 times (Database: MaxAutoPrepare), and the
            // generic plan PostgreSQL then picks, not knowing the topic or the bound, took 3 s instead of 60 ms for
            // common word + topic at 1,000,000. And a serial one: for a walk of a few thousand rows, starting
            // parallel workers costs more than it saves on a busy machine (EXPLAIN ANALYZE, common word + topic,
            // 1,000 candidates: 72-79 ms parallel, 33-41 ms serial, load average 18; docs/history.md).
            await connection.ExecuteAsync(new CommandDefinition(
                "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL max_parallel_workers_per_gather = 0",
                transaction: transaction, cancellationToken: cancellationToken));
            rows = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken))).ToList();
            await transaction.CommitAsync(cancellationToken);
        }

        var bounded = after?.FloorAt is not null || (rows.Count > 0 && rows[0].Candidates >= RelevanceCandidates);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            var last = rows[^1];
            // The first page sets the floor when it ranked a full bound; later pages keep the one they were given.
            var (nextFloorAt, nextFloorId) = after?.FloorAt is not null ? (after.FloorAt, after.FloorId)
                : last.Candidates >= RelevanceCandidates ? (last.FloorAt, last.FloorId) : (null, null);
            next = new HistoryCursor(HistorySort.Relevance, last.SortKey, last.StatementId, nextFloorAt, nextFloorId).Encode();
        }

        return new HistoryPage<StatementStored>(await WithTopicsAsync(connection, rows, cancellationToken), next)
        {
            RankedAmong = bounded ? RelevanceCandidates : null,
        };
    }

    /// <summary>Entity facets are counted over the newest statements that match, at most this many.</summary>
    public const int EntityFacetSample = 2000;

    /// <summary>
    /// The entities named by most of the newest <see cref="EntityFacetSample"/> matching statements (the history's entity
    /// facets), most named first, then by id. One query whose inner part is the date-ordered page query with a limit of
    /// <see cref="EntityFacetSample"/> (the same plan choices: one topic walks its topic rows, a rare word sorts its few
    /// matches), so it costs about what reading that many ids does, however many statements match.
    /// </summary>
    public async Task<IReadOnlyList<EntityCount>> TopEntitiesAsync(HistoryFilter filter, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var topicRows = filter.Topics.Distinct(StringComparer.Ordinal).Count() == 1;
        var (where, parameters) = _sql.Where(filter, topicRows);
        var key = topicRows ? "t.current_sort_at" : "s.sort_at";
        if (!topicRows && filter.Text is not null && database.Provider == DatabaseProvider.Postgres && await IsRareAsync(filter.Text, cancellationToken))
        {
            key = "(s.sort_at + 0)"; // as in SearchAsync: a rare word's matches come from the GIN index, then sorted
        }

        var id = topicRows ? "t.statement_id" : "s.id";
        parameters.Add("Sample", EntityFacetSample);
        parameters.Add("Take", take);
        var sql = $"""
            SELECT n.entity_id AS EntityId, COUNT(*) AS Statements
            FROM (SELECT {id} AS id FROM {_sql.From(filter, topicRows)}
                  WHERE {where}
                  ORDER BY {key} DESC, {id} DESC
                  LIMIT @Sample) newest
            JOIN statement_entities n ON n.statement_id = newest.id
            GROUP BY n.entity_id
            ORDER BY COUNT(*) DESC, n.entity_id
            LIMIT @Take
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string EntityId, long Statements)>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new EntityCount(r.EntityId, EntityNames.Describe(r.EntityId).Name, EntityNames.Describe(r.EntityId).Kind, (int)r.Statements)).ToList();
    }

    /// <summary>
    /// Whether fewer than <see cref="RareBelow"/> statements contain the text, counted with a LIMIT: cheap either way,
    /// as PostgreSQL reads a rare word's few rows from the GIN index and stops a common word's scan early.
    /// </summary>
    private async Task<bool> IsRareAsync(TextQuery text, CancellationToken cancellationToken)
    {
        if (RareBelow <= 0)
        {
            return false;
        }

        // How rare a query is changes slowly: remember the answer a while, so a repeated or paged query skips the probe.
        var key = text.ToTsQuery();
        if (_rarity.TryGetValue(key, out var known) && Environment.TickCount64 - known.At < RarityLifetimeMs)
        {
            return known.Rare;
        }

        const string sql = """
            SELECT COUNT(*) FROM (SELECT 1 AS one FROM statements s WHERE s.search @@ to_tsquery('simple', monitor_unaccent(@Fts)) LIMIT @Cap) probe
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { Fts = key, Cap = RareBelow }, cancellationToken: cancellationToken));
        if (_rarity.Count > 10_000)
        {
            _rarity.Clear();
        }

        _rarity[key] = (count < RareBelow, Environment.TickCount64);
        return count < RareBelow;
    }

    /// <summary>Fewer matches than this and a date-sorted text query sorts the matches rather than walking the date index.</summary>
    public const int RareMatches = 2000;

    /// <summary>
    /// PostgreSQL: a text with fewer matches than this counts as rare (<see cref="RareMatches"/>; 0: never, which
    /// lets tests take the date-walking plans on a small corpus).
    /// </summary>
    public int RareBelow { get; init; } = RareMatches;

    /// <summary>How many statements match: exact up to <see cref="TotalCap"/>, else a lower bound.</summary>
    public async Task<HistoryTotal> CountAsync(HistoryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var topicRows = filter.Topics.Distinct(StringComparer.Ordinal).Count() == 1;
        var (where, parameters) = _sql.Where(filter, topicRows);
        parameters.Add("Cap", TotalCap + 1);
        var sql = $"SELECT COUNT(*) FROM (SELECT 1 AS one FROM {_sql.From(filter, topicRows, HistorySql.NeedsStatements(filter))} WHERE {where} LIMIT @Cap) capped";
        await using var connection = await database.OpenAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return count > TotalCap ? new HistoryTotal(TotalCap, true) : new HistoryTotal(count, false);
    }

    /// <summary>
    /// Every matching statement, newest first, read in keyset pages of <paramref name="batchSize"/>: memory stays
    /// flat however many there are, and no connection is held while the caller writes a slow response.
    /// </summary>
    public async IAsyncEnumerable<StatementStored> StreamAsync(
        HistoryFilter filter, int batchSize = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        HistoryCursor? after = null;
        do
        {
            var page = await SearchAsync(filter, HistorySort.Date, batchSize, after, cancellationToken);
            foreach (var statement in page.Items)
            {
                yield return statement;
            }

            after = page.NextCursor is null ? null : HistoryCursor.Decode(page.NextCursor, HistorySort.Date);
        }
        while (after is not null);
    }

    private Task<IReadOnlyList<StatementStored>> WithTopicsAsync(DbConnection connection, IReadOnlyList<StatementRow> rows, CancellationToken cancellationToken) =>
        _tags.WithTagsAsync(connection, rows, cancellationToken);

    // A history page's row: the statement, and the key it was sorted by (the cursor).
    private sealed class HistoryRow : StatementRow
    {
        public double SortKey { get; init; }

        // Relevance on PostgreSQL: how many candidates were ranked, and the oldest one's (date, id).
        public long? Candidates { get; init; }

        public long? FloorAt { get; init; }

        public long? FloorId { get; init; }
    }
}
