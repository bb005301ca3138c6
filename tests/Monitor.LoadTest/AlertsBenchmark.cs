using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Monitor.Core.Alerts;
using Monitor.Core.Tagging;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Testing;

namespace Monitor.LoadTest;

/// <summary>
/// <c>alerts</c>: what many subscriptions cost the alert path. Tagging, Persistence and Alerts run as processes on
/// RabbitMQ and PostgreSQL; one "probe" subscription matches every statement and posts it to a webhook receiver on
/// 127.0.0.1. Statements go in at a steady rate, and the time from discovery to the signed webhook arriving is measured
/// for each, first with the probe alone (the baseline), then again after adding N subscriptions of other users'
/// kinds (topics any/all, scores, source filters, some with a full-text query). The ratio between the two runs is the
/// figure to compare across machines; the Alerts process's CPU time is read from /proc for both.
/// </summary>
internal static class AlertsBenchmark
{
    private static readonly string[] OtherSources = ["nato-news", "nato-press-releases", "ep-press-releases", "ep-plenary-news", "ep-thinktank"];
    private static readonly string[] Queries = ["sanctions AND enforcement", "\"air defence\"", "refugees OR humanitarian", "nuclear -rhetoric"];

    public static async Task<int> RunAsync(string[] args)
    {
        var (subscriptions, rate, seconds, replicas) = Parse(args);
        Console.WriteLine($"Monitor alerts load test: {rate} statements/s for {seconds} s, probe alone, then with {subscriptions} more subscriptions; {replicas} Alerts process(es)");

        await using var topology = await DistributedTopology.CreateAsync(pollSeconds: 3600);
        await using var receiver = await WebhookReceiver.StartAsync();
        var environment = new Dictionary<string, string>(topology.Environment) { ["Alerts__AllowedNetworks__0"] = "127.0.0.1/32" };
        var alertsProcesses = Enumerable.Range(0, replicas).Select(_ => MonitorProcess.Create("workers/Monitor.Alerts", environment)).ToList();
        try
        {
            await topology.StartAsync("workers/Monitor.Tagging", TimeSpan.FromSeconds(120));
            await topology.StartAsync("workers/Monitor.Persistence", TimeSpan.FromSeconds(120));
            await Task.WhenAll(alertsProcesses.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));

            var database = topology.OpenDatabase();
            var store = new SubscriptionStore(database);
            var probeUser = await AlertsTestData.CreateUserAsync(database, "probe");
            var probe = AlertsTestData.Subscription(probeUser, "probe: every statement") with { WebhookUrl = receiver.Url.ToString(), InApp = false };
            receiver.Secret = probe.WebhookSecret!;
            await store.AddAsync(probe);

            await using var bus = await PipelineBus.StartAsync(topology.Rabbit);
            // Warm-up: the first statements pay for JIT, connection pools and prepared statements in every process.
            await MeasureAsync("warm-up", bus, receiver, alertsProcesses, database, rate, Math.Min(seconds, 5));
            var baseline = await MeasureAsync("probe alone (1 subscription)", bus, receiver, alertsProcesses, database, rate, seconds);
            await AddSubscriptionsAsync(database, store, subscriptions);
            var loaded = await MeasureAsync($"probe + {subscriptions} subscriptions", bus, receiver, alertsProcesses, database, rate, seconds);

            Console.WriteLine();
            Console.WriteLine("| run | statements | webhooks received | other alerts raised | p50 ms | p95 ms | p99 ms | Alerts CPU (of one core) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(baseline.Row);
            Console.WriteLine(loaded.Row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\nWith {subscriptions} more subscriptions: p50 {loaded.P50 / baseline.P50:0.00}x, p99 {loaded.P99 / baseline.P99:0.00}x the probe alone; Alerts CPU {loaded.Cpu / Math.Max(baseline.Cpu, 1e-9):0.0}x."));
            return baseline.Received == baseline.Statements && loaded.Received == loaded.Statements ? 0 : 1;
        }
        finally
        {
            foreach (var process in alertsProcesses)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>Subscriptions like real users' rules. Most name other sources (so they rarely match the load statements).</summary>
    private static async Task AddSubscriptionsAsync(Database database, SubscriptionStore store, int count)
    {
        var topics = TopicFile.LoadDefault().Topics.Select(t => t.Id).ToArray();
        var random = new Random(7);
        var users = new List<long>();
        for (var u = 0; u < Math.Max(1, count / 10); u++)
        {
            users.Add(await AlertsTestData.CreateUserAsync(database, $"user{u}"));
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var subscription = AlertsTestData.Subscription(users[i % users.Count], $"rule {i}") with
            {
                Topics = topics.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList(),
                TopicMatch = random.Next(3) == 0 ? "all" : "any",
                MinScore = random.Next(4) * 0.2,
                Sources = random.Next(10) < 7 ? [OtherSources[random.Next(OtherSources.Length)]] : [],
                Query = random.Next(20) == 0 ? Queries[random.Next(Queries.Length)] : null,
            };
            await store.AddAsync(subscription);
        }

        Console.WriteLine(FormattableString.Invariant($"Added {count} subscriptions for {users.Count} users in {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    private static async Task<Measurement> MeasureAsync(string name, PipelineBus bus, WebhookReceiver receiver, List<MonitorProcess> alerts,
        Database database, int rate, int seconds)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var count = rate * seconds;
        var alertsBefore = await CountAlertsAsync(database);
        var processes = alerts.Select(p => Process.GetProcessById(p.ProcessId!.Value)).ToList();
        var cpuBefore = processes.Sum(p => p.TotalProcessorTime.TotalSeconds);
        Console.WriteLine($"{name}: publishing {count} statements at {rate}/s ...");
        var published = new DateTimeOffset[count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var statement = LoadStatements.Create(run, i);
            published[i] = statement.DiscoveredAt;
            await bus.PublishAsync(statement);
        }

        var prefix = $"https://example.org/load/{run}/";
        List<TimeSpan> latencies;
        var deadline = Stopwatch.StartNew();
        while ((latencies = Latencies(receiver, prefix, published)).Count < count && deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(50);
        }

        var wall = clock.Elapsed.TotalSeconds;
        processes.ForEach(p => p.Refresh());
        var cpu = (processes.Sum(p => p.TotalProcessorTime.TotalSeconds) - cpuBefore) / wall;
        processes.ForEach(p => p.Dispose());
        var other = await CountAlertsAsync(database) - alertsBefore - latencies.Count;
        latencies.Sort();
        var result = new Measurement(name, count, latencies.Count, other, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), cpu);
        Console.WriteLine("  " + result.Row);
        return result;
    }

    /// <summary>Discovery → webhook arrival for each statement of this run, from the alert's URL in each accepted POST.</summary>
    private static List<TimeSpan> Latencies(WebhookReceiver receiver, string prefix, DateTimeOffset[] published)
    {
        var seen = new Dictionary<int, TimeSpan>();
        foreach (var post in receiver.Accepted)
        {
            using var body = JsonDocument.Parse(post.Body);
            foreach (var alert in body.RootElement.GetProperty("alerts").EnumerateArray())
            {
                var url = alert.GetProperty("url").GetString() ?? "";
                if (url.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(url.AsSpan(prefix.Length), CultureInfo.InvariantCulture, out var i))
                {
                    seen.TryAdd(i, post.ReceivedAt - published[i]);
                }
            }
        }

        return seen.Values.ToList();
    }

    private static async Task<long> CountAlertsAsync(Database database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts");
    }

    private static double Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)].TotalMilliseconds;

    private static (int Subscriptions, int Rate, int Seconds, int Replicas) Parse(string[] args)
    {
        int subscriptions = 1000, rate = 10, seconds = 30, replicas = 1;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : throw new ArgumentException($"{args[i]} needs a number.");
            switch (args[i++])
            {
                case "--subscriptions": subscriptions = value; break;
                case "--rate": rate = value; break;
                case "--duration": seconds = value; break;
                case "--replicas": replicas = value; break;
                default: throw new ArgumentException($"Unknown argument '{args[i - 1]}'. Use --subscriptions N, --rate N, --duration S, --replicas N.");
            }
        }

        return (subscriptions, rate, seconds, replicas);
    }

    private sealed record Measurement(string Name, int Statements, int Received, long OtherAlerts, double P50, double P95, double P99, double Cpu)
    {
        public string Row => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Statements} | {Received} | {OtherAlerts} | {P50:0.0} | {P95:0.0} | {P99:0.0} | {Cpu:P1} |");
    }
}
