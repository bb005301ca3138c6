using System.Globalization;
using Monitor.Testing;
using Npgsql;

namespace Monitor.LoadTest;

/// <summary>
/// CPU time per process from /proc (user + system), to say where a run's time goes: each Monitor process, the
/// PostgreSQL backends serving this run's database, the load tool itself, and RabbitMQ (one broker for the whole
/// machine, so its figure includes whatever else used it).
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<MonitorProcess> processes, string postgres, string database)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private const string PostgresPrefix = "postgres backend ";

    public async Task<Dictionary<string, double>> SnapshotAsync()
    {
        var seconds = new Dictionary<string, double>();
        var seen = new Dictionary<string, int>();
        foreach (var process in processes)
        {
            var name = process.Name;
            seen[name] = seen.GetValueOrDefault(name) + 1;
            if (seen[name] > 1)
            {
                name = $"{name} #{seen[name]}";
            }

            seconds[name] = process.ProcessId is { } pid ? Read(pid) : 0;
        }

        seconds["load tool"] = Read(Environment.ProcessId);
        // Per backend: one that exits between two snapshots takes its CPU with it, and must not count as negative.
        foreach (var pid in await BackendsAsync())
        {
            seconds[$"{PostgresPrefix}{pid}"] = Read(pid);
        }

        seconds["RabbitMQ (whole broker)"] = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Comm(pid) == "beam.smp").Sum(Read);
        return seconds;
    }

    /// <summary>CPU milliseconds per statement of each process between two snapshots, busiest first.</summary>
    public static string Report(Dictionary<string, double> before, Dictionary<string, double> after, int statements, TimeSpan wall)
    {
        var perStatement = 1000.0 / Math.Max(1, statements);
        var postgres = after.Where(a => a.Key.StartsWith(PostgresPrefix, StringComparison.Ordinal))
            .Sum(a => Math.Max(0, a.Value - before.GetValueOrDefault(a.Key)));
        var rows = after.Where(a => !a.Key.StartsWith(PostgresPrefix, StringComparison.Ordinal))
            .Select(a => (Key: a.Key, Ms: (a.Value - before.GetValueOrDefault(a.Key)) * perStatement))
            .Append((Key: "PostgreSQL (this database's backends)", Ms: postgres * perStatement))
            .OrderByDescending(r => r.Ms).ToList();
        var monitor = rows.Where(r => !r.Key.StartsWith("RabbitMQ", StringComparison.Ordinal) && r.Key != "load tool").Sum(r => r.Ms);
        return string.Join("\n", rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"  {r.Key}: {r.Ms:0.00} ms")))
               + string.Create(CultureInfo.InvariantCulture,
                   $"\n  Monitor's processes and PostgreSQL together: {monitor:0.00} ms of CPU per statement; wall {wall.TotalSeconds:0.0} s, {Environment.ProcessorCount} cores");
    }

    private async Task<List<int>> BackendsAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = @db", connection);
            command.Parameters.AddWithValue("db", database);
            var pids = new List<int>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }

            return pids;
        }
        catch (NpgsqlException)
        {
            return [];
        }
    }

    private static string Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    // Fields 14 and 15 of /proc/PID/stat (after the parenthesised command name): utime and stime in clock ticks.
    private static double Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
