using System.Data.Common;
using System.Reflection;
using Dapper;
using Monitor.Data;
using Monitor.Testing;
using Npgsql;

namespace Monitor.Data.Tests;

/// <summary>
/// What a process asks of PostgreSQL when its connection string does not say: at most
/// <see cref="Database.DefaultMaxPoolSize"/> connections (the server's own limit is shared by every replica), named
/// after the process in pg_stat_activity. A connection string that says otherwise wins.
/// </summary>
public sealed class PostgresConnectionDefaultsTests : IAsyncLifetime
{
    private PostgresDatabase _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task A_process_holds_at_most_the_default_pool_and_the_next_open_waits_then_says_the_pool_is_exhausted()
    {
        // Timeout is how long an open waits for a pooled connection to come back.
        await using var database = Open("Timeout=2");
        var held = await OpenManyAsync(database, Database.DefaultMaxPoolSize);
        try
        {
            var ex = await Assert.ThrowsAnyAsync<NpgsqlException>(() => database.OpenAsync());
            Assert.Contains("pool", ex.Message, StringComparison.OrdinalIgnoreCase);

            // One returned: the next open gets it.
            await held[0].DisposeAsync();
            await using var again = await database.OpenAsync();
            Assert.Equal(1, await again.ExecuteScalarAsync<int>("SELECT 1"));
        }
        finally
        {
            foreach (var connection in held.Skip(1))
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("Maximum Pool Size=3")]
    [InlineData("maxpoolsize=3")]
    public async Task A_pool_size_in_the_connection_string_wins(string setting)
    {
        await using var database = Open($"Timeout=2;{setting}");
        var held = await OpenManyAsync(database, 3);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => database.OpenAsync());
        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }

        // And a larger one is honoured too: more than the default at once.
        await using var large = Open("Maximum Pool Size=25");
        var many = await OpenManyAsync(large, Database.DefaultMaxPoolSize + 5);
        foreach (var connection in many)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connections_carry_the_process_name_unless_the_connection_string_names_one()
    {
        await using (var database = Open(null))
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(Assembly.GetEntryAssembly()!.GetName().Name, await connection.ExecuteScalarAsync<string>("SELECT current_setting('application_name')"));
        }

        await using (var named = Open("Application Name=monitor-reports"))
        await using (var connection = await named.OpenAsync())
        {
            Assert.Equal("monitor-reports", await connection.ExecuteScalarAsync<string>("SELECT current_setting('application_name')"));
        }
    }

    private Database Open(string? extra) => new(new DatabaseOptions
    {
        Provider = DatabaseProvider.Postgres,
        ConnectionString = extra is null ? _postgres.ConnectionString : $"{_postgres.ConnectionString};{extra}",
    });

    private static async Task<List<DbConnection>> OpenManyAsync(Database database, int count)
    {
        var connections = new List<DbConnection>();
        for (var i = 0; i < count; i++)
        {
            connections.Add(await database.OpenAsync());
        }

        return connections;
    }
}
