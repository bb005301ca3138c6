using System.Data.Common;
using Dapper;
using Monitor.Data.History;

namespace Monitor.Data.Triage;

/// <summary>One user's triage of one statement: read, starred, labels (sorted) and note. No row means none of them.</summary>
public sealed record StatementMark(long StatementId, DateTimeOffset? ReadAt, DateTimeOffset? StarredAt, IReadOnlyList<string> Labels, string? Note)
{
    public static StatementMark None(long statementId) => new(statementId, null, null, [], null);
}

/// <summary>A label of the user's and how many statements carry it.</summary>
public sealed record LabelCount(string Label, long Statements);

/// <summary>What a "mark read up to" did: how many statements became read, and whether more match (capped per call).</summary>
public sealed record MarkReadResult(int Marked, bool More);

/// <summary>
/// Each signed-in user's read state, stars, labels and notes on statements (issue 18). Every query names the user, so
/// one user's marks are never read or changed through another's id. A write to a statement that does not exist
/// changes nothing and answers false (the API's 404).
/// </summary>
public sealed class StatementMarkStore(Database database)
{
    /// <summary>How many statements one "mark read up to" call marks at most; the caller calls again while More.</summary>
    public const int MarkReadCap = 10_000;

    /// <summary>How many statement ids one lookup takes.</summary>
    public const int MaxLookup = 500;

    private readonly HistorySql _sql = new(database);

    // Insert-or-update of one column of the user's row, only when the statement exists (the SELECT finds it).
    private const string UpsertReadSql = """
        INSERT INTO statement_marks (user_id, statement_id, read_at, updated_at)
        SELECT @UserId, s.id, @Value, @Now FROM statements s WHERE s.id = @StatementId
        ON CONFLICT (user_id, statement_id) DO UPDATE SET read_at = CASE WHEN excluded.read_at IS NULL THEN NULL ELSE COALESCE(statement_marks.read_at, excluded.read_at) END, updated_at = excluded.updated_at
        """;

    private const string UpsertStarSql = """
        INSERT INTO statement_marks (user_id, statement_id, starred_at, updated_at)
        SELECT @UserId, s.id, @Value, @Now FROM statements s WHERE s.id = @StatementId
        ON CONFLICT (user_id, statement_id) DO UPDATE SET starred_at = CASE WHEN excluded.starred_at IS NULL THEN NULL ELSE COALESCE(statement_marks.starred_at, excluded.starred_at) END, updated_at = excluded.updated_at
        """;

    private const string UpsertNoteSql = """
        INSERT INTO statement_marks (user_id, statement_id, note, updated_at)
        SELECT @UserId, s.id, @Note, @Now FROM statements s WHERE s.id = @StatementId
        ON CONFLICT (user_id, statement_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at
        """;

    private const string TouchSql = """
        INSERT INTO statement_marks (user_id, statement_id, updated_at)
        SELECT @UserId, s.id, @Now FROM statements s WHERE s.id = @StatementId
        ON CONFLICT (user_id, statement_id) DO UPDATE SET updated_at = excluded.updated_at
        """;

    private const string DeleteLabelsSql = "DELETE FROM statement_labels WHERE user_id = @UserId AND statement_id = @StatementId";

    private const string InsertLabelSql = "INSERT INTO statement_labels (user_id, statement_id, label) VALUES (@UserId, @StatementId, @Label)";

    private const string StatementExistsSql = "SELECT COUNT(*) FROM statements WHERE id = @StatementId";

    private const string LabelsSql = """
        SELECT label AS Label, COUNT(*) AS Statements FROM statement_labels WHERE user_id = @UserId GROUP BY label ORDER BY label
        """;

    /// <summary>The user's marks on the given statements; statements without any are left out.</summary>
    public async Task<IReadOnlyList<StatementMark>> GetManyAsync(long userId, IReadOnlyCollection<long> statementIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statementIds);
        if (statementIds.Count == 0)
        {
            return [];
        }

