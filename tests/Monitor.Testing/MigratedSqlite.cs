using Monitor.Data;
using Monitor.Data.Migrations;

namespace Monitor.Testing;

/// <summary>
/// A SQLite database file in the temp folder with every migration applied: the store the in-process worker tests run
/// on. Disposing deletes the file and its WAL files.
/// </summary>
public sealed class MigratedSqlite : IDisposable
{
    private readonly TempSqliteFile _file = new();

    private MigratedSqlite() => Database = new Database(new DatabaseOptions { ConnectionString = ConnectionString });

    public Database Database { get; }

    public string Path => _file.Path;

    public string ConnectionString => $"Data Source={_file.Path}";

    public static async Task<MigratedSqlite> CreateAsync()
    {
        var sqlite = new MigratedSqlite();
        try
        {
            await new Migrator(sqlite.Database).MigrateAsync();
            return sqlite;
        }
        catch
        {
            sqlite.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>For an xUnit <c>DisposeAsync</c>: disposes and completes.</summary>
    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }
}
