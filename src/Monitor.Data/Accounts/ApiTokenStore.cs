using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Monitor.Data.Accounts;

/// <summary>An API token as its owner sees it: never the token itself, which is shown once at creation.</summary>
public sealed record ApiTokenRecord(long Id, long UserId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// The <c>api_tokens</c> table. A token is <c>mon_</c> + 32 random bytes in base64url; only its SHA-256 (hex) and
/// its first <see cref="PrefixLength"/> characters are kept. A lookup skips expired tokens and disabled users, and
/// writes <c>last_used_at</c> at most once a minute per token.
/// </summary>
public sealed class ApiTokenStore(Database database)
{
    public const string TokenPrefix = "mon_";
    public const int PrefixLength = 12;
    private static readonly TimeSpan UseResolution = TimeSpan.FromMinutes(1);

    private const string Columns = """
        id AS Id, user_id AS UserId, name AS Name, prefix AS Prefix, created_at AS CreatedAt, expires_at AS ExpiresAt, last_used_at AS LastUsedAt
        """;

    /// <returns>The stored token and the token itself, which exists nowhere else.</returns>
    public async Task<(ApiTokenRecord Record, string Token)> CreateAsync(long userId, string name, DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var token = TokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var prefix = token[..PrefixLength];
        await using var connection = await database.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
            VALUES (@UserId, @Name, @Prefix, @Hash, @Now, @ExpiresAt)
            RETURNING id
            """, new { UserId = userId, Name = name, Prefix = prefix, Hash = Hash(token), Now = Database.ToDb(now), ExpiresAt = Database.ToDb(expiresAt) },
            cancellationToken: cancellationToken));
        // As read back: to the millisecond.
        return (new ApiTokenRecord(id, userId, name, prefix, Database.FromDb(Database.ToDb(now)), Database.FromDb(Database.ToDb(expiresAt)), null), token);
    }

    /// <summary>The enabled user a valid, unexpired token belongs to, with the token's id; null otherwise.</summary>
    public async Task<(UserRecord User, long TokenId)?> FindUserAsync(string token, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserStore.UserRow, TokenUse, (UserStore.UserRow, TokenUse)>(new CommandDefinition("""
            SELECT u.id AS Id, u.user_name AS UserName, u.display_name AS DisplayName, u.email AS Email, u.role AS Role,
                u.password_hash AS PasswordHash, u.external_id AS ExternalId, u.security_stamp AS SecurityStamp,
                u.disabled AS Disabled, u.created_at AS CreatedAt, u.last_sign_in_at AS LastSignInAt,
                t.id AS TokenId, t.last_used_at AS LastUsedAt
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @Hash AND NOT u.disabled AND (t.expires_at IS NULL OR t.expires_at > @Now)
            """, new { Hash = Hash(token), Now = Database.ToDb(now) }, cancellationToken: cancellationToken),
            (user, use) => (user, use), splitOn: "TokenId");
        if (rows.SingleOrDefault() is not ({ } user, { } tokenUse))
        {
            return null;
        }

        var cutoff = Database.ToDb(now - UseResolution);
        if (tokenUse.LastUsedAt is null || tokenUse.LastUsedAt < cutoff)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_tokens SET last_used_at = @Now WHERE id = @Id AND (last_used_at IS NULL OR last_used_at < @Cutoff)",
                new { Id = tokenUse.TokenId, Now = Database.ToDb(now), Cutoff = cutoff }, cancellationToken: cancellationToken));
        }

        return (user.ToRecord(), tokenUse.TokenId);
    }

    /// <summary>The enabled user of the unexpired token <paramref name="tokenId"/>; null when it is deleted or expired, or its user disabled.</summary>
    public async Task<UserRecord?> FindUserByTokenIdAsync(long tokenId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserStore.UserRow>(new CommandDefinition("""
            SELECT u.id AS Id, u.user_name AS UserName, u.display_name AS DisplayName, u.email AS Email, u.role AS Role,
                u.password_hash AS PasswordHash, u.external_id AS ExternalId, u.security_stamp AS SecurityStamp,
                u.disabled AS Disabled, u.created_at AS CreatedAt, u.last_sign_in_at AS LastSignInAt
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.id = @Id AND NOT u.disabled AND (t.expires_at IS NULL OR t.expires_at > @Now)
            """, new { Id = tokenId, Now = Database.ToDb(now) }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition(
            $"SELECT {Columns} FROM api_tokens WHERE user_id = @UserId ORDER BY id", new { UserId = userId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <returns>False when the owner has no such token (also when it is another user's).</returns>
    public async Task<bool> DeleteAsync(long id, long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM api_tokens WHERE id = @Id AND user_id = @UserId", new { Id = id, UserId = userId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes: what is stored and looked up.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private sealed class TokenUse
    {
        public long TokenId { get; init; }
        public long? LastUsedAt { get; init; }
    }

    private sealed class TokenRow
    {
        public long Id { get; init; }
        public long UserId { get; init; }
        public string Name { get; init; } = "";
        public string Prefix { get; init; } = "";
        public long CreatedAt { get; init; }
        public long? ExpiresAt { get; init; }
        public long? LastUsedAt { get; init; }

        public ApiTokenRecord ToRecord() => new(Id, UserId, Name, Prefix, Database.FromDb(CreatedAt), Database.FromDb(ExpiresAt), Database.FromDb(LastUsedAt));
    }
}
