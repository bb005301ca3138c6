using System.Data.Common;
using Dapper;
using Monitor.Data;
using Monitor.Testing;
using Npgsql;

namespace Monitor.Data.Tests;

/// <summary>
/// A PostgreSQL restart breaks every idle pooled connection; the pool does not know until one is used. Opening a
/// connection must hand out a working one, not the broken one (the first /health/ready answered 503 and the first API
/// call 500). The restart is reproduced by ending this test database's sessions with pg_terminate_backend, which is
/// what a restart does to them, without touching the shared server.
/// </summary>
public sealed class PostgresBrokenConnectionTests : IAsyncLifetime
{
    private PostgresDatabase _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task Idle_pooled_connections_ended_by_the_server_are_replaced_when_opened()
    {
        await using var database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _postgres.ConnectionString });
        await FillPoolAsync(database, 3);
        Assert.Equal(3, await TerminateSessionsAsync());
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // Every one of the three idle pooled connections is broken now; each open must still work.
        for (var i = 0; i < 3; i++)
        {
            await using var connection = await database.OpenAsync();
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT 1"));
        }

        // And at once, as requests after a restart come.
        await FillPoolAsync(database, 3);
        Assert.Equal(3, await TerminateSessionsAsync());
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            await using var connection = await database.OpenAsync();
            return await connection.ExecuteScalarAsync<int>("SELECT 1");
        }));
        Assert.All(answers, answer => Assert.Equal(1, answer));
    }

    private static async Task FillPoolAsync(Database database, int count)
    {
        var held = new List<DbConnection>();
        for (var i = 0; i < count; i++)
        {
            var connection = await database.OpenAsync();
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT 1"));
            held.Add(connection);
        }

        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<int> TerminateSessionsAsync()
    {
        await using var admin = new NpgsqlConnection(TestServices.PostgresAdmin);
        await admin.OpenAsync();
        return await admin.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @Name AND pid <> pg_backend_pid()) ended",
            new { _postgres.Name });
    }
}
