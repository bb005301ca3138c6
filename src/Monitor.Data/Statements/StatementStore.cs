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
    private const string InsertStatementSql = """
        INSERT INTO statements (source_id, external_id, url, title, summary, body, language, published_at,
                                first_seen_at, updated_at, current_revision, content_hash)
        VALUES (@SourceId, @ExternalId, @Url, @Title, @Summary, @Body, @Language, @PublishedAt,
                @Now, @Now, 0, @ContentHash)
        ON CONFLICT (source_id, external_id) DO NOTHING
        """;

    // Bumping the revision first also takes the row lock on PostgreSQL, so concurrent edits of one statement queue up.
    private const string BumpRevisionSql = """
        UPDATE statements
        SET current_revision = current_revision + 1, url = @Url, title = @Title, summary = @Summary, body = @Body,
            language = @Language, published_at = @PublishedAt, updated_at = @Now, content_hash = @ContentHash
        WHERE source_id = @SourceId AND external_id = @ExternalId
        RETURNING id AS Id, current_revision AS Revision
        """;

    private const string InsertRevisionSql = """
        INSERT INTO statement_revisions (statement_id, revision, content_hash, title, summary, body, published_at,
                                         discovered_at, stored_at)
        VALUES (@StatementId, @Revision, @ContentHash, @Title, @Summary, @Body, @PublishedAt, @DiscoveredAt, @Now)
        ON CONFLICT (statement_id, content_hash) DO NOTHING
        RETURNING revision
        """;

    private const string InsertTopicSql = """
        INSERT INTO statement_topics (statement_id, revision, topic_id, score, evidence, baseline_version)
        VALUES (@StatementId, @Revision, @TopicId, @Score, @Evidence, @BaselineVersion)
        """;

    private const string LatestSql = """
        SELECT s.id AS StatementId, s.current_revision AS Revision, s.source_id AS SourceId, s.external_id AS ExternalId,
               s.url AS Url, s.title AS Title, s.summary AS Summary, s.published_at AS PublishedAt,
               r.discovered_at AS DiscoveredAt, r.stored_at AS StoredAt
        FROM statements s
        JOIN statement_revisions r ON r.statement_id = s.id AND r.revision = s.current_revision
        WHERE s.current_revision > 0
        ORDER BY s.updated_at DESC, s.id DESC
        LIMIT @Limit
        """;

    private readonly string _topicsForSql = $"""
        SELECT t.statement_id AS StatementId, t.topic_id AS TopicId, t.score AS Score, t.evidence AS Evidence
        FROM statement_topics t
        JOIN statements s ON s.id = t.statement_id AND s.current_revision = t.revision
        WHERE t.statement_id {database.InList("Ids")}
        ORDER BY t.score DESC, t.topic_id
        """;

    /// <returns>The event describing the new revision, or null when the content was already stored.</returns>
    public async Task<StatementStored?> StoreAsync(StatementTagged tagged, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagged);
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
            PublishedAt = Database.ToDb(s.PublishedAt),
            s.ContentHash,
            DiscoveredAt = Database.ToDb(s.DiscoveredAt),
            Now = Database.ToDb(now),
        };

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(InsertStatementSql, values, transaction);
        var bumped = await connection.QuerySingleAsync<RevisionRow>(BumpRevisionSql, values, transaction);
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

        foreach (var topic in tagged.Topics)
        {
            await connection.ExecuteAsync(InsertTopicSql, new
            {
                StatementId = bumped.Id,
                bumped.Revision,
                topic.TopicId,
                topic.Score,
                Evidence = JsonSerializer.Serialize(topic.Evidence, OutboxStore.Json),
                tagged.BaselineVersion,
            }, transaction);
        }

        var stored = new StatementStored(bumped.Id, bumped.Revision, s.SourceId, s.ExternalId, s.Url, s.Title, s.Summary,
            s.PublishedAt, tagged.Topics, s.DiscoveredAt, now);
        await OutboxStore.EnqueueAsync(connection, transaction, stored, now);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<IReadOnlyList<StatementStored>> GetLatestAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<StatementRow>(new CommandDefinition(LatestSql, new { Limit = limit }, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var topics = (await connection.QueryAsync<TopicRow>(new CommandDefinition(_topicsForSql, new { Ids = rows.Select(r => r.StatementId).ToArray() }, cancellationToken: cancellationToken)))
            .ToLookup(t => t.StatementId);
        return rows.Select(r => new StatementStored(r.StatementId, r.Revision, r.SourceId, r.ExternalId, r.Url, r.Title, r.Summary,
                Database.FromDb(r.PublishedAt),
                topics[r.StatementId].Select(t => new TopicScore(t.TopicId, t.Score, JsonSerializer.Deserialize<List<string>>(t.Evidence, OutboxStore.Json) ?? [])).ToList(),
                Database.FromDb(r.DiscoveredAt), Database.FromDb(r.StoredAt)))
            .ToList();
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM statements WHERE current_revision > 0", cancellationToken: cancellationToken));
    }

    public async Task<long> CountRevisionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM statement_revisions", cancellationToken: cancellationToken));
    }

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

        public long DiscoveredAt { get; init; }

        public long StoredAt { get; init; }
    }

    private sealed class RevisionRow
    {
        public long Id { get; init; }

        public int Revision { get; init; }
    }

    private sealed class TopicRow
    {
        public long StatementId { get; init; }

        public string TopicId { get; init; } = "";

        public double Score { get; init; }

        public string Evidence { get; init; } = "[]";
    }
}
