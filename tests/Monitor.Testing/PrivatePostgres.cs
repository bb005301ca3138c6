using Npgsql;

namespace Monitor.Testing;

/// <summary>
/// A PostgreSQL cluster of a test's own (initdb into a temporary directory, a free port on 127.0.0.1), so the test can
/// stop and start it without touching the shared server on 5432 that other tests use. Run by the <c>postgres</c> OS
/// user when the tests run as root (PostgreSQL refuses root), by the current user otherwise. Disposing stops it and
/// deletes its directory.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private readonly string _root;
    private readonly string _bin;

    private PrivatePostgres(string root, string bin, int port)
    {
        _root = root;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "postgres.log");

    /// <summary>The <c>monitor</c> database as the <c>monitor</c> superuser (trust authentication on 127.0.0.1).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=monitor;Password=monitor;Database=monitor;SSL Mode=Disable";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = FindBinaries();
        var root = Directory.CreateTempSubdirectory("monitor-pg-").FullName;
        var postgres = new PrivatePostgres(root, bin, MonitorProcess.FreePort());
        try
        {
            if (ServiceCommand.IsRoot)
            {
                await ServiceCommand.RunCheckedAsync("chown", [$"{OsUser}:", root], TimeSpan.FromSeconds(10));
            }

            await postgres.PgAsync("initdb", ["-D", postgres.DataDirectory, "-U", "monitor", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], TimeSpan.FromSeconds(120));
            await postgres.StartAgainAsync();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE monitor", admin);
            await create.ExecuteNonQueryAsync();
            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped cluster (same data, same port) and waits until it takes connections.</summary>
    public async Task StartAgainAsync()
    {
        // Durability is not under test here (a clean stop flushes); fsync off keeps the test quick on a shared disk.
        var options = $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await PgAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options], TimeSpan.FromSeconds(90));
    }

    /// <summary>Stops the cluster: "fast" ends every session at once, as a restart or a crash of the server does to its clients.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], TimeSpan.FromSeconds(90));

    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await ServiceCommand.RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], TimeSpan.FromSeconds(40), OsUser);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a process on its way out: the temporary directory is left behind.
        }
    }

    private Task<string> PgAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout) =>
        ServiceCommand.RunCheckedAsync(Path.Combine(_bin, tool), arguments, timeout, OsUser);

    private static string FindBinaries()
    {
        const string lib = "/usr/lib/postgresql";
        var bin = Directory.Exists(lib)
            ? Directory.GetDirectories(lib).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).LastOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: run the tests through scripts/test.sh, which installs them.");
    }
}
