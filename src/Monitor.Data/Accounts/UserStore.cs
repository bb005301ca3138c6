using System.Security.Cryptography;
using Dapper;

namespace Monitor.Data.Accounts;

/// <summary>
/// The <c>users</c> table. User names are compared lower-case. Every change that must end the user's sessions (the
/// password, the role, the disabled flag) writes a new security stamp and deletes the user's <c>sessions</c> rows. Changes that could leave no enabled admin are
/// refused inside the same statement; on PostgreSQL the enabled admins' rows are locked first, so two admins demoting
/// each other at once cannot both win (SQLite takes its one write lock for the statement anyway).
/// </summary>
public sealed class UserStore(Database database)
{
    private const string Columns = """
        id AS Id, user_name AS UserName, display_name AS DisplayName, email AS Email, role AS Role,
        password_hash AS PasswordHash, external_id AS ExternalId, security_stamp AS SecurityStamp, disabled AS Disabled,
        created_at AS CreatedAt, last_sign_in_at AS LastSignInAt
        """;

    private const string InsertSql = """
        INSERT INTO users (user_name, display_name, email, role, password_hash, external_id, security_stamp, disabled, created_at)
        VALUES (@UserName, @DisplayName, @Email, @Role, @PasswordHash, @ExternalId, @Stamp, FALSE, @Now)
        ON CONFLICT DO NOTHING
        RETURNING id
        """;

    // Only while no admin exists: of replicas starting together, the one whose insert wins creates the first admin.
    private const string InsertFirstAdminSql = """
        INSERT INTO users (user_name, display_name, email, role, password_hash, external_id, security_stamp, disabled, created_at)
        SELECT @UserName, @DisplayName, NULL, 'admin', @PasswordHash, NULL, @Stamp, FALSE, @Now
        WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
        ON CONFLICT DO NOTHING
        RETURNING id
        """;

    // "Another enabled admin exists": the guard of every change that could remove the last one.
    private const string OtherAdminExists = "EXISTS (SELECT 1 FROM users AS other WHERE other.role = 'admin' AND NOT other.disabled AND other.id <> @Id)";

    private const string UpdateSql = $"""
        UPDATE users SET role = @Role, disabled = @Disabled, email = @Email, display_name = @DisplayName,
            security_stamp = CASE WHEN role <> @Role OR disabled <> @Disabled THEN @Stamp ELSE security_stamp END
        WHERE id = @Id AND ((@Role = 'admin' AND NOT @Disabled) OR role <> 'admin' OR disabled OR {OtherAdminExists})
        """;

