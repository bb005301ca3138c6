using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Monitor.FeedSimulator;
using Monitor.Testing;

// The backfill benchmark: N archive items served by the feed simulator on 127.0.0.1 (NATO search JSON 40%, EP Open Data
// JSON-LD 40%, Think Tank RSS 10%, an RFC 5005 Atom archive 10%), backfilled from an empty database to searchable
// history through the admin API, embedded (one process, SQLite) or distributed (five processes, RabbitMQ and
// PostgreSQL). Prints the wall time, items/s, and the CPU time of each process; then, when the live tagger is the
// hybrid, follows the background refinement of the rules-first backfill tags for --refine-minutes.
//
//   dotnet build Monitor.sln -c Release
//   dotnet run -c Release --no-build --project tests/Monitor.BackfillBenchmark -- embedded [--items 100000] [--semantic on|off] [--refine-minutes 5]
//   dotnet run -c Release --no-build --project tests/Monitor.BackfillBenchmark -- distributed [...] [--set Key=Value ...]
var mode = args.FirstOrDefault() ?? "embedded";
if (mode is not ("embedded" or "distributed"))
{
    Console.Error.WriteLine("usage: embedded|distributed [--items N] [--rate REQUESTS_PER_S] [--semantic on|off] [--refine-minutes M]");
    return 2;
}

var items = IntArg("--items", 100_000);
var rate = IntArg("--rate", 2_000);
var semantic = (Arg("--semantic") ?? "on") == "on";
var refineMinutes = IntArg("--refine-minutes", 0);
Console.WriteLine($"EP Open Data limit of 500 requests per 5 minutes: {(Arg("--ep-limit") == "on" ? "in force" : "lifted (--ep-limit on keeps it)")}");
var archive = new ArchiveOptions
{
    NatoItems = items * 4 / 10,
    EpApiItems = items * 4 / 10,
    ThinkTankItems = items / 10,
    AtomItems = items - (items * 4 / 10 * 2) - (items / 10),
};
Console.WriteLine($"Backfill benchmark, {mode}: {archive.Total:N0} archive items (NATO {archive.NatoItems:N0}, EP API {archive.EpApiItems:N0}, Think Tank {archive.ThinkTankItems:N0}, Atom {archive.AtomItems:N0}), "
    + $"{archive.Start:yyyy-MM-dd} to {archive.End:yyyy-MM-dd}; semantic layer {(semantic ? "on (backfill tags with the rules, refined later)" : "off")}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:u}");

await using var simulator = await FeedSimulator.StartAsync(new FeedSimulatorOptions { Archive = archive });
var site = simulator.BaseAddress;

// Live news beside the backfill: one new statement a second on an RSS feed polled every second, timed from discovery
// to a SignalR client of the dashboard (the issue's "live before history": p99 under 1 s while the backfill runs).
var live = simulator.AddFeed("live-news", FeedShape.Rss, initialItems: 0);
var sources = new (string Id, string Adapter, string Url)[]
{
    ("nato-archive", "nato-json", new Uri(site, "archive/nato/news/search.json?searchText=&sortBy=dateDesc&pageSize=50&page=1").ToString()),
    ("ep-archive", "ep-api", new Uri(site, "archive/ep/api/v2/adopted-texts/feed").ToString()),
    ("thinktank-archive", "ep-thinktank", new Uri(site, "archive/thinktank/rss?startDate=01/11/2026").ToString()),
    ("atom-archive", "rss", new Uri(site, "archive/atom/0.xml").ToString()),
    ("live-news", "rss", live.Url.ToString()),
};
var settings = new Dictionary<string, string>
{
    ["Ingestion__UseDefaultSources"] = "false",
    ["Ingestion__AllowedNetworks__0"] = Topology.TestFeedNetwork,
    // The EP API's 500 requests per 5 minutes is the real site's limit, not the simulator's: lifted unless --ep-limit on
    // (a list setting cannot be emptied from configuration, so the permits are raised instead).
    ["Ingestion__RateLimitPermits"] = Arg("--ep-limit") == "on" ? "500" : "1000000",
    ["Backfill__RequestsPerSecondPerHost"] = rate.ToString(CultureInfo.InvariantCulture),
    ["Backfill__MaxConcurrentJobs"] = "4",
    ["Backfill__MaxPagesInFlight"] = "20",
    ["Backfill__Tick"] = "00:00:00.500",
    ["Tagging__Semantic__Enabled"] = semantic ? "true" : "false",
    ["Serilog__MinimumLevel__Default"] = "Warning",
};
// --set Key=Value (repeatable): any other setting for every process, e.g. --set Messaging__BackfillConcurrentMessageLimit=8.
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
    {
        settings[key] = value;
        Console.WriteLine($"  setting {key}={value}");
    }
}

