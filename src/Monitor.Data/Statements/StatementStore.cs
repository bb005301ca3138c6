using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Data.Outbox;

namespace Monitor.Data.Statements;

/// <summary>
/// Stores tagged statements. A statement is unique by (source, external id); content it has not had before becomes
/// a new revision and queues one <see cref="StatementStored"/> in the outbox, in the same transaction. Content it
/// already had (a redelivery, or an item seen again) changes nothing and queues nothing.
/// </summary>
public sealed class StatementStore(Database database)
{
    // A statement new to every feed: inserted as revision 1. A concurrent first delivery of the same item bumps it
    // instead, taking its row lock on PostgreSQL so that concurrent edits of one statement queue up; a bump for
    // content the statement already had is rolled back below.
    private const string UpsertStatementSql = """
        INSERT INTO statements (source_id, external_id, url, title, summary, body, language, published_at,
                                first_seen_at, updated_at, current_revision, content_hash, document_type, body_html, published_raw,
                                document_reference)
        VALUES (@SourceId, @ExternalId, @Url, @Title, @Summary, @Body, @Language, @PublishedAt,
                @Now, @Now, 1, @ContentHash, @DocumentType, @BodyHtml, @PublishedRaw, @DocumentReference)
        ON CONFLICT (source_id, external_id) DO UPDATE
        SET current_revision = statements.current_revision + 1, url = excluded.url, title = excluded.title,
            summary = excluded.summary, body = excluded.body, language = excluded.language,
            published_at = excluded.published_at, updated_at = excluded.updated_at, content_hash = excluded.content_hash,
            document_type = excluded.document_type, body_html = excluded.body_html, published_raw = excluded.published_raw,
            document_reference = COALESCE(statements.document_reference, excluded.document_reference)
        RETURNING id AS Id, current_revision AS Revision
        """;

    private const string MarkBackfilledSql =
        "UPDATE statements SET backfill_revision = @Revision, backfill_tags = @TagsVersion WHERE id = @StatementId";

    private const string FindLinkSql = "SELECT statement_id FROM statement_links WHERE source_id = @SourceId AND external_id = @ExternalId";

    private const string FindByReferenceSql = "SELECT id FROM statements WHERE document_reference = @DocumentReference";

    private const string InsertLinkSql = """
        INSERT INTO statement_links (source_id, external_id, statement_id, url, first_seen_at)
        VALUES (@SourceId, @ExternalId, @StatementId, @Url, @Now)
        ON CONFLICT (source_id, external_id) DO NOTHING
        """;

    private const string HasContentSql = "SELECT COUNT(*) FROM statement_revisions WHERE statement_id = @StatementId AND content_hash = @ContentHash";

    // The dedup rule: content from the statement's own (source, external id) is always a new revision; content from
    // another feed linked by document reference only when that feed dates it later than the current revision (a
    // newer edit). Otherwise the row is left alone and the link is all that is recorded.
    private const string BumpKnownStatementSql = """
        UPDATE statements
        SET current_revision = current_revision + 1, title = @Title, summary = @Summary, body = @Body,
            language = @Language, published_at = @PublishedAt, updated_at = @Now, content_hash = @ContentHash,
            document_type = @DocumentType, body_html = @BodyHtml, published_raw = @PublishedRaw
        WHERE id = @StatementId
          AND ((source_id = @SourceId AND external_id = @ExternalId)
               OR (@PublishedAt IS NOT NULL AND (published_at IS NULL OR published_at < @PublishedAt)))
        RETURNING id AS Id, current_revision AS Revision
        """;

    private const string InsertRevisionSql = """
        INSERT INTO statement_revisions (statement_id, revision, content_hash, title, summary, body, published_at,
                                         discovered_at, stored_at)
        VALUES (@StatementId, @Revision, @ContentHash, @Title, @Summary, @Body, @PublishedAt, @DiscoveredAt, @Now)
        ON CONFLICT (statement_id, content_hash) DO NOTHING
        RETURNING revision
        """;

    // A statement's topics go in one multi-row INSERT; only the row count shapes the SQL, values stay parameters.
    private static readonly ConcurrentDictionary<int, string> InsertTopicsSql = new();

    private readonly CurrentTags _tags = new(database);