    /// <returns>The new user's id, or null when the user name (or external id) is taken.</returns>
    public async Task<long?> CreateAsync(NewUser user, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(InsertSql, new
        {
            UserName = Normalize(user.UserName), user.DisplayName, user.Email, user.Role, user.PasswordHash, user.ExternalId,
            Stamp = NewStamp(), Now = Database.ToDb(now),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Creates the admin <paramref name="userName"/> only when there is no admin at all.</summary>
    /// <returns>Its id, or null when an admin exists (or another process created it first).</returns>
    public async Task<long?> CreateFirstAdminAsync(string userName, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(InsertFirstAdminSql, new
        {
            UserName = Normalize(userName), DisplayName = userName, PasswordHash = passwordHash, Stamp = NewStamp(), Now = Database.ToDb(now),
        }, cancellationToken: cancellationToken));
    }

    public Task<UserRecord?> FindByIdAsync(long id, CancellationToken cancellationToken = default) =>
        SingleAsync($"SELECT {Columns} FROM users WHERE id = @Id", new { Id = id }, cancellationToken);

    public Task<UserRecord?> FindByNameAsync(string userName, CancellationToken cancellationToken = default) =>
        SingleAsync($"SELECT {Columns} FROM users WHERE user_name = @UserName", new { UserName = Normalize(userName) }, cancellationToken);

    /// <param name="externalId"><c>issuer|subject</c>.</param>
    public Task<UserRecord?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken = default) =>
        SingleAsync($"SELECT {Columns} FROM users WHERE external_id = @ExternalId", new { ExternalId = externalId }, cancellationToken);

    public async Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition($"SELECT {Columns} FROM users ORDER BY id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>
    /// Sets role, disabled flag, email and display name (pass the current values for what does not change). A new
    /// role or disabled flag writes a new security stamp.
    /// </summary>
    public async Task<UserChange> UpdateAsync(long id, string role, bool disabled, string? email, string displayName, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await LockAdminsAsync(connection, cancellationToken);
        var stamp = NewStamp();
        var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new
        {
            Id = id, Role = role, Disabled = disabled, Email = email, DisplayName = displayName, Stamp = stamp,
        }, transaction, cancellationToken: cancellationToken));
        if (changed == 1)
        {
            // A new stamp (a new role or disabled flag) ends every session of the user.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM sessions WHERE user_id = @Id AND EXISTS (SELECT 1 FROM users WHERE id = @Id AND security_stamp = @Stamp)",
                new { Id = id, Stamp = stamp }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return changed == 1 ? UserChange.Done : await ExistsAsync(connection, id, cancellationToken) ? UserChange.LastAdmin : UserChange.NotFound;
    }

    /// <summary>Sets the password hash, writes a new security stamp and ends every session of the user.</summary>
    /// <returns>The new stamp, or null when there is no such user.</returns>
    public async Task<string?> SetPasswordAsync(long id, string passwordHash, CancellationToken cancellationToken = default)
    {
        var stamp = NewStamp();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @Hash, security_stamp = @Stamp WHERE id = @Id",
            new { Id = id, Hash = passwordHash, Stamp = stamp }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sessions WHERE user_id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return changed == 1 ? stamp : null;
    }

    /// <summary>Deletes the user with their tokens, subscriptions and alerts, unless they are the last enabled admin.</summary>
    public async Task<UserChange> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await LockAdminsAsync(connection, cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM users WHERE id = @Id AND (role <> 'admin' OR disabled OR {OtherAdminExists})",
            new { Id = id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1 ? UserChange.Done : await ExistsAsync(connection, id, cancellationToken) ? UserChange.LastAdmin : UserChange.NotFound;
    }

    public async Task<int> CountEnabledAdminsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled", cancellationToken: cancellationToken));
    }

    public async Task TouchSignInAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET last_sign_in_at = @Now WHERE id = @Id", new { Id = id, Now = Database.ToDb(now) }, cancellationToken: cancellationToken));
    }

    /// <summary>User names are stored and compared trimmed and lower-case.</summary>
    public static string Normalize(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return userName.Trim().ToLowerInvariant();
    }

    // PostgreSQL (read committed): two updates of different rows do not wait for each other, and each one's EXISTS
    // would still see the other admin. Locking the enabled admins' rows first serialises them; the second then sees
    // the first's change. SQLite has no FOR UPDATE and needs none: a writer holds the database's one write lock.
    private async Task<System.Data.Common.DbTransaction> LockAdminsAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT id FROM users WHERE role = 'admin' AND NOT disabled FOR UPDATE", transaction: transaction, cancellationToken: cancellationToken));
        }

        return transaction;
    }

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task<bool> ExistsAsync(System.Data.Common.DbConnection connection, long id, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM users WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken)) == 1;

    private async Task<UserRecord?> SingleAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    internal sealed class UserRow
    {
        public long Id { get; init; }
        public string UserName { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string Role { get; init; } = "";
        public string? PasswordHash { get; init; }
        public string? ExternalId { get; init; }
        public string SecurityStamp { get; init; } = "";
        public bool Disabled { get; init; }
        public long CreatedAt { get; init; }
        public long? LastSignInAt { get; init; }

        public UserRecord ToRecord() => new()
        {
            Id = Id, UserName = UserName, DisplayName = DisplayName, Email = Email, Role = Role, PasswordHash = PasswordHash,
            ExternalId = ExternalId, SecurityStamp = SecurityStamp, Disabled = Disabled,
            CreatedAt = Database.FromDb(CreatedAt), LastSignInAt = Database.FromDb(LastSignInAt),
        };
    }
}