for (var i = 0; i < sources.Length; i++)
{
    settings[$"Ingestion__Sources__{i}__Id"] = sources[i].Id;
    settings[$"Ingestion__Sources__{i}__Url"] = sources[i].Url;
    settings[$"Ingestion__Sources__{i}__Adapter"] = sources[i].Adapter;
    settings[$"Ingestion__Sources__{i}__PollIntervalSeconds"] = sources[i].Id == "live-news" ? "1" : "86400";
}

var processes = new List<MonitorProcess>();
DistributedTopology? topology = null;
TempSqliteFile? sqlite = null;
Monitor.Data.Database database;
MonitorProcess dashboard;
if (mode == "distributed")
{
    topology = await DistributedTopology.CreateAsync();
    var env = new Dictionary<string, string>(settings);
    dashboard = topology.Create(Topology.Dashboard, env);
    processes.Add(dashboard);
    processes.AddRange(Topology.Workers.Select(worker => topology.Create(worker, env)));
    database = topology.OpenDatabase();
}
else
{
    sqlite = new TempSqliteFile();
    settings["Database__ConnectionString"] = $"Data Source={sqlite.Path}";
    dashboard = MonitorProcess.Create(Topology.Dashboard, settings);
    processes.Add(dashboard);
    database = TestAccounts.Sqlite(sqlite.Path);
}