        if (statementIds.Count > MaxLookup)
        {
            throw new ArgumentException($"At most {MaxLookup} statement ids per lookup.", nameof(statementIds));
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadAsync(connection, userId, statementIds.Distinct().ToArray(), cancellationToken);
    }

    /// <summary>The user's mark on a statement (empty when they have none), or null when there is no such statement.</summary>
    public async Task<StatementMark?> GetAsync(long userId, long statementId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(StatementExistsSql, new { StatementId = statementId }, cancellationToken: cancellationToken)) == 0)
        {
            return null;
        }

        var marks = await ReadAsync(connection, userId, [statementId], cancellationToken);
        return marks.Count == 1 ? marks[0] : StatementMark.None(statementId);
    }

    /// <returns>False when there is no such statement. Marking read again keeps the first time.</returns>
    public Task<bool> SetReadAsync(long userId, long statementId, bool read, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteOneAsync(UpsertReadSql, new { UserId = userId, StatementId = statementId, Value = read ? Database.ToDb(now) : (long?)null, Now = Database.ToDb(now) }, cancellationToken);

    /// <returns>False when there is no such statement. Starring again keeps the first time.</returns>
    public Task<bool> SetStarredAsync(long userId, long statementId, bool starred, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteOneAsync(UpsertStarSql, new { UserId = userId, StatementId = statementId, Value = starred ? Database.ToDb(now) : (long?)null, Now = Database.ToDb(now) }, cancellationToken);

    /// <param name="note">The note, or null (or blank) to remove it; at most <see cref="TriageRules.MaxNoteLength"/> characters.</param>
    /// <returns>False when there is no such statement.</returns>
    public Task<bool> SetNoteAsync(long userId, long statementId, string? note, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var value = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (value is not null && value.Length > TriageRules.MaxNoteLength)
        {
            throw new ArgumentException($"A note has at most {TriageRules.MaxNoteLength} characters.", nameof(note));
        }

        return ExecuteOneAsync(UpsertNoteSql, new { UserId = userId, StatementId = statementId, Note = value, Now = Database.ToDb(now) }, cancellationToken);
    }

    /// <summary>Replaces the user's labels on a statement (an empty list removes them all).</summary>
    /// <param name="labels">Labels as <see cref="TriageRules.NormalizeLabels"/> accepts them.</param>
    /// <returns>False when there is no such statement.</returns>
    public async Task<bool> SetLabelsAsync(long userId, long statementId, IReadOnlyList<string> labels, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var normalized = TriageRules.NormalizeLabels(labels, out var error) ?? throw new ArgumentException(error, nameof(labels));
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var key = new { UserId = userId, StatementId = statementId, Now = Database.ToDb(now) };
        if (await connection.ExecuteAsync(new CommandDefinition(TouchSql, key, transaction, cancellationToken: cancellationToken)) != 1)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(DeleteLabelsSql, key, transaction, cancellationToken: cancellationToken));
        foreach (var label in normalized)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertLabelSql, new { UserId = userId, StatementId = statementId, Label = label }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The user's labels with how many statements carry each, by label.</summary>
    public async Task<IReadOnlyList<LabelCount>> LabelsAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // A row class, not the record: with no rows, Microsoft.Data.Sqlite reports COUNT(*) as a blob and Dapper finds no matching constructor.
        var rows = await connection.QueryAsync<LabelRow>(new CommandDefinition(LabelsSql, new { UserId = userId }, cancellationToken: cancellationToken));
        return rows.Select(r => new LabelCount(r.Label, r.Statements)).ToList();
    }

    /// <summary>A statement's date as the history orders by it (published, else first seen), or null when there is no such statement.</summary>
    public async Task<DateTimeOffset?> SortAtAsync(long statementId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return Database.FromDb(await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT sort_at FROM statements WHERE id = @StatementId", new { StatementId = statementId }, cancellationToken: cancellationToken)));
    }

    /// <summary>
    /// Marks read every statement that matches <paramref name="filter"/> and is dated (sort_at) at or before
    /// <paramref name="upTo"/>, newest first, at most <see cref="MarkReadCap"/> per call: "mark all as read up to here".
    /// Only statements the user has not read are touched, so calling again while <see cref="MarkReadResult.More"/> finishes the rest.
    /// </summary>
    /// <param name="upToId">With <paramref name="upTo"/> a statement's own date: also its id, so statements of the same date listed below it count and those above do not.</param>
    public async Task<MarkReadResult> MarkReadUpToAsync(
        long userId, HistoryFilter filter, DateTimeOffset upTo, long? upToId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var scoped = filter with { Triage = new TriageFilter(userId, UnreadOnly: true, StarredOnly: false, Label: null) };
        var (where, parameters) = _sql.Where(scoped);
        where += upToId is null ? "\n  AND s.sort_at <= @UpTo" : "\n  AND (s.sort_at < @UpTo OR (s.sort_at = @UpTo AND s.id <= @UpToId))";
        parameters.Add("UpTo", Database.ToDb(upTo));
        parameters.Add("UpToId", upToId);
        parameters.Add("Cap", MarkReadCap + 1);
        var select = $"""
            SELECT s.id FROM {_sql.From(scoped)}
            WHERE {where}
            ORDER BY s.sort_at DESC, s.id DESC
            LIMIT @Cap
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(select, parameters, transaction, cancellationToken: cancellationToken))).ToList();
        var more = ids.Count > MarkReadCap;
        if (more)
        {
            ids.RemoveAt(MarkReadCap);
        }

        // In chunks: SQLite expands a list into one parameter each and allows 32,766 of them.
        var marked = 0;
        foreach (var chunk in ids.Chunk(1000))
        {
            marked += await connection.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO statement_marks (user_id, statement_id, read_at, updated_at)
                SELECT @UserId, s.id, @Now, @Now FROM statements s WHERE s.id {database.InList("Ids")}
                ON CONFLICT (user_id, statement_id) DO UPDATE SET read_at = COALESCE(statement_marks.read_at, excluded.read_at), updated_at = excluded.updated_at
                """, new { UserId = userId, Ids = chunk, Now = Database.ToDb(now) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return new MarkReadResult(marked, more);
    }

    private async Task<bool> ExecuteOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)) == 1;
    }

    private async Task<IReadOnlyList<StatementMark>> ReadAsync(DbConnection connection, long userId, long[] ids, CancellationToken cancellationToken)
    {
        var marks = (await connection.QueryAsync<MarkRow>(new CommandDefinition($"""
            SELECT statement_id AS StatementId, read_at AS ReadAt, starred_at AS StarredAt, note AS Note
            FROM statement_marks WHERE user_id = @UserId AND statement_id {database.InList("Ids")}
            """, new { UserId = userId, Ids = ids }, cancellationToken: cancellationToken))).ToDictionary(m => m.StatementId);
        var labels = (await connection.QueryAsync<(long StatementId, string Label)>(new CommandDefinition($"""
            SELECT statement_id, label FROM statement_labels WHERE user_id = @UserId AND statement_id {database.InList("Ids")} ORDER BY statement_id, label
            """, new { UserId = userId, Ids = ids }, cancellationToken: cancellationToken))).ToLookup(l => l.StatementId, l => l.Label);
        var result = new List<StatementMark>();
        foreach (var id in ids.Order())
        {
            var row = marks.GetValueOrDefault(id);
            var mark = new StatementMark(id, Database.FromDb(row?.ReadAt), Database.FromDb(row?.StarredAt), labels[id].ToList(), row?.Note);
            if (mark.ReadAt is not null || mark.StarredAt is not null || mark.Labels.Count > 0 || mark.Note is not null)
            {
                result.Add(mark);
            }
        }

        return result;
    }

    private sealed class LabelRow
    {
        public string Label { get; init; } = "";

        public long Statements { get; init; }
    }

    private sealed class MarkRow
    {
        public long StatementId { get; init; }

        public long? ReadAt { get; init; }

        public long? StarredAt { get; init; }

        public string? Note { get; init; }
    }
}
