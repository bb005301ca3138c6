using Monitor.Data;
using Monitor.Data.Migrations;
using Npgsql;

namespace Monitor.Testing;

/// <summary>A fresh, empty PostgreSQL database for one test class, dropped afterwards.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private PostgresDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>A fresh database with every migration applied.</summary>
    public static async Task<PostgresDatabase> CreateMigratedAsync()
    {
        var database = await CreateAsync();
        try
        {
            await new Migrator(new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString })).MigrateAsync();
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var name = $"monitor_test_{Guid.NewGuid():N}";
        try
        {
            await using var admin = new NpgsqlConnection(TestServices.PostgresAdmin);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(TestServices.Unavailable("PostgreSQL", ex), ex);
        }

        var builder = new NpgsqlConnectionStringBuilder(TestServices.PostgresAdmin) { Database = name };
        return new PostgresDatabase(name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestServices.PostgresAdmin);
        await admin.OpenAsync();

        // FORCE ends the test's own sessions, but not an autovacuum worker that PostgreSQL may have started on the
        // database (42501: only a superuser may end it); it finishes within moments, so try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }
}
