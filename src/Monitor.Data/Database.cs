using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Monitor.Data;

/// <summary>
/// Opens connections for the configured provider. Every store runs the same SQL on both dialects; only the
/// migration scripts differ. Timestamps are stored as Unix epoch milliseconds (UTC) on both, which keeps the
/// queries identical and sidesteps Dapper's SQLite date handling.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _postgres;

    public Database(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = options.Provider;
        if (Provider == DatabaseProvider.Postgres)
        {
            // Prepared statements save PostgreSQL a parse and plan per command: the stores run the same few SQL texts.
            // No store changes session state, so a pooled connection need not be reset (two round trips) on reuse.
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            }

            builder.ConnectionStringBuilder.NoResetOnClose = true;

            // Every process of the distributed setup has its own pool, and PostgreSQL refuses connections past its
            // max_connections (100 by default): Npgsql's own default of 100 per pool lets two busy workers take them
            // all. A store holds a connection for one short statement or transaction, so 20 keep the server busy; a
            // consumer past them waits for one (up to the connection string's Timeout) instead of failing. The
            // connection string may say otherwise.
            if (!Sets(options.ConnectionString, "maximumpoolsize", "maxpoolsize"))
            {
                builder.ConnectionStringBuilder.MaxPoolSize = DefaultMaxPoolSize;
            }

            // Names the process in pg_stat_activity, so a DBA sees which service holds which connections.
            if (!Sets(options.ConnectionString, "applicationname") && Assembly.GetEntryAssembly()?.GetName().Name is { } process)
            {
                builder.ConnectionStringBuilder.ApplicationName = process;
            }

            _postgres = builder.Build();
            _connectionString = options.ConnectionString;
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
            {
                ForeignKeys = true,
                // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: the busy timeout.
                DefaultTimeout = 30,
                Pooling = true,
            };
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (builder.Mode != SqliteOpenMode.Memory && directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            _connectionString = builder.ToString();
        }
    }

    /// <summary>Connections one process keeps to PostgreSQL at most, unless the connection string sets Maximum Pool Size.</summary>
    public const int DefaultMaxPoolSize = 20;

    private const string BusyTimeoutSql = "PRAGMA busy_timeout = 30000";

    public DatabaseProvider Provider { get; }

    /// <summary>On SQLite, the process's statement writers take turns here, live before backfill (see <see cref="SqliteWriteGate"/>).</summary>
    public SqliteWriteGate WriteGate { get; } = new();

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await OpenPostgresAsync(_postgres, cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // SQLite's own busy handler: a writer that finds the file locked waits inside SQLite, retrying within a few
        // milliseconds, up to the same 30 s. Without it Microsoft.Data.Sqlite retries a locked command only after a
        // sleep of its own, and a writer next to a busy backfill lost the lock again and again.
        await using (var busy = connection.CreateCommand())
        {
            busy.CommandText = BusyTimeoutSql;
            await busy.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    /// <summary>A pooled connection idle this long is checked with a round trip before it is handed out.</summary>
    public static readonly TimeSpan ValidateIdleAfter = TimeSpan.FromSeconds(1);

    // When each physical connection (by backend process id) was last returned to the pool.
    private readonly ConcurrentDictionary<int, long> _returnedAt = new();

    /// <summary>
    /// A PostgreSQL restart (or a terminated backend) breaks every idle pooled connection, and the pool learns it only
    /// when one is used: the first health check answered 503 and the first API call 500. So a connection that has sat
    /// idle for <see cref="ValidateIdleAfter"/> is checked with one round trip first; a broken one is thrown away with
    /// every other idle connection of the pool (they are from before the restart too), and the open is retried once.
    /// A connection in steady use is handed out unchecked, so busy consumers pay nothing.
    /// </summary>
    private async Task<DbConnection> OpenPostgresAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken);
        var processId = connection.ProcessID;
        if (!NeedsCheck(processId))
        {
            return Track(connection);
        }

        try
        {
            await using (var check = new NpgsqlCommand("SELECT 1", connection))
            {
                await check.ExecuteScalarAsync(cancellationToken);
            }

            return Track(connection);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException || IsSessionEnded((PostgresException)ex))
        {
            _returnedAt.TryRemove(processId, out _);
            await connection.DisposeAsync();
            source.Clear();
            return Track(await source.OpenConnectionAsync(cancellationToken));
        }
        catch
        {
            // Cancelled, or an error that says nothing about the connection: it goes back to the pool, not astray.
            await connection.DisposeAsync();
            throw;
        }
    }

    private bool NeedsCheck(int processId) =>
        !_returnedAt.TryGetValue(processId, out var returned) || Stopwatch.GetElapsedTime(returned) >= ValidateIdleAfter;

    private NpgsqlConnection Track(NpgsqlConnection connection)
    {
        var processId = connection.ProcessID;
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed)
            {
                // Backends come and go (idle lifetime, restarts): forget them all now and then; an unknown one is checked.
                if (_returnedAt.Count > 1000)
                {
                    _returnedAt.Clear();
                }

                _returnedAt[processId] = Stopwatch.GetTimestamp();
            }
        };
        return connection;
    }

    /// <summary>
    /// Whether an exception (or one it wraps) says the database is unreachable or briefly unable to serve, rather than
    /// that the statement is wrong: PostgreSQL down, restarting, out of connections, a network error, a timeout, a
    /// busy or locked SQLite file. Such a failure ends when the database is back, however long that takes.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case NpgsqlException { IsTransient: true }:
                case SqliteException { SqliteErrorCode: 5 or 6 }:
                case System.Net.Sockets.SocketException:
                case TimeoutException:
                    return true;
                case PostgresException postgres when IsSessionEnded(postgres):
                    return true;
            }
        }

        return false;
    }

    // 57P01 admin_shutdown (a restart or pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now.
    private static bool IsSessionEnded(PostgresException ex) => ex.SqlState is "57P01" or "57P02" or "57P03";

    /// <summary>
    /// "Is one of the list in parameter <paramref name="parameter"/>": the one place where the dialects differ in the
    /// stores' SQL. Dapper hands a list to Npgsql as one array parameter and expands it for SQLite.
    /// </summary>
    public string InList(string parameter) =>
        Provider == DatabaseProvider.Postgres ? $"= ANY(@{parameter})" : $"IN @{parameter}";

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;

    // Whether a connection string names a keyword, in any of its spellings (case and spaces ignored).
    private static bool Sets(string connectionString, params string[] keywords)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>().Any(key => keywords.Contains(key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()));
    }

    public static long ToDb(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToDb(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromDb(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromDb(long? value) => value is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(value.Value);
}
