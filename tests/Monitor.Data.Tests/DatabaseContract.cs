using Monitor.Data;
using Monitor.Data.Migrations;
using Monitor.Testing;

namespace Monitor.Data.Tests;

/// <summary>The stores Monitor supports; every contract suite runs once per store.</summary>
public enum Store
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A contract suite's set-up: each test gets a fresh, migrated database of the given store, dropped afterwards.
/// A suite derives from this and states what every store must do; one sealed class per store runs it.
/// </summary>
public abstract class DatabaseContract(Store store) : IAsyncLifetime
{
    private TempSqliteFile? _sqlite;
    private PostgresDatabase? _postgres;

    protected Database Database { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        DatabaseOptions options;
        if (store == Store.Sqlite)
        {
            _sqlite = new TempSqliteFile();
            options = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={_sqlite.Path}" };
        }
        else
        {
            _postgres = await PostgresDatabase.CreateAsync();
            options = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _postgres.ConnectionString };
        }

        Database = new Database(options);
        await new Migrator(Database).MigrateAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
