using Dapper;
using Monitor.Data.Accounts;
using Monitor.Data.Migrations;
using Monitor.Testing;

namespace Monitor.Data.Tests;

/// <summary>Migration 10 rebuilds SQLite's users table with AUTOINCREMENT: what referred to a user still does.</summary>
public sealed class SqliteUserIdMigrationTests
{
    [Fact]
    public async Task Migrating_a_database_with_users_keeps_their_ids_tokens_and_cascades_and_stops_reusing_ids()
    {
        using var file = new TempSqliteFile();
        await using var database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file.Path}" });
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        // The schema as version 9 left it, with two users and a token of the newest.
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)");
            foreach (var (version, sql) in Migrator.LoadScripts(DatabaseProvider.Sqlite).Where(s => s.Version <= 9))
            {
                await connection.ExecuteAsync(sql);
                await connection.ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (@Version, 0)", new { Version = version });
            }
        }

        var users = new UserStore(database);
        var alice = (await users.CreateAsync(new NewUser("alice", "Alice", null, "viewer", "h"), now))!.Value;
        var bob = (await users.CreateAsync(new NewUser("bob", "Bob", null, "analyst", "h"), now))!.Value;
        var (_, token) = await new ApiTokenStore(database).CreateAsync(bob, "script", null, now);

        var applied = await new Migrator(database).MigrateAsync();

        Assert.Contains(10, applied);
        Assert.Equal(["alice", "bob"], (await users.ListAsync()).Select(u => u.UserName));
        Assert.Equal(bob, (await new ApiTokenStore(database).FindUserAsync(token, now))?.User.Id);
        Assert.Equal(UserChange.Done, await users.DeleteAsync(bob));
        Assert.Null(await new ApiTokenStore(database).FindUserAsync(token, now));
        var carol = (await users.CreateAsync(new NewUser("carol", "Carol", null, "viewer", "h"), now))!.Value;
        Assert.True(carol > bob, $"carol got id {carol}, bob had {bob}");
        Assert.NotEqual(alice, carol);
        await using var check = await database.OpenAsync();
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
    }
}
