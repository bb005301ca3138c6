using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Data.Outbox;

namespace Monitor.Data.Tagging;

/// <summary>Progress of re-tagging the stored statements with one topic-file version.</summary>
/// <param name="Total">Statements stored when the run started.</param>
/// <param name="Done">Statements re-tagged so far.</param>
public sealed record RetagRun(string BaselineVersion, int Total, int Done, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>A stored statement's current revision, as re-tagging reads it.</summary>
public sealed record RetagItem(long StatementId, int Revision, string Title, string Summary, string Body)
{
    /// <summary>Marked untagged on purpose (statements.untagged_reason: no English version): re-tagging keeps it without topics.</summary>
    public bool Untagged { get; init; }
}

/// <summary>
/// Re-tagging of stored statements when the topic file changes (table retag_runs, migration 0005): one run per
/// version, a checkpoint (last statement id done) to resume from, and a lease so one Tagging replica works at a
/// time. A revision's topics and figures are replaced, and the checkpoint moved, in one transaction.
/// </summary>
public sealed class RetagStore(Database database)
{
    private const string SelectRunSql = """
        SELECT baseline_version AS BaselineVersion, total AS Total, done AS Done, started_at AS StartedAt, finished_at AS FinishedAt
        FROM retag_runs
        """;

    /// <summary>The run for <paramref name="version"/>, created if there is none: finished at once when no stored tag comes from another version.</summary>
    public async Task<RetagRun> EnsureRunAsync(string version, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        await using var connection = await database.OpenAsync(cancellationToken);
        var existing = await ReadAsync(connection, version, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var stale = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM statement_topics WHERE baseline_version <> @Version", new { Version = version }, cancellationToken: cancellationToken));
        var total = stale == 0 ? 0 : await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM statements", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO retag_runs (baseline_version, total, done, checkpoint, started_at, finished_at, lease_until)
            VALUES (@Version, @Total, 0, 0, @Now, @Finished, 0)
            ON CONFLICT (baseline_version) DO NOTHING
            """,
            new { Version = version, Total = (int)total, Now = Database.ToDb(now), Finished = total == 0 ? Database.ToDb(now) : (long?)null },
            cancellationToken: cancellationToken));
        return (await ReadAsync(connection, version, cancellationToken))!;
    }

    /// <summary>The most recently started run, or none.</summary>
    public async Task<RetagRun?> GetLatestAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            SelectRunSql + " ORDER BY started_at DESC, baseline_version LIMIT 1", cancellationToken: cancellationToken));
        return row?.ToRun();
    }

    /// <summary>Takes or renews the run's lease for <paramref name="owner"/>; false while another owner's lease is valid or the run is finished.</summary>
    public async Task<bool> TryLeaseAsync(string version, string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var taken = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE retag_runs SET lease_owner = @Owner, lease_until = @Until
            WHERE baseline_version = @Version AND finished_at IS NULL
              AND (lease_owner IS NULL OR lease_owner = @Owner OR lease_until < @Now)
            """,
            new { Version = version, Owner = owner, Now = Database.ToDb(now), Until = Database.ToDb(now + duration) },
            cancellationToken: cancellationToken));
        return taken == 1;
    }

    /// <summary>The next statements after the run's checkpoint, in id order, with their current revision.</summary>
    public async Task<IReadOnlyList<RetagItem>> NextAsync(string version, int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(
            """
            SELECT s.id AS StatementId, s.current_revision AS Revision, r.title AS Title, r.summary AS Summary, r.body AS Body,
                   s.untagged_reason AS UntaggedReason
            FROM statements s
            JOIN statement_revisions r ON r.statement_id = s.id AND r.revision = s.current_revision
            WHERE s.id > (SELECT checkpoint FROM retag_runs WHERE baseline_version = @Version)
            ORDER BY s.id
            LIMIT @Count
            """,
            new { Version = version, Count = count }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new RetagItem(r.StatementId, (int)r.Revision, r.Title, r.Summary, r.Body) { Untagged = r.UntaggedReason is not null })];
    }

    /// <summary>
    /// Replaces the revision's topics and figures with <paramref name="topics"/> and <paramref name="figures"/> and moves the
    /// checkpoint past it, in one transaction; false (nothing changed) when <paramref name="owner"/> no longer holds the lease.
    /// </summary>
    public async Task<bool> ReplaceAsync(
        string version,
        string owner,
        RetagItem item,
        IReadOnlyList<TopicScore> topics,
        IReadOnlyList<FigureValue> figures,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(figures);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE retag_runs SET checkpoint = @StatementId, done = done + 1
            WHERE baseline_version = @Version AND lease_owner = @Owner AND finished_at IS NULL AND checkpoint < @StatementId
            """,
            new { Version = version, Owner = owner, item.StatementId }, transaction, cancellationToken: cancellationToken));
        if (moved != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await ReplaceTagsAsync(connection, transaction, version, item, topics, figures, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Statements a backfill tagged with another tagger than <paramref name="version"/> (the rules first, for speed),
    /// waiting for the background refinement, in id order.
    /// </summary>
    public async Task<IReadOnlyList<RetagItem>> NextBackfilledAsync(string version, int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(
            """
            SELECT s.id AS StatementId, s.current_revision AS Revision, r.title AS Title, r.summary AS Summary, r.body AS Body,
                   s.untagged_reason AS UntaggedReason
            FROM statements s
            JOIN statement_revisions r ON r.statement_id = s.id AND r.revision = s.current_revision
            WHERE s.backfill_tags IS NOT NULL AND s.backfill_tags <> @Version
            ORDER BY s.id
            LIMIT @Count
            """,
            new { Version = version, Count = count }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new RetagItem(r.StatementId, (int)r.Revision, r.Title, r.Summary, r.Body) { Untagged = r.UntaggedReason is not null })];
    }

    /// <summary>Backfilled statements still waiting for the refinement with <paramref name="version"/>; those already tagged by it are cleared.</summary>
    public async Task<long> CountBackfilledAsync(string version, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE statements SET backfill_tags = NULL WHERE backfill_tags = @Version", new { Version = version }, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM statements WHERE backfill_tags IS NOT NULL", cancellationToken: cancellationToken));
    }

    /// <summary>Clears a backfilled statement's mark and keeps its rules-first tags (the live tagger failed on its text).</summary>
    public async Task KeepBackfilledAsync(long statementId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE statements SET backfill_tags = NULL WHERE id = @StatementId", new { StatementId = statementId }, cancellationToken: cancellationToken));
    }

    /// <summary>Replaces a backfilled revision's tags with the live tagger's and clears its mark, in one transaction.</summary>
    public async Task RefineBackfilledAsync(string version, RetagItem item, IReadOnlyList<TopicScore> topics, IReadOnlyList<FigureValue> figures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(figures);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ReplaceTagsAsync(connection, transaction, version, item, topics, figures, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE statements SET backfill_tags = NULL WHERE id = @StatementId",
            new { item.StatementId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ReplaceTagsAsync(
        System.Data.Common.DbConnection connection,
        System.Data.Common.DbTransaction transaction,
        string version,
        RetagItem item,
        IReadOnlyList<TopicScore> topics,
        IReadOnlyList<FigureValue> figures,
        CancellationToken cancellationToken)
    {
        var key = new { item.StatementId, item.Revision };
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM statement_topics WHERE statement_id = @StatementId AND revision = @Revision", key, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM statement_figures WHERE statement_id = @StatementId AND revision = @Revision", key, transaction, cancellationToken: cancellationToken));
        foreach (var topic in topics.OrderBy(t => t.TopicId, StringComparer.Ordinal)) // one lock order on the day counts
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO statement_topics (statement_id, revision, topic_id, score, evidence, baseline_version)
                VALUES (@StatementId, @Revision, @TopicId, @Score, @Evidence, @Version)
                """,
                new { item.StatementId, item.Revision, topic.TopicId, topic.Score, Evidence = JsonSerializer.Serialize(topic.Evidence, OutboxStore.Json), Version = version },
                transaction, cancellationToken: cancellationToken));
        }

        foreach (var figure in figures)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO statement_figures (statement_id, revision, figure_id, value, baseline, drift, evidence, field, evidence_start)
                VALUES (@StatementId, @Revision, @FigureId, @Value, @Baseline, @Drift, @Evidence, @Field, @Start)
                """,
                new
                {
                    item.StatementId,
                    item.Revision,
                    figure.FigureId,
                    figure.Value,
                    figure.Baseline,
                    Drift = figure.Drift ? 1 : 0,
                    figure.Evidence,
                    figure.Field,
                    figure.Start,
                },
                transaction, cancellationToken: cancellationToken));
        }

    }

    /// <summary>Marks the run finished (the lease holder found nothing after its checkpoint).</summary>
    public async Task<bool> FinishAsync(string version, string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var finished = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE retag_runs SET finished_at = @Now, lease_owner = NULL, lease_until = 0,
                total = CASE WHEN done > total THEN done ELSE total END
            WHERE baseline_version = @Version AND lease_owner = @Owner AND finished_at IS NULL
            """,
            new { Version = version, Owner = owner, Now = Database.ToDb(now) }, cancellationToken: cancellationToken));
        return finished == 1;
    }

    private static async Task<RetagRun?> ReadAsync(System.Data.Common.DbConnection connection, string version, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            SelectRunSql + " WHERE baseline_version = @Version", new { Version = version }, cancellationToken: cancellationToken));
        return row?.ToRun();
    }

    private sealed class ItemRow
    {
        public long StatementId { get; init; }

        public long Revision { get; init; }

        public string Title { get; init; } = "";

        public string Summary { get; init; } = "";

        public string Body { get; init; } = "";

        public string? UntaggedReason { get; init; }
    }

    private sealed class RunRow
    {
        public string BaselineVersion { get; init; } = "";

        public long Total { get; init; }

        public long Done { get; init; }

        public long StartedAt { get; init; }

        public long? FinishedAt { get; init; }

        public RetagRun ToRun() =>
            new(BaselineVersion, (int)Total, (int)Done, Database.FromDb(StartedAt), Database.FromDb(FinishedAt));
    }
}
