using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Monitor.Data.Accounts;

/// <summary>
/// The <c>sessions</c> table: one row per signed-in browser. The session id (32 random bytes, hex) lives only in the
/// sign-in cookie; the table keeps its SHA-256. A lookup finds the enabled user of a live session, so a session ends
/// the moment its row goes: at sign-out, at a new password, role or disabled flag (<see cref="UserStore"/> deletes the
/// user's rows in the same transaction), with the user, or after <c>idle</c> without use.
/// </summary>
public sealed class SessionStore(Database database)
{
    private static readonly TimeSpan UseResolution = TimeSpan.FromMinutes(1);

    /// <summary>Starts a session of <paramref name="userId"/>; sessions idle for longer than <paramref name="idle"/> are removed on the way.</summary>
    /// <returns>The session id, to be kept in the cookie only.</returns>
    public async Task<string> CreateAsync(long userId, DateTimeOffset now, TimeSpan idle, CancellationToken cancellationToken = default)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sessions WHERE last_seen_at < @Cutoff", new { Cutoff = Database.ToDb(now - idle) }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at) VALUES (@Hash, @UserId, @Now, @Now)",
            new { Hash = Hash(id), UserId = userId, Now = Database.ToDb(now) }, cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>The enabled user of a live session (used within <paramref name="idle"/>); null when it has ended.</summary>
    public async Task<UserRecord?> FindUserAsync(string sessionId, DateTimeOffset now, TimeSpan idle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserStore.UserRow, SessionUse, (UserStore.UserRow, SessionUse)>(new CommandDefinition("""
            SELECT u.id AS Id, u.user_name AS UserName, u.display_name AS DisplayName, u.email AS Email, u.role AS Role,
                u.password_hash AS PasswordHash, u.external_id AS ExternalId, u.security_stamp AS SecurityStamp,
                u.disabled AS Disabled, u.created_at AS CreatedAt, u.last_sign_in_at AS LastSignInAt,
                s.last_seen_at AS LastSeenAt
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = @Hash AND NOT u.disabled AND s.last_seen_at >= @Cutoff
            """, new { Hash = Hash(sessionId), Cutoff = Database.ToDb(now - idle) }, cancellationToken: cancellationToken),
            (user, use) => (user, use), splitOn: "LastSeenAt");
        if (rows.SingleOrDefault() is not ({ } user, { } use))
        {
            return null;
        }

        var seen = Database.ToDb(now - UseResolution);
        if (use.LastSeenAt < seen)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE sessions SET last_seen_at = @Now WHERE id = @Hash AND last_seen_at < @Seen",
                new { Hash = Hash(sessionId), Now = Database.ToDb(now), Seen = seen }, cancellationToken: cancellationToken));
        }

        return user.ToRecord();
    }

    /// <returns>False when there was no such session.</returns>
    public async Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sessions WHERE id = @Hash", new { Hash = Hash(sessionId) }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Ends every session of the user.</summary>
    /// <returns>How many there were.</returns>
    public async Task<int> DeleteForUserAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sessions WHERE user_id = @UserId", new { UserId = userId }, cancellationToken: cancellationToken));
    }

    public async Task<int> CountForUserAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM sessions WHERE user_id = @UserId", new { UserId = userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Lower-case hex SHA-256 of the session id: what is stored, and what revocation events name.</summary>
    public static string Hash(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)));
    }

    private sealed class SessionUse
    {
        public long LastSeenAt { get; init; }
    }
}