try
{
    await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(180))));
    using var admin = await TestAccounts.AdminClientAsync(database, dashboard.BaseAddress, "bench-admin");
    var cpuBefore = processes.ToDictionary(p => p.Name, Cpu);
    var serverBefore = await ServerCpuAsync();
    var wall = Stopwatch.StartNew();
    await using var client = await LiveClient.ConnectAsync(dashboard.BaseAddress);
    using var liveNews = new CancellationTokenSource();
    var publishing = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(liveNews.Token).ConfigureAwait(false))
        {
            simulator.Publish(live.Id);
        }
    });
    foreach (var source in sources.Where(source => source.Id != "live-news"))
    {
        using var response = await admin.PostAsJsonAsync("/api/admin/backfills", new { sourceId = source.Id, since = "2022-01-01", until = archive.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        response.EnsureSuccessStatusCode();
    }

    long stored = 0;
    var lastPrint = Stopwatch.StartNew();
    while (true)
    {
        var jobs = await admin.GetFromJsonAsync<JsonElement[]>("/api/admin/backfills") ?? [];
        stored = await CountAsync(database, "SELECT COUNT(*) FROM statements WHERE source_id <> 'live-news'");
        var done = jobs.All(j => j.GetProperty("state").GetString() == "done");
        if (lastPrint.Elapsed > TimeSpan.FromSeconds(15) || (done && stored >= archive.Total))
        {
            Console.WriteLine($"  {wall.Elapsed:mm\\:ss} stored {stored:N0} of {archive.Total:N0}; " + string.Join(", ", jobs.Select(j =>
                $"{j.GetProperty("sourceId").GetString()} {j.GetProperty("state").GetString()} {j.GetProperty("pages").GetInt32()} pages"
                + (j.TryGetProperty("etaSeconds", out var eta) && eta.ValueKind == JsonValueKind.Number ? $" ETA {eta.GetDouble():0} s" : ""))));
            lastPrint.Restart();
        }

        if (done && stored >= archive.Total)
        {
            break;
        }

        if (jobs.Any(j => j.GetProperty("state").GetString() is "failed" or "cancelled"))
        {
            throw new InvalidOperationException("A backfill failed: " + string.Join("; ", jobs.Select(j => j.GetRawText())));
        }

        if (wall.Elapsed > TimeSpan.FromMinutes(60))
        {
            throw new TimeoutException($"Not done after 60 minutes: {stored:N0} stored");
        }

        await Task.Delay(500);
    }

    var elapsed = wall.Elapsed;
    // Live statements already in an event when the walk ends (the clustering places live ones while a backfill walks).
    var liveClustered = semantic
        ? await CountAsync(database, "SELECT COUNT(*) FROM statements s JOIN event_members m ON m.statement_id = s.id WHERE s.source_id = 'live-news'")
        : 0;
    var liveStored = await CountAsync(database, "SELECT COUNT(*) FROM statements WHERE source_id = 'live-news'");
    await liveNews.CancelAsync();
    try
    {
        await publishing;
    }
    catch (OperationCanceledException)
    {
    }

    // Discovery to the client, for the live statements published while the backfill ran (those still in flight at its
    // end are given 5 s to arrive).
    await Task.Delay(TimeSpan.FromSeconds(5));
    var pushed = client.Statements.ToArray();
    var latencies = pushed.Where(p => p.Statement.SourceId == "live-news").Select(p => (p.ReceivedAt - p.Statement.DiscoveredAt).TotalMilliseconds).Order().ToArray();
    var history = pushed.Count(p => p.Statement.SourceId != "live-news");
    var pushedIds = pushed.Where(p => p.Statement.SourceId != "live-news").Select(p => p.Statement.StatementId).Distinct().ToArray();
    long pushedBackfilled;
    await using (var connection = await database.OpenAsync())
    {
        pushedBackfilled = pushedIds.Length == 0 ? 0 : await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM statements WHERE backfill_revision IS NOT NULL AND id {database.InList("Ids")}", new { Ids = pushedIds });
    }
    var cpuAfter = processes.ToDictionary(p => p.Name, Cpu);
    var serverAfter = await ServerCpuAsync();

    // Searchable history with original dates: a full-text search, a month of 2022, the earliest first mention.
    var search = await CountHeaderAsync(admin, "/api/statements?q=sanctions&count=true&limit=1");
    var january = await CountHeaderAsync(admin, "/api/statements?from=2022-01-01&to=2022-02-01&count=true&limit=1");
    var mentions = await admin.GetFromJsonAsync<JsonElement>("/api/statements/first-mentions");
    var firstMention = mentions.ValueKind == JsonValueKind.Array
        ? mentions.EnumerateArray().Select(m => m.TryGetProperty("at", out var p) ? p.GetString() : null).Where(p => p is not null).Min()
        : null;
    var pending = await CountAsync(database, "SELECT COUNT(*) FROM statements WHERE backfill_tags IS NOT NULL");

    Console.WriteLine();
    Console.WriteLine($"| setup | items | stored | wall time | items/s | full-text 'sanctions' | January 2022 | earliest first mention | tags waiting for refinement |");
    Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|---|---:|");
    Console.WriteLine($"| {mode} | {archive.Total:N0} | {stored:N0} | {elapsed:m\\:ss} | {stored / elapsed.TotalSeconds:N0} | {search:N0} | {january:N0} | {firstMention ?? "—"} | {pending:N0} |");
    Console.WriteLine();
    if (semantic)
    {
        Console.WriteLine($"Live news in an event when the walk ended: {liveClustered:N0} of {liveStored:N0} stored (the rest arrived in the last seconds or wait for the next page)");
    }

    Console.WriteLine($"Live news during the backfill: {latencies.Length} statements pushed, discovery to SignalR client p50 {Percentile(latencies, 0.5):N0} ms, "
        + $"p99 {Percentile(latencies, 0.99):N0} ms, max {(latencies.Length > 0 ? latencies[^1] : double.NaN):N0} ms; statements of the archive sources pushed live: {history} "
        + $"(live polling's first look at them), of which stored by a backfill: {pushedBackfilled}");
    Console.WriteLine();
    Console.WriteLine("| process | CPU time | share of one core over the run | CPU per item |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (var process in processes)
    {
        var cpu = cpuAfter[process.Name] - cpuBefore[process.Name];
        Console.WriteLine($"| {process.Name} | {cpu.TotalSeconds:N1} s | {cpu / elapsed:P0} | {cpu.TotalMilliseconds / archive.Total:0.00} ms |");
    }

    foreach (var (name, after) in serverAfter)
    {
        var cpu = after - serverBefore.GetValueOrDefault(name);
        Console.WriteLine($"| {name} (whole server, shared with other users of the machine) | {cpu.TotalSeconds:N1} s | {cpu / elapsed:P0} | {cpu.TotalMilliseconds / archive.Total:0.00} ms |");
    }

    if (refineMinutes > 0 && (pending > 0 || semantic))
    {
        // With the semantic layer on, the Tagging worker also clusters the stored statements into events (docs/events.md);
        // both wait while a backfill walks and catch up after it, each on one thread.
        const string unclustered = "SELECT COUNT(*) FROM statements s WHERE NOT EXISTS (SELECT 1 FROM event_members m WHERE m.statement_id = s.id) AND NOT EXISTS (SELECT 1 FROM event_skipped k WHERE k.statement_id = s.id)";
        Console.WriteLine();
        Console.WriteLine($"Following the refinement (hybrid re-tag of the rules-first tags) and the event clustering for {refineMinutes} min:");
        var refine = Stopwatch.StartNew();
        var start = pending;
        var left = pending;
        var clusterStart = semantic ? await CountAsync(database, unclustered) : 0;
        var clusterLeft = clusterStart;
        while (refine.Elapsed < TimeSpan.FromMinutes(refineMinutes) && (left > 0 || clusterLeft > 0))
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            left = await CountAsync(database, "SELECT COUNT(*) FROM statements WHERE backfill_tags IS NOT NULL");
            clusterLeft = semantic ? await CountAsync(database, unclustered) : 0;
            var perSecond = (start - left) / refine.Elapsed.TotalSeconds;
            var clusteredPerSecond = (clusterStart - clusterLeft) / refine.Elapsed.TotalSeconds;
            Console.WriteLine($"  {refine.Elapsed:mm\\:ss} refined {start - left:N0}, waiting {left:N0}, {perSecond:0.0}/s"
                + (perSecond > 0 && left > 0 ? $", about {TimeSpan.FromSeconds(left / perSecond):h\\:mm\\:ss} left" : "")
                + (semantic ? $"; clustered {clusterStart - clusterLeft:N0}, waiting {clusterLeft:N0}, {clusteredPerSecond:0.0}/s"
                    + (clusteredPerSecond > 0 && clusterLeft > 0 ? $", about {TimeSpan.FromSeconds(clusterLeft / clusteredPerSecond):h\\:mm\\:ss} left" : "") : ""));
        }

        if (semantic)
        {
            var events = await CountAsync(database, "SELECT COUNT(*) FROM events WHERE merged_into IS NULL");
            Console.WriteLine($"  events: {events:N0} for {clusterStart - clusterLeft:N0} statements clustered in {refine.Elapsed:mm\\:ss}; the backfill stored {stored / elapsed.TotalSeconds:N0} statements/s, clustering after it ran at {(clusterStart - clusterLeft) / refine.Elapsed.TotalSeconds:0.0}/s");
        }
    }

    return 0;
}
finally
{
    foreach (var process in processes)
    {
        await process.DisposeAsync();
    }

    if (topology is not null)
    {
        await topology.DisposeAsync();
    }

    await database.DisposeAsync();
    sqlite?.Dispose();
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int IntArg(string name, int fallback) => int.TryParse(Arg(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

static TimeSpan Cpu(MonitorProcess process)
{
    using var p = Process.GetProcessById(process.ProcessId!.Value);
    p.Refresh();
    return p.TotalProcessorTime;
}

// RabbitMQ (beam.smp) and PostgreSQL (every postgres process) as wholes: other users' work on the machine is in them too.
static Task<Dictionary<string, TimeSpan>> ServerCpuAsync()
{
    var totals = new Dictionary<string, TimeSpan>();
    foreach (var process in Process.GetProcesses())
    {
        try
        {
            var name = process.ProcessName switch
            {
                "beam.smp" => "RabbitMQ",
                "postgres" => "PostgreSQL",
                _ => null,
            };
            if (name is not null)
            {
                totals[name] = totals.GetValueOrDefault(name) + process.TotalProcessorTime;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone, or not ours to read.
        }
        finally
        {
            process.Dispose();
        }
    }

    return Task.FromResult(totals);
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static async Task<long> CountAsync(Monitor.Data.Database database, string sql)
{
    await using var connection = await database.OpenAsync();
    return await connection.ExecuteScalarAsync<long>(sql);
}

static async Task<long> CountHeaderAsync(HttpClient http, string path)
{
    using var response = await http.GetAsync(path);
    response.EnsureSuccessStatusCode();
    return response.Headers.TryGetValues("X-Total-Count", out var values) ? long.Parse(values.First(), CultureInfo.InvariantCulture) : -1;
}
