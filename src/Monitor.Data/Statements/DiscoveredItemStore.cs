using Dapper;

namespace Monitor.Data.Statements;

/// <summary>Ingestion's memory: the content hash last published for each item of a source.</summary>
public sealed class DiscoveredItemStore(Database database)
{
    // Well under SQLite's and PostgreSQL's parameter limits.
    private const int ChunkSize = 500;

    private readonly string _selectSql = $"""
        SELECT external_id AS ExternalId, content_hash AS ContentHash
        FROM discovered_items WHERE source_id = @SourceId AND external_id {database.InList("ExternalIds")}
        """;

    private const string UpsertSql = """
        INSERT INTO discovered_items (source_id, external_id, content_hash, discovered_at)
        VALUES (@SourceId, @ExternalId, @ContentHash, @DiscoveredAt)
        ON CONFLICT (source_id, external_id) DO UPDATE SET content_hash = excluded.content_hash, discovered_at = excluded.discovered_at
        """;

    public async Task<IReadOnlyDictionary<string, string>> GetHashesAsync(string sourceId, IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in externalIds.Distinct().Chunk(ChunkSize))
        {
            var rows = await connection.QueryAsync<(string ExternalId, string ContentHash)>(new CommandDefinition(_selectSql, new { SourceId = sourceId, ExternalIds = chunk }, cancellationToken: cancellationToken));
            foreach (var (externalId, contentHash) in rows)
            {
                result[externalId] = contentHash;
            }
        }

        return result;
    }

    public async Task MarkDiscoveredAsync(string sourceId, IEnumerable<(string ExternalId, string ContentHash)> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (externalId, contentHash) in items)
        {
            await connection.ExecuteAsync(UpsertSql, new { SourceId = sourceId, ExternalId = externalId, ContentHash = contentHash, DiscoveredAt = Database.ToDb(now) }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