    private const string InsertFigureSql = """
        INSERT INTO statement_figures (statement_id, revision, figure_id, value, baseline, drift, evidence, field, evidence_start)
        VALUES (@StatementId, @Revision, @FigureId, @Value, @Baseline, @Drift, @Evidence, @Field, @Start)
        ON CONFLICT DO NOTHING
        """;

    private const string LatestSql = """
        SELECT s.id AS StatementId, s.current_revision AS Revision, s.source_id AS SourceId, s.external_id AS ExternalId,
               s.url AS Url, s.title AS Title, s.summary AS Summary, s.published_at AS PublishedAt,
               s.document_type AS DocumentType, s.language AS Language,
               r.discovered_at AS DiscoveredAt, r.stored_at AS StoredAt
        FROM statements s
        JOIN statement_revisions r ON r.statement_id = s.id AND r.revision = s.current_revision
        ORDER BY s.updated_at DESC, s.id DESC
        LIMIT @Limit
        """;

    /// <summary>
    /// Stores a statement, or links it to the statement that already has its document reference. See
    /// docs/polling.md for the dedup rule.
    /// </summary>
    /// <returns>The event describing the new revision, or null when nothing new was stored (a repeat, or another
    /// feed's copy of a statement that is not a newer edit; its link is still recorded).</returns>
    public async Task<StatementStored?> StoreAsync(StatementTagged tagged, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagged);
        try
        {
            return await StoreOnceAsync(tagged, now, cancellationToken);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "ux_statements_document_reference")
        {
            // Two feeds brought the same new document at the same moment and the other one won: link to it.
            return await StoreOnceAsync(tagged, now, cancellationToken);
        }
    }

    private async Task<StatementStored?> StoreOnceAsync(StatementTagged tagged, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var s = tagged.Statement;
        var values = new
        {
            s.SourceId,
            s.ExternalId,
            s.Url,
            s.Title,
            s.Summary,
            s.Body,
            s.Language,
            s.DocumentType,
            s.BodyHtml,
            s.PublishedRaw,
            DocumentReference = string.IsNullOrWhiteSpace(s.DocumentReference) ? null : s.DocumentReference.Trim(),
            PublishedAt = Database.ToDb(s.PublishedAt),
            s.ContentHash,
            DiscoveredAt = Database.ToDb(s.DiscoveredAt),
            Now = Database.ToDb(now),
        };

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var statementId = await connection.QuerySingleOrDefaultAsync<long?>(FindLinkSql, values, transaction);
        var linked = false;
        if (statementId is null && values.DocumentReference is not null)
        {
            statementId = await connection.QuerySingleOrDefaultAsync<long?>(FindByReferenceSql, values, transaction);
            if (statementId is not null)
            {
                linked = await connection.ExecuteAsync(InsertLinkSql, new { values.SourceId, values.ExternalId, StatementId = statementId, values.Url, values.Now }, transaction) > 0;
            }
        }

        RevisionRow? bumped;
        if (statementId is null)
        {
            bumped = await connection.QuerySingleAsync<RevisionRow>(UpsertStatementSql, values, transaction);
            await connection.ExecuteAsync(InsertLinkSql, new { values.SourceId, values.ExternalId, StatementId = bumped.Id, values.Url, values.Now }, transaction);
        }
        else
        {
            var known = new { StatementId = statementId.Value, values.ContentHash };
            bumped = await connection.ExecuteScalarAsync<long>(HasContentSql, known, transaction) > 0
                ? null
                : await connection.QuerySingleOrDefaultAsync<RevisionRow>(BumpKnownStatementSql, new
                {
                    StatementId = statementId.Value,
                    values.SourceId,
                    values.ExternalId,
                    values.Title,
                    values.Summary,
                    values.Body,
                    values.Language,
                    values.PublishedAt,
                    values.Now,
                    values.ContentHash,
                    values.DocumentType,
                    values.BodyHtml,
                    values.PublishedRaw,
                }, transaction);
            if (bumped is null)
            {
                // Content it already had, or another feed's copy that is not a newer edit: keep only a new link.
                await (linked ? transaction.CommitAsync(cancellationToken) : transaction.RollbackAsync(cancellationToken));
                return null;
            }
        }

        var revision = await connection.QuerySingleOrDefaultAsync<int?>(InsertRevisionSql, new
        {
            StatementId = bumped.Id,
            bumped.Revision,
            values.ContentHash,
            values.Title,
            values.Summary,
            values.Body,
            values.PublishedAt,
            values.DiscoveredAt,
            values.Now,
        }, transaction);
        if (revision is null)
        {
            // Content this statement already had: undo the bump, store nothing, announce nothing.
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        if (tagged.Topics.Count > 0)
        {
            var topics = new DynamicParameters(new { StatementId = bumped.Id, bumped.Revision, tagged.BaselineVersion });
            // In topic id order: the rows' triggers lock each topic's day count, and one order for every writer
            // means concurrent statements queue on those locks instead of deadlocking.
            var ordered = tagged.Topics.OrderBy(t => t.TopicId, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                topics.Add($"TopicId{i}", ordered[i].TopicId);
                topics.Add($"Score{i}", ordered[i].Score);
                topics.Add($"Evidence{i}", JsonSerializer.Serialize(ordered[i].Evidence, OutboxStore.Json));
            }

            await connection.ExecuteAsync(InsertTopicsSql.GetOrAdd(tagged.Topics.Count, BuildInsertTopicsSql), topics, transaction);
        }

        foreach (var figure in tagged.Figures)
        {
            await connection.ExecuteAsync(InsertFigureSql, new
            {
                StatementId = bumped.Id,
                bumped.Revision,
                figure.FigureId,
                figure.Value,
                figure.Baseline,
                Drift = figure.Drift ? 1 : 0,
                figure.Evidence,
                figure.Field,
                figure.Start,
            }, transaction);
        }

        var stored = new StatementStored(bumped.Id, bumped.Revision, s.SourceId, s.ExternalId, s.Url, s.Title, s.Summary,
            s.PublishedAt, tagged.Topics, s.DiscoveredAt, now)
        {
            DocumentType = s.DocumentType,
            Language = s.Language,
            Figures = tagged.Figures,
            Backfill = s.Backfill,
        };

        // A backfilled statement is history: marked so (the live catch-up leaves it out; the refinement re-tags it when
        // another tagger than the live one tagged it), and its event relayed only when a subscription asks for history.
        if (s.Backfill)
        {
            await connection.ExecuteAsync(MarkBackfilledSql, new { StatementId = bumped.Id, bumped.Revision, TagsVersion = tagged.BaselineVersion }, transaction);
        }

        if (!s.Backfill || s.AlertHistory)
        {
            await OutboxStore.EnqueueAsync(connection, transaction, stored, now);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    private static string BuildInsertTopicsSql(int count) =>
        "INSERT INTO statement_topics (statement_id, revision, topic_id, score, evidence, baseline_version) VALUES " +
        string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@StatementId, @Revision, @TopicId{i}, @Score{i}, @Evidence{i}, @BaselineVersion)"));

    public async Task<IReadOnlyList<StatementStored>> GetLatestAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<StatementRow>(new CommandDefinition(LatestSql, new { Limit = limit }, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var (topics, figures) = await _tags.ReadAsync(connection, rows.Select(r => r.StatementId).ToList(), cancellationToken);
        return rows.Select(r => new StatementStored(r.StatementId, r.Revision, r.SourceId, r.ExternalId, r.Url, r.Title, r.Summary,
                Database.FromDb(r.PublishedAt),
                topics[r.StatementId].ToList(),
                Database.FromDb(r.DiscoveredAt), Database.FromDb(r.StoredAt))
            {
                DocumentType = r.DocumentType,
                Language = r.Language,
                Figures = figures[r.StatementId].ToList(),
            })
            .ToList();
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM statements", cancellationToken: cancellationToken));
    }

    /// <summary>The feeds that carried a statement: (source id, external id, url), first seen first.</summary>
    public async Task<IReadOnlyList<StatementLink>> GetLinksAsync(long statementId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StatementLink>(new CommandDefinition("""
            SELECT source_id AS SourceId, external_id AS ExternalId, url AS Url FROM statement_links
            WHERE statement_id = @StatementId ORDER BY first_seen_at, source_id, external_id
            """, new { StatementId = statementId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<long> CountRevisionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM statement_revisions", cancellationToken: cancellationToken));
    }

    public sealed record StatementLink(string SourceId, string ExternalId, string Url);

    private sealed class StatementRow
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
    }

    private sealed class RevisionRow
    {
        public long Id { get; init; }

        public int Revision { get; init; }
    }
}
