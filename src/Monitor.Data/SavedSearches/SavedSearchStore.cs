using Dapper;

namespace Monitor.Data.SavedSearches;

/// <summary>A user's named history query: <see cref="Query"/> is the query string of <c>GET /api/statements</c>.</summary>
public sealed record SavedSearch(long Id, long UserId, string Name, string Query, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What became of an add or a rename.</summary>
public enum SavedSearchChange
{
    Done,

    /// <summary>The owner has no such saved search (also when it is another user's).</summary>
    NotFound,

    /// <summary>The owner already has a saved search of that name.</summary>
    NameTaken,

    /// <summary>The owner has the most saved searches allowed.</summary>
    LimitReached,
}

/// <summary>
/// The <c>saved_searches</c> table. Every read and write names the owner, so another user's id finds nothing; the
/// Atom feed finds its saved search by the SHA-256 of the token in its URL, and only while the owner is enabled.
/// </summary>
public sealed class SavedSearchStore(Database database)
{
    private const string Columns = """
        id AS Id, user_id AS UserId, name AS Name, query AS Query, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    /// <summary>
    /// Adds a saved search unless the owner already has <paramref name="maxPerUser"/> or one named
    /// <paramref name="name"/>. The count is checked in the insert itself.
    /// </summary>
    public async Task<(SavedSearchChange Change, long Id)> AddAsync(
        long userId, string name, string query, string feedTokenHash, DateTimeOffset now, int maxPerUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(feedTokenHash);
        await using var connection = await database.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO saved_searches (user_id, name, query, feed_token_hash, created_at, updated_at)
            SELECT @UserId, @Name, @Query, @Hash, @Now, @Now
            WHERE (SELECT COUNT(*) FROM saved_searches WHERE user_id = @UserId) < @Max
            ON CONFLICT DO NOTHING
            RETURNING id
            """, new { UserId = userId, Name = name, Query = query, Hash = feedTokenHash, Now = Database.ToDb(now), Max = maxPerUser },
            cancellationToken: cancellationToken));
        if (id is { } added)
        {
            return (SavedSearchChange.Done, added);
        }

        var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM saved_searches WHERE user_id = @UserId AND name = @Name", new { UserId = userId, Name = name },
            cancellationToken: cancellationToken));
        return (taken > 0 ? SavedSearchChange.NameTaken : SavedSearchChange.LimitReached, 0);
    }

    /// <summary>The owner's saved searches by name (ordinal), then id.</summary>
    public async Task<IReadOnlyList<SavedSearch>> ListAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM saved_searches WHERE user_id = @UserId ORDER BY name, id", new { UserId = userId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id).ToList();
    }

    public async Task<SavedSearch?> GetAsync(long id, long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM saved_searches WHERE id = @Id AND user_id = @UserId", new { Id = id, UserId = userId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>The saved search whose feed token hashes to <paramref name="feedTokenHash"/>, if its owner is enabled.</summary>
    public async Task<SavedSearch?> FindByFeedTokenHashAsync(string feedTokenHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM saved_searches
            WHERE feed_token_hash = @Hash AND EXISTS (SELECT 1 FROM users WHERE users.id = saved_searches.user_id AND NOT users.disabled)
            """, new { Hash = feedTokenHash }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>Renames the owner's saved search, and replaces its query when <paramref name="query"/> is not null.</summary>
    public async Task<SavedSearchChange> UpdateAsync(long id, long userId, string name, string? query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE saved_searches SET name = @Name, query = COALESCE(@Query, query), updated_at = @Now
            WHERE id = @Id AND user_id = @UserId
                AND NOT EXISTS (SELECT 1 FROM saved_searches other WHERE other.user_id = @UserId AND other.name = @Name AND other.id <> @Id)
            """, new { Id = id, UserId = userId, Name = name, Query = query, Now = Database.ToDb(now) }, cancellationToken: cancellationToken));
        if (changed == 1)
        {
            return SavedSearchChange.Done;
        }

        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM saved_searches WHERE id = @Id AND user_id = @UserId", new { Id = id, UserId = userId }, cancellationToken: cancellationToken));
        return exists > 0 ? SavedSearchChange.NameTaken : SavedSearchChange.NotFound;
    }

    /// <returns>False when the owner has no such saved search.</returns>
    public async Task<bool> SetFeedTokenHashAsync(long id, long userId, string feedTokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedTokenHash);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE saved_searches SET feed_token_hash = @Hash, updated_at = @Now WHERE id = @Id AND user_id = @UserId",
            new { Id = id, UserId = userId, Hash = feedTokenHash, Now = Database.ToDb(now) }, cancellationToken: cancellationToken)) == 1;
    }

    /// <returns>False when the owner has no such saved search.</returns>
    public async Task<bool> DeleteAsync(long id, long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM saved_searches WHERE id = @Id AND user_id = @UserId", new { Id = id, UserId = userId }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public long UserId { get; init; }
        public string Name { get; init; } = "";
        public string Query { get; init; } = "";
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }

        public SavedSearch ToRecord() => new(Id, UserId, Name, Query, Database.FromDb(CreatedAt), Database.FromDb(UpdatedAt));
    }
}
