using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Dapper;
using Monitor.Contracts;
using Monitor.Data.Statements;

namespace Monitor.Data.History;

/// <summary>
/// Where a catch-up page ended: the stored time (Unix ms) and id of its last statement, opaque to clients
/// (base64url). The next page starts strictly after it, so equal stored times neither repeat nor skip a row.
/// </summary>
public sealed record LiveCursor(long StoredAt, long Id)
{
    private const string Invalid = "The cursor is not one this API handed out; pass the X-Next-Cursor value back unchanged.";

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"s:{StoredAt}:{Id}")));

    /// <exception cref="FormatException">The text is not a catch-up cursor this API handed out.</exception>
    public static LiveCursor Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string raw;
        try
        {
            raw = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            throw new FormatException(Invalid);
        }

        var parts = raw.Split(':');
        if (parts.Length != 3 || parts[0] != "s"
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var storedAt)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new FormatException(Invalid);
        }

        return new LiveCursor(storedAt, id);
    }
}

/// <summary>The live view's catch-up: statements whose current revision was stored at or after a moment.</summary>
public sealed partial class HistoryStore
{
    // statements.updated_at is the stored_at of the current revision (both are set to the same "now" in the
    // transaction that stores it), so ix_statements_latest (updated_at DESC, id DESC), read backwards, walks exactly
    // this order from @After on. A statement a backfill stored (and nothing revised since) is history, never news. The revision row gives DiscoveredAt as the pushed StatementStored has it.
    private const string StoredSinceSql = """
        SELECT s.id AS StatementId, s.current_revision AS Revision, s.source_id AS SourceId, s.external_id AS ExternalId,
               s.url AS Url, s.title AS Title, s.summary AS Summary, s.published_at AS PublishedAt,
               s.document_type AS DocumentType, s.language AS Language, r.discovered_at AS DiscoveredAt,
               s.updated_at AS StoredAt
        FROM statements s
        JOIN statement_revisions r ON r.statement_id = s.id AND r.revision = s.current_revision
        WHERE s.updated_at >= @After
          AND (s.backfill_revision IS NULL OR s.backfill_revision <> s.current_revision)
        """;

    /// <summary>
    /// Statements whose current revision was stored at or after <paramref name="after"/>, oldest first by
    /// (stored at, statement id), in the shape the hub pushes (<see cref="StatementStored"/>): a client that saw
    /// the push of revision 2 and then asks here gets revision 2 again, so it drops repeats by (id, revision).
    /// A statement revised after the page was read comes again on a later page with its new revision.
    /// </summary>
    public async Task<HistoryPage<StatementStored>> StoredSinceAsync(
        DateTimeOffset after, int limit, LiveCursor? cursor, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var parameters = new DynamicParameters();
        parameters.Add("After", Database.ToDb(after));
        parameters.Add("Limit", limit + 1);
        var sql = StoredSinceSql;
        if (cursor is not null)
        {
            sql += "\n  AND (s.updated_at, s.id) > (@CursorAt, @CursorId)";
            parameters.Add("CursorAt", cursor.StoredAt);
            parameters.Add("CursorId", cursor.Id);
        }

        sql = CurrentTags.WithEvents(sql + "\nORDER BY s.updated_at, s.id\nLIMIT @Limit", "q.StoredAt, q.StatementId");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<StatementRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = new LiveCursor(rows[^1].StoredAt, rows[^1].StatementId).Encode();
        }

        return new HistoryPage<StatementStored>(await WithTopicsAsync(connection, rows, cancellationToken), next);
    }
}
