using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Core.Entities;
using Monitor.Core.Statements;
using Monitor.Data.Outbox;

namespace Monitor.Data.Statements;

/// <summary>
/// Stores tagged statements. A statement is unique by (source, external id); content it has not had before becomes
/// a new revision and queues its <see cref="StatementStored"/> in the outbox (one <see cref="StatementsStored"/> per batch), in the same transaction. Content it
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
                                document_reference, untagged_reason)
        VALUES (@SourceId, @ExternalId, @Url, @Title, @Summary, @Body, @Language, @PublishedAt,
                @Now, @Now, 1, @ContentHash, @DocumentType, @BodyHtml, @PublishedRaw, @DocumentReference, @UntaggedReason)
        ON CONFLICT (source_id, external_id) DO UPDATE
        SET current_revision = statements.current_revision + 1, url = excluded.url, title = excluded.title,
            summary = excluded.summary, body = excluded.body, language = excluded.language,
            published_at = excluded.published_at, updated_at = excluded.updated_at, content_hash = excluded.content_hash,
            document_type = excluded.document_type, body_html = excluded.body_html, published_raw = excluded.published_raw,
            document_reference = COALESCE(statements.document_reference, excluded.document_reference),
            untagged_reason = excluded.untagged_reason
        WHERE excluded.untagged_reason IS NULL OR statements.untagged_reason IS NOT NULL
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
            document_type = @DocumentType, body_html = @BodyHtml, published_raw = @PublishedRaw, untagged_reason = @UntaggedReason
        WHERE id = @StatementId
          AND ((source_id = @SourceId AND external_id = @ExternalId)
               OR (@PublishedAt IS NOT NULL AND (published_at IS NULL OR published_at < @PublishedAt)))
        RETURNING id AS Id, current_revision AS Revision
        """;

    private const string StatementLanguageSql = "SELECT language AS Language, untagged_reason AS UntaggedReason FROM statements WHERE id = @StatementId";

    // The English version of a statement known until now only in another language becomes the statement: its text, its
    // feed and its link, as a new revision, tagged from here on. The other language's text stays a translation.
    private const string TakeEnglishVersionSql = """
        UPDATE statements
        SET current_revision = current_revision + 1, source_id = @SourceId, external_id = @ExternalId, url = @Url, title = @Title,
            summary = @Summary, body = @Body, language = @Language, published_at = @PublishedAt, updated_at = @Now,
            content_hash = @ContentHash, document_type = @DocumentType, body_html = @BodyHtml, published_raw = @PublishedRaw,
            untagged_reason = NULL
        WHERE id = @StatementId AND untagged_reason IS NOT NULL
        RETURNING id AS Id, current_revision AS Revision
        """;

    // One row per (statement, language); a version seen again with the same content changes nothing.
    private const string UpsertTranslationSql = """
        INSERT INTO statement_translations (statement_id, language, url, title, summary, content_hash, stored_at)
        VALUES (@StatementId, @TranslationLanguage, @Url, @Title, @Summary, @ContentHash, @Now)
        ON CONFLICT (statement_id, language) DO UPDATE
        SET url = excluded.url, title = excluded.title, summary = excluded.summary, content_hash = excluded.content_hash,
            stored_at = excluded.stored_at
        WHERE statement_translations.content_hash <> excluded.content_hash
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

    // The same for entity rows on SQLite.
    private static readonly ConcurrentDictionary<int, string> InsertEntitiesSql = new();

    private const string InsertEntitiesUnnestSql = """
        INSERT INTO statement_entities (statement_id, entity_id)
        SELECT * FROM unnest(@StatementIds::bigint[], @EntityIds::text[])
        ON CONFLICT DO NOTHING
        """;

    private readonly CurrentTags _tags = new(database);

    private const string InsertFigureSql = """
        INSERT INTO statement_figures (statement_id, revision, figure_id, value, baseline, drift, evidence, field, evidence_start)
        VALUES (@StatementId, @Revision, @FigureId, @Value, @Baseline, @Drift, @Evidence, @Field, @Start)
        ON CONFLICT DO NOTHING
        """;

    private const string InsertTopicsUnnestSql = """
        INSERT INTO statement_topics (statement_id, revision, topic_id, score, evidence, baseline_version)
        SELECT * FROM unnest(@StatementIds::bigint[], @Revisions::integer[], @TopicIds::text[], @Scores::double precision[],
                             @Evidence::text[], @BaselineVersions::text[])
        """;

    private const string InsertFiguresUnnestSql = """
        INSERT INTO statement_figures (statement_id, revision, figure_id, value, baseline, drift, evidence, field, evidence_start)
        SELECT * FROM unnest(@StatementIds::bigint[], @Revisions::integer[], @FigureIds::text[], @Values::double precision[],
                             @Baselines::double precision[], @Drifts::integer[], @Evidence::text[], @Fields::text[], @Starts::integer[])
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
        var values = Values.Of(tagged.Statement, now);
        var entities = EntitiesOf(tagged.Statement);
        using var turn = await WriteTurnAsync(tagged.Statement.Backfill, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (outcome, bumped) = await StoreRowsAsync(connection, transaction, values);
        switch (outcome)
        {
            case Outcome.Linked:
                await transaction.CommitAsync(cancellationToken);
                return null;
            case Outcome.Nothing or Outcome.UndoBump:
                // Content it already had (a bump for it is undone), or another feed's copy that is not a newer edit.
                await transaction.RollbackAsync(cancellationToken);
                return null;
        }

        var pending = new Pending(tagged, bumped!, now, Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null, entities);
        await WriteTagsAndEventsAsync(connection, transaction, [pending]);
        await transaction.CommitAsync(cancellationToken);
        return pending.Stored;
    }

    /// <summary>
    /// Stores a batch of statements in one transaction: the same rules as <see cref="StoreAsync"/>, applied in order
    /// (a later item sees an earlier one), with the topic rows, figures and outbox events of the whole batch written
    /// by one statement each, so the daily topic roll-up is touched once per (topic, day) per batch.
    /// </summary>
    /// <returns>One entry per item, in order: its event, or null when it stored nothing new.</returns>
    /// <exception cref="BatchNeedsSingleStoreException">An item needs a step only a transaction of its own can take (a bump
    /// to undo, a race on a document reference); nothing of the batch was stored: store each item with <see cref="StoreAsync"/>.</exception>
    public async Task<IReadOnlyList<StatementStored?>> StoreBatchAsync(IReadOnlyList<BatchItem> items, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await StoreBatchAsync(items, now, null, cancellationToken)).Stored;

    /// <summary>
    /// As <see cref="StoreBatchAsync(IReadOnlyList{BatchItem}, DateTimeOffset, CancellationToken)"/>; with
    /// <paramref name="claimUntil"/> the batch's outbox events are written claimed by the caller until then, and returned
    /// for it to publish right after the commit (see <see cref="OutboxStore.EnqueueManyAsync"/>).
    /// </summary>
    public async Task<BatchResult> StoreBatchAsync(IReadOnlyList<BatchItem> items, DateTimeOffset now, DateTimeOffset? claimUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var results = new StatementStored?[items.Count];
        if (items.Count == 0)
        {
            return new BatchResult(results, []);
        }

        // Entities are found before the write turn: the extractor's few microseconds a statement hold no lock.
        var entities = items.Select(i => EntitiesOf(i.Tagged.Statement)).ToList();
        using var turn = await WriteTurnAsync(items.All(i => i.Tagged.Statement.Backfill), cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = new List<Pending>(items.Count);
        var index = new List<int>(items.Count);
        var values = items.Select(item => Values.Of(item.Tagged.Statement, now)).ToList();
        try
        {
            // PostgreSQL: the statements new to every feed (most of a burst) take a few multi-row statements in all.
            var bulk = database.Provider == DatabaseProvider.Postgres
                ? await StoreNewInBulkAsync(connection, transaction, values)
                : new Dictionary<int, RevisionRow>();
            for (var i = 0; i < items.Count; i++)
            {
                if (bulk.TryGetValue(i, out var inserted))
                {
                    pending.Add(new Pending(items[i].Tagged, inserted, now, items[i].TraceParent, entities[i]));
                    index.Add(i);
                    continue;
                }

                var (outcome, bumped) = await StoreRowsAsync(connection, transaction, values[i]);
                if (outcome == Outcome.UndoBump)
                {
                    throw new BatchNeedsSingleStoreException();
                }

                if (outcome == Outcome.Stored)
                {
                    pending.Add(new Pending(items[i].Tagged, bumped!, now, items[i].TraceParent, entities[i]));
                    index.Add(i);
                }
            }
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "ux_statements_document_reference")
        {
            throw new BatchNeedsSingleStoreException();
        }

        var events = await WriteTagsAndEventsAsync(connection, transaction, pending, claimUntil);
        await transaction.CommitAsync(cancellationToken);
        for (var k = 0; k < pending.Count; k++)
        {
            results[index[k]] = pending[k].Stored;
        }

        return new BatchResult(results, events);
    }

    // SQLite has one writer: the process's statement writers take turns at the gate, live ones first, instead of meeting
    // at the file's lock. PostgreSQL takes them all at once.
    private async ValueTask<IDisposable?> WriteTurnAsync(bool backfill, CancellationToken cancellationToken) =>
        database.Provider == DatabaseProvider.Sqlite ? await database.WriteGate.EnterAsync(backfill, cancellationToken) : null;

    /// <summary>What a batch stored (one entry per item, null for nothing new) and the outbox events it wrote.</summary>
    public sealed record BatchResult(IReadOnlyList<StatementStored?> Stored, IReadOnlyList<OutboxStore.Enqueued> Events);

    private enum Outcome
    {
        Stored,
        Nothing,
        Linked,
        UndoBump,
    }

    // Which items of a batch name a (source, external id) or a document reference that is already linked; the others
    // are new to every feed, unless the batch names them twice (those go one by one, in order).
    private const string FindLinksBulkSql = """
        SELECT l.source_id AS SourceId, l.external_id AS ExternalId FROM statement_links l
        JOIN unnest(@SourceIds::text[], @ExternalIds::text[]) AS k(source_id, external_id)
          ON l.source_id = k.source_id AND l.external_id = k.external_id
        """;

    private const string FindReferencesBulkSql = "SELECT document_reference FROM statements WHERE document_reference = ANY(@References)";

    // As UpsertStatementSql, for many rows. A conflict here is another process inserting the same item at the same
    // moment: the row is bumped as one by one would, and a bump for content it already had sends the batch one by one.
    private const string InsertStatementsBulkSql = """
        INSERT INTO statements (source_id, external_id, url, title, summary, body, language, published_at,
                                first_seen_at, updated_at, current_revision, content_hash, document_type, body_html, published_raw,
                                document_reference)
        SELECT source_id, external_id, url, title, summary, body, language, published_at, @Now, @Now, 1, content_hash,
               document_type, body_html, published_raw, document_reference
        FROM unnest(@SourceIds::text[], @ExternalIds::text[], @Urls::text[], @Titles::text[], @Summaries::text[], @Bodies::text[],
                    @Languages::text[], @PublishedAts::bigint[], @ContentHashes::text[], @DocumentTypes::text[], @BodyHtmls::text[],
                    @PublishedRaws::text[], @DocumentReferences::text[])
             AS u(source_id, external_id, url, title, summary, body, language, published_at, content_hash, document_type, body_html,
                  published_raw, document_reference)
        ON CONFLICT (source_id, external_id) DO UPDATE
        SET current_revision = statements.current_revision + 1, url = excluded.url, title = excluded.title,
            summary = excluded.summary, body = excluded.body, language = excluded.language,
            published_at = excluded.published_at, updated_at = excluded.updated_at, content_hash = excluded.content_hash,
            document_type = excluded.document_type, body_html = excluded.body_html, published_raw = excluded.published_raw,
            document_reference = COALESCE(statements.document_reference, excluded.document_reference), untagged_reason = NULL
        RETURNING id AS Id, current_revision AS Revision, source_id AS SourceId, external_id AS ExternalId
        """;

    private const string InsertLinksBulkSql = """
        INSERT INTO statement_links (source_id, external_id, statement_id, url, first_seen_at)
        SELECT *, @Now FROM unnest(@SourceIds::text[], @ExternalIds::text[], @StatementIds::bigint[], @Urls::text[])
        ON CONFLICT (source_id, external_id) DO NOTHING
        """;

    private const string InsertRevisionsBulkSql = """
        INSERT INTO statement_revisions (statement_id, revision, content_hash, title, summary, body, published_at,
                                         discovered_at, stored_at)
        SELECT statement_id, revision, content_hash, title, summary, body, published_at, discovered_at, @Now
        FROM unnest(@StatementIds::bigint[], @Revisions::integer[], @ContentHashes::text[], @Titles::text[], @Summaries::text[],
                    @Bodies::text[], @PublishedAts::bigint[], @DiscoveredAts::bigint[])
             AS u(statement_id, revision, content_hash, title, summary, body, published_at, discovered_at)
        ON CONFLICT (statement_id, content_hash) DO NOTHING
        RETURNING statement_id
        """;

    /// <summary>
    /// Inserts the items of a batch that are new to every feed with one statement per table (unnest): statements, links,
    /// revisions. Returns them by their index in the batch; the rest are left to the one-by-one path.
    /// </summary>
    private static async Task<Dictionary<int, RevisionRow>> StoreNewInBulkAsync(DbConnection connection, DbTransaction transaction, List<Values> values)
    {
        var fresh = await FreshAsync(connection, transaction, values);
        if (fresh.Count == 0)
        {
            return [];
        }

        var rows = fresh.Select(i => values[i]).ToList();
        var inserted = await InsertStatementsAsync(connection, transaction, rows);
        var result = new Dictionary<int, RevisionRow>(fresh.Count);
        foreach (var i in fresh)
        {
            var row = inserted[(values[i].SourceId, values[i].ExternalId)];
            result[i] = new RevisionRow { Id = row.Id, Revision = row.Revision };
        }

        var stored = fresh.Select(i => result[i]).ToList();
        await InsertLinksAsync(connection, transaction, rows, stored);
        await InsertRevisionsAsync(connection, transaction, rows, stored);
        return result;
    }

    // The items named once in the batch whose (source, external id) and document reference no statement has yet. Other
    // language versions go one by one: they may be translations (StoreRowsAsync).
    private static async Task<List<int>> FreshAsync(DbConnection connection, DbTransaction transaction, List<Values> values)
    {
        var keyCount = values.CountBy(v => (v.SourceId, v.ExternalId)).ToDictionary(g => g.Key, g => g.Value);
        var referenceCount = values.Where(v => v.DocumentReference is not null).CountBy(v => v.DocumentReference!).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal);
        var candidates = Enumerable.Range(0, values.Count)
            .Where(i => values[i].UntaggedReason is null
                        && keyCount[(values[i].SourceId, values[i].ExternalId)] == 1
                        && (values[i].DocumentReference is null || referenceCount[values[i].DocumentReference!] == 1))
            .ToList();
        if (candidates.Count < 2)
        {
            return [];
        }

        var linked = (await connection.QueryAsync<(string SourceId, string ExternalId)>(FindLinksBulkSql, new
        {
            SourceIds = candidates.Select(i => values[i].SourceId).ToArray(),
            ExternalIds = candidates.Select(i => values[i].ExternalId).ToArray(),
        }, transaction)).ToHashSet();
        var references = candidates.Select(i => values[i].DocumentReference).OfType<string>().ToArray();
        var referenced = references.Length == 0
            ? []
            : (await connection.QueryAsync<string>(FindReferencesBulkSql, new { References = references }, transaction)).ToHashSet(StringComparer.Ordinal);
        return [.. candidates.Where(i => !linked.Contains((values[i].SourceId, values[i].ExternalId))
                                         && (values[i].DocumentReference is null || !referenced.Contains(values[i].DocumentReference!)))];
    }

    private static async Task<Dictionary<(string SourceId, string ExternalId), BulkRow>> InsertStatementsAsync(DbConnection connection, DbTransaction transaction, List<Values> rows) =>
        (await connection.QueryAsync<BulkRow>(InsertStatementsBulkSql, new
        {
            rows[0].Now,
            SourceIds = rows.Select(v => v.SourceId).ToArray(),
            ExternalIds = rows.Select(v => v.ExternalId).ToArray(),
            Urls = rows.Select(v => v.Url).ToArray(),
            Titles = rows.Select(v => v.Title).ToArray(),
            Summaries = rows.Select(v => v.Summary).ToArray(),
            Bodies = rows.Select(v => v.Body).ToArray(),
            Languages = rows.Select(v => v.Language).ToArray(),
            PublishedAts = rows.Select(v => v.PublishedAt).ToArray(),
            ContentHashes = rows.Select(v => v.ContentHash).ToArray(),
            DocumentTypes = rows.Select(v => v.DocumentType).ToArray(),
            BodyHtmls = rows.Select(v => v.BodyHtml).ToArray(),
            PublishedRaws = rows.Select(v => v.PublishedRaw).ToArray(),
            DocumentReferences = rows.Select(v => v.DocumentReference).ToArray(),
        }, transaction)).ToDictionary(r => (r.SourceId, r.ExternalId));

    private static Task InsertLinksAsync(DbConnection connection, DbTransaction transaction, List<Values> rows, List<RevisionRow> stored) =>
        connection.ExecuteAsync(InsertLinksBulkSql, new
        {
            rows[0].Now,
            SourceIds = rows.Select(v => v.SourceId).ToArray(),
            ExternalIds = rows.Select(v => v.ExternalId).ToArray(),
            StatementIds = stored.Select(r => r.Id).ToArray(),
            Urls = rows.Select(v => v.Url).ToArray(),
        }, transaction);

    private static async Task InsertRevisionsAsync(DbConnection connection, DbTransaction transaction, List<Values> rows, List<RevisionRow> stored)
    {
        var revisions = (await connection.QueryAsync<long>(InsertRevisionsBulkSql, new
        {
            rows[0].Now,
            StatementIds = stored.Select(r => r.Id).ToArray(),
            Revisions = stored.Select(r => r.Revision).ToArray(),
            ContentHashes = rows.Select(v => v.ContentHash).ToArray(),
            Titles = rows.Select(v => v.Title).ToArray(),
            Summaries = rows.Select(v => v.Summary).ToArray(),
            Bodies = rows.Select(v => v.Body).ToArray(),
            PublishedAts = rows.Select(v => v.PublishedAt).ToArray(),
            DiscoveredAts = rows.Select(v => v.DiscoveredAt).ToArray(),
        }, transaction)).Count();
        if (revisions != rows.Count)
        {
            // A racing process stored the same content first: the bump must be undone, which only one by one can do.
            throw new BatchNeedsSingleStoreException();
        }
    }

    // The statement, link and revision rows of one item. What it found decides whether the caller commits, rolls back
    // or goes on to the item's topics.
    private static async Task<(Outcome Outcome, RevisionRow? Bumped)> StoreRowsAsync(DbConnection connection, DbTransaction transaction, Values values)
    {
        var (statementId, linked) = await FindStatementAsync(connection, transaction, values);
        var current = statementId is null
            ? null
            : await connection.QuerySingleAsync<LanguageRow>(StatementLanguageSql, new { StatementId = statementId.Value }, transaction);
        RevisionRow? bumped;
        if (statementId is null || current is null)
        {
            // (Racing the first copy of the same item in English, the upsert finds nothing to overwrite and throws: the
            // retry finds the statement and stores this one as its translation.)
            bumped = await connection.QuerySingleAsync<RevisionRow>(UpsertStatementSql, values, transaction);
            await connection.ExecuteAsync(InsertLinkSql, new { values.SourceId, values.ExternalId, StatementId = bumped.Id, values.Url, values.Now }, transaction);
            if (values.UntaggedReason is not null)
            {
                // Known only in this language so far: its text is the statement's, and it is one of its language versions.
                await connection.ExecuteAsync(UpsertTranslationSql, values.ForTranslation(bumped.Id), transaction);
            }
        }
        else if (values.UntaggedReason is not null && !StatementLanguage.Same(current.Language, values.Language))
        {
            // Another language version of a known statement: a translation, never a revision (docs/polling.md).
            var changed = await connection.ExecuteAsync(UpsertTranslationSql, values.ForTranslation(statementId.Value), transaction) > 0;
            return (changed || linked ? Outcome.Linked : Outcome.Nothing, null);
        }
        else if (values.UntaggedReason is null && current.UntaggedReason is not null)
        {
            bumped = await connection.QuerySingleOrDefaultAsync<RevisionRow>(TakeEnglishVersionSql, values.ForStatement(statementId.Value), transaction);
            if (bumped is null)
            {
                return (linked ? Outcome.Linked : Outcome.Nothing, null);
            }
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
                    values.UntaggedReason,
                }, transaction);
            if (bumped is null)
            {
                // Content it already had, or another feed's copy that is not a newer edit: keep only a new link.
                return (linked ? Outcome.Linked : Outcome.Nothing, null);
            }

            if (values.UntaggedReason is not null)
            {
                // An edit of a statement still known only in this language: its language version follows.
                await connection.ExecuteAsync(UpsertTranslationSql, values.ForTranslation(bumped.Id), transaction);
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

        // No revision: content this statement already had. The bump must be undone: store nothing, announce nothing.
        return revision is null ? (Outcome.UndoBump, null) : (Outcome.Stored, bumped);
    }

    // The statement the item belongs to: by its (source, external id), or by its document reference, which links this
    // feed's copy to the statement another feed brought first.
    private static async Task<(long? StatementId, bool Linked)> FindStatementAsync(DbConnection connection, DbTransaction transaction, Values values)
    {
        var statementId = await connection.QuerySingleOrDefaultAsync<long?>(FindLinkSql, values, transaction);
        if (statementId is not null || values.DocumentReference is null)
        {
            return (statementId, false);
        }

        statementId = await connection.QuerySingleOrDefaultAsync<long?>(FindByReferenceSql, values, transaction);
        var linked = statementId is not null
                     && await connection.ExecuteAsync(InsertLinkSql, new { values.SourceId, values.ExternalId, StatementId = statementId, values.Url, values.Now }, transaction) > 0;
        return (statementId, linked);
    }

    // Topics, figures and events of every stored item, one statement each on PostgreSQL (arrays through unnest).
    private async Task<IReadOnlyList<OutboxStore.Enqueued>> WriteTagsAndEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Pending> pending,
        DateTimeOffset? claimUntil = null)
    {
        if (pending.Count == 0)
        {
            return [];
        }

        await WriteTopicsAsync(connection, transaction, pending);
        await WriteFiguresAsync(connection, transaction, pending);
        await WriteEntitiesAsync(connection, transaction, pending);
        await MarkBackfilledAsync(connection, transaction, pending);

        // One event for the batch (published in the trace of its first statement). A backfilled statement is in it only
        // when a subscription asks for history.
        var announced = pending.Where(p => !p.Tagged.Statement.Backfill || p.Tagged.Statement.AlertHistory).ToList();
        return announced.Count == 0
            ? []
            : await OutboxStore.EnqueueManyAsync(connection, transaction, database.Provider,
                [new OutboxStore.Outgoing(new StatementsStored([.. announced.Select(p => p.Stored)]), announced[0].TraceParent)], pending[0].Now, claimUntil);
    }

    // Topic rows go in topic id order: their roll-up trigger locks each (topic, day) count, and one order for every writer
    // means concurrent batches queue on those locks instead of deadlocking. SQLite runs in the process: a statement per
    // 50 rows costs no round trip, and the batch is one transaction.
    private async Task WriteTopicsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Pending> pending)
    {
        var topics = pending
            .SelectMany(p => p.Tagged.Topics.Select(t => (p.Bumped.Id, p.Bumped.Revision, t, p.Tagged.BaselineVersion)))
            .OrderBy(r => r.t.TopicId, StringComparer.Ordinal).ThenBy(r => r.Id).ToList();
        if (topics.Count == 0)
        {
            return;
        }

        if (database.Provider == DatabaseProvider.Postgres)
        {
            await connection.ExecuteAsync(InsertTopicsUnnestSql, new
            {
                StatementIds = topics.Select(r => r.Id).ToArray(),
                Revisions = topics.Select(r => r.Revision).ToArray(),
                TopicIds = topics.Select(r => r.t.TopicId).ToArray(),
                Scores = topics.Select(r => r.t.Score).ToArray(),
                Evidence = topics.Select(r => JsonSerializer.Serialize(r.t.Evidence, OutboxStore.Json)).ToArray(),
                BaselineVersions = topics.Select(r => r.BaselineVersion).ToArray(),
            }, transaction);
            return;
        }

        foreach (var chunk in topics.Chunk(50))
        {
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                parameters.Add($"StatementId{i}", chunk[i].Id);
                parameters.Add($"Revision{i}", chunk[i].Revision);
                parameters.Add($"TopicId{i}", chunk[i].t.TopicId);
                parameters.Add($"Score{i}", chunk[i].t.Score);
                parameters.Add($"Evidence{i}", JsonSerializer.Serialize(chunk[i].t.Evidence, OutboxStore.Json));
                parameters.Add($"BaselineVersion{i}", chunk[i].BaselineVersion);
            }

            await connection.ExecuteAsync(InsertTopicsSql.GetOrAdd(chunk.Length, BuildInsertTopicsSql), parameters, transaction);
        }
    }

    private async Task WriteFiguresAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Pending> pending)
    {
        var figures = pending.SelectMany(p => p.Tagged.Figures.Select(f => (p.Bumped.Id, p.Bumped.Revision, f))).ToList();
        if (figures.Count == 0)
        {
            return;
        }

        if (database.Provider == DatabaseProvider.Postgres)
        {
            await connection.ExecuteAsync(InsertFiguresUnnestSql, new
            {
                StatementIds = figures.Select(r => r.Id).ToArray(),
                Revisions = figures.Select(r => r.Revision).ToArray(),
                FigureIds = figures.Select(r => r.f.FigureId).ToArray(),
                Values = figures.Select(r => r.f.Value).ToArray(),
                Baselines = figures.Select(r => r.f.Baseline).ToArray(),
                Drifts = figures.Select(r => r.f.Drift ? 1 : 0).ToArray(),
                Evidence = figures.Select(r => r.f.Evidence).ToArray(),
                Fields = figures.Select(r => r.f.Field).ToArray(),
                Starts = figures.Select(r => r.f.Start).ToArray(),
            }, transaction);
            return;
        }

        foreach (var (id, revision, figure) in figures)
        {
            await connection.ExecuteAsync(InsertFigureSql, new
            {
                StatementId = id,
                Revision = revision,
                figure.FigureId,
                figure.Value,
                figure.Baseline,
                Drift = figure.Drift ? 1 : 0,
                figure.Evidence,
                figure.Field,
                figure.Start,
            }, transaction);
        }
    }

    /// <summary>The entities a statement names (docs/entities.md): its title, summary and body.</summary>
    internal static IReadOnlyList<string> EntitiesOf(StatementDiscovered statement) => EntitiesOf(statement.Title, statement.Summary, statement.Body);

    internal static IReadOnlyList<string> EntitiesOf(string? title, string? summary, string? body) =>
        EntityExtractor.Default.Extract(title, string.IsNullOrEmpty(summary) ? body : summary + "\n" + body);

    // A statement's entity rows are those of its current revision: a new revision's replace the old ones (one DELETE for
    // the batch), then every row of the batch goes in one INSERT on PostgreSQL, 250 rows a statement on SQLite.
    private async Task WriteEntitiesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Pending> pending)
    {
        var revised = pending.Where(p => p.Bumped.Revision > 1).Select(p => p.Bumped.Id).Distinct().ToArray();
        if (revised.Length > 0)
        {
            await connection.ExecuteAsync($"DELETE FROM statement_entities WHERE statement_id {database.InList("StatementIds")}",
                new { StatementIds = revised }, transaction);
        }

        await WriteEntityRowsAsync(connection, transaction, database.Provider,
            [.. pending.SelectMany(p => p.Entities.Select(e => (p.Bumped.Id, e))).Distinct()]);
    }

    internal static async Task WriteEntityRowsAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider,
        IReadOnlyList<(long StatementId, string EntityId)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (provider == DatabaseProvider.Postgres)
        {
            await connection.ExecuteAsync(InsertEntitiesUnnestSql, new
            {
                StatementIds = rows.Select(r => r.StatementId).ToArray(),
                EntityIds = rows.Select(r => r.EntityId).ToArray(),
            }, transaction);
            return;
        }

        foreach (var chunk in rows.Chunk(250))
        {
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                parameters.Add($"StatementId{i}", chunk[i].StatementId);
                parameters.Add($"EntityId{i}", chunk[i].EntityId);
            }

            await connection.ExecuteAsync(InsertEntitiesSql.GetOrAdd(chunk.Length, count =>
                "INSERT INTO statement_entities (statement_id, entity_id) VALUES " +
                string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@StatementId{i}, @EntityId{i})")) +
                " ON CONFLICT DO NOTHING"), parameters, transaction);
        }
    }

    // A backfilled statement is history: marked so (the live catch-up leaves it out; the refinement re-tags it when
    // another tagger than the live one tagged it).
    private static async Task MarkBackfilledAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Pending> pending)
    {
        foreach (var p in pending.Where(p => p.Tagged.Statement.Backfill))
        {
            await connection.ExecuteAsync(MarkBackfilledSql, new { StatementId = p.Bumped.Id, p.Bumped.Revision, TagsVersion = p.Tagged.BaselineVersion }, transaction);
        }
    }

    private static string BuildInsertTopicsSql(int count) =>
        "INSERT INTO statement_topics (statement_id, revision, topic_id, score, evidence, baseline_version) VALUES " +
        string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@StatementId{i}, @Revision{i}, @TopicId{i}, @Score{i}, @Evidence{i}, @BaselineVersion{i})"));

    /// <summary>One statement of a batch, with the trace it was consumed in (its event is published inside that trace).</summary>
    public sealed record BatchItem(StatementTagged Tagged, string? TraceParent);

    private sealed record Pending(StatementTagged Tagged, RevisionRow Bumped, DateTimeOffset Now, string? TraceParent, IReadOnlyList<string> Entities)
    {
        public StatementStored Stored { get; } = new(Bumped.Id, Bumped.Revision, Tagged.Statement.SourceId, Tagged.Statement.ExternalId,
            Tagged.Statement.Url, Tagged.Statement.Title, Tagged.Statement.Summary, Tagged.Statement.PublishedAt, Tagged.Topics,
            Tagged.Statement.DiscoveredAt, Now)
        {
            DocumentType = Tagged.Statement.DocumentType,
            Language = Tagged.Statement.Language,
            Figures = Tagged.Figures,
            Backfill = Tagged.Statement.Backfill,
        };
    }

    private sealed record Values(string SourceId, string ExternalId, string Url, string Title, string Summary, string Body,
        string? Language, string DocumentType, string? BodyHtml, string? PublishedRaw, string? DocumentReference, long? PublishedAt,
        string ContentHash, long DiscoveredAt, long Now)
    {
        /// <summary>Set for a version in another language than English (not tagged: <see cref="StatementLanguage"/>).</summary>
        public string? UntaggedReason => StatementLanguage.IsTagged(Language) ? null : StatementLanguage.UntaggedReason;

        public static Values Of(StatementDiscovered s, DateTimeOffset now) => new(s.SourceId, s.ExternalId, s.Url, s.Title, s.Summary,
            s.Body, s.Language, s.DocumentType, s.BodyHtml, s.PublishedRaw,
            string.IsNullOrWhiteSpace(s.DocumentReference) ? null : s.DocumentReference.Trim(),
            Database.ToDb(s.PublishedAt), s.ContentHash, Database.ToDb(s.DiscoveredAt), Database.ToDb(now));

        public object ForTranslation(long statementId) => new
        {
            StatementId = statementId,
            TranslationLanguage = StatementLanguage.Normalise(Language),
            Url,
            Title,
            Summary,
            ContentHash,
            Now,
        };

        public object ForStatement(long statementId) => new
        {
            StatementId = statementId,
            SourceId,
            ExternalId,
            Url,
            Title,
            Summary,
            Body,
            Language,
            PublishedAt,
            Now,
            ContentHash,
            DocumentType,
            BodyHtml,
            PublishedRaw,
        };
    }

    public async Task<IReadOnlyList<StatementStored>> GetLatestAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<StatementRow>(new CommandDefinition(LatestSql, new { Limit = limit }, cancellationToken: cancellationToken))).ToList();
        return await _tags.WithTagsAsync(connection, rows, cancellationToken);
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

    private sealed class BulkRow
    {
        public long Id { get; init; }

        public int Revision { get; init; }

        public string SourceId { get; init; } = "";

        public string ExternalId { get; init; } = "";
    }

    private sealed class LanguageRow
    {
        public string? Language { get; init; }

        public string? UntaggedReason { get; init; }
    }

    private sealed class RevisionRow
    {
        public long Id { get; init; }

        public int Revision { get; init; }
    }
}
