using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;
using Monitor.LoadTest;
using Monitor.Testing;

// The pipeline load tool: pushes statements through the distributed topology (RabbitMQ, PostgreSQL, every worker
// as its own process, the dashboard) and measures discovery -> SignalR client receipt: once in a burst (throughput),
// once at a steady rate (latency). A baseline in the same process (one RabbitMQ hop to an in-process consumer) run
// the same two ways gives the ratios that stay meaningful on a noisy, shared machine.
if (args.Length > 0 && args[0] == "ingestion")
{
    return await IngestionBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "alerts")
{
    return await AlertsBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "clients")
{
    return await ClientsBenchmark.RunAsync(args[1..]);
}

var options = LoadOptions.Parse(args);
Console.WriteLine($"Monitor pipeline load test: {options.Statements} in a burst (polls of {options.Poll}), {options.Rate}/s for 30 s (polls of 1), {options.Replicas} Tagging/Persistence replicas, {options.Warmup} to warm up");

// Ingestion polls an empty feed: the tool publishes the discoveries itself, so it can time them.
await using var topology = await DistributedTopology.CreateAsync(pollSeconds: 3600);
var rabbit = topology.Rabbit;
var processes = new List<MonitorProcess> { topology.Create(Topology.Dashboard) };
foreach (var worker in Topology.Workers)
{
    var replicas = worker.EndsWith("Tagging", StringComparison.Ordinal) || worker.EndsWith("Persistence", StringComparison.Ordinal) ? options.Replicas : 1;
    processes.AddRange(Enumerable.Range(0, replicas).Select(_ => topology.Create(worker)));
}

await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));
Console.WriteLine($"Started {processes.Count} processes");
var dashboard = processes[0];
var services = new ServiceCollection();
services.AddMassTransit(x =>
{
    x.DisableUsageTelemetry();
    x.AddConsumer<BaselineConsumer>().Endpoint(e => e.Temporary = true);
    x.UsingRabbitMq((context, cfg) =>
    {
        cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.Name, h =>
        {
            h.Username(rabbit.Username);
            h.Password(rabbit.Password);
        });
        cfg.PrefetchCount = 64;
        cfg.ConfigureEndpoints(context);
    });
});
await using var provider = services.BuildServiceProvider();
var bus = provider.GetRequiredService<IBusControl>();
await bus.StartAsync();
try
{
    await using var client = await LiveClient.ConnectAsync(dashboard.BaseAddress);
    var paced = options.Rate * 30;
    if (options.Warmup > 0)
    {
        // Like rawpipe's warm-up: JIT tiers, pools and caches settle before anything is measured; not reported.
        await Pipeline(bus, client, options.Warmup, rate: null, options.Poll);
    }

    // Where the burst's CPU goes, per process (from /proc), printed after the burst.
    var meter = new CpuMeter(processes, topology.Database.ConnectionString, topology.Database.Name);
    var results = new List<Result> { await Baseline(bus, options.Statements, rate: null) };
    var cpuBefore = await meter.SnapshotAsync();
    var burstClock = Stopwatch.StartNew();
    results.Add(await Pipeline(bus, client, options.Statements, rate: null, options.Poll));
    Console.WriteLine("CPU per statement in the pipeline's burst:\n" + CpuMeter.Report(cpuBefore, await meter.SnapshotAsync(), options.Statements, burstClock.Elapsed));
    foreach (var line in processes.Where(p => p.Name.Contains("Persistence", StringComparison.Ordinal))
                 .SelectMany(p => p.Output.Split('\n')).Where(l => l.Contains("batches (largest", StringComparison.Ordinal)))
    {
        Console.WriteLine($"  Persistence: {line.Trim()}");
    }

    results.Add(await Baseline(bus, paced, options.Rate));
    results.Add(await Pipeline(bus, client, paced, options.Rate, poll: 1));

    Console.WriteLine();
    Console.WriteLine("| run | statements | sent at | received/s | p50 ms | p95 ms | p99 ms |");
    Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
    results.ForEach(r => Console.WriteLine(r.Row));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"\nBurst: the pipeline delivers {results[1].PerSecond / results[0].PerSecond:0.000}x the baseline's messages per second. At {options.Rate}/s: pipeline p50 {results[3].P50 / results[2].P50:0.0}x and p99 {results[3].P99 / results[2].P99:0.0}x the baseline's."));
    var repeats = client.Statements.GroupBy(s => (s.Statement.StatementId, s.Statement.Revision)).Sum(g => g.Count() - 1);
    Console.WriteLine($"Delivered to the SignalR client: {client.Statements.Count} pushes, {repeats} repeats of a statement already received.");
    return results.All(r => r.Count == r.Expected) && repeats == 0 ? 0 : 1;
}
finally
{
    await bus.StopAsync();
}

static Task<Result> Baseline(IBus bus, int count, int? rate)
{
    BaselineConsumer.Received.Clear();
    return Run("baseline: one RabbitMQ hop", count, rate, () => BaselineConsumer.Received.Count, () => BaselineConsumer.Received.Select(r => r.Latency).ToList(),
        (i, _) => bus.Publish(new LoadProbe(i, DateTimeOffset.UtcNow)), perMessage: 1);
}

// As Ingestion publishes them: the new statements of a poll in one StatementsDiscovered message.
static Task<Result> Pipeline(IBus bus, LiveClient client, int count, int? rate, int poll)
{
    var run = Guid.NewGuid().ToString("N")[..8];
    var source = $"load-{run}";
    var before = client.Statements.Count;
    return Run("pipeline: discovery -> SignalR client", count, rate, () => client.Statements.Count - before,
        () => client.Statements.Where(s => s.Statement.SourceId == source).Select(s => s.ReceivedAt - s.Statement.DiscoveredAt).ToList(),
        (first, n) => bus.Publish(new StatementsDiscovered([.. Enumerable.Range(first, n).Select(i => LoadStatements.Create(run, i))])), poll);
}

// Burst (rate null): everything at once, for throughput. Paced: a steady rate, for latency below saturation.
// publish(first, n) publishes items first .. first + n - 1 in one message. arrived() is a cheap count the wait polls
// (the tool shares the cores it measures); latencies() is read once it says all are in.
static async Task<Result> Run(string name, int count, int? rate, Func<int> arrived, Func<List<TimeSpan>> latencies, Func<int, int, Task> publish, int perMessage)
{
    Console.WriteLine($"Running {name}, {count} statements {(rate is null ? "in a burst" : $"at {rate}/s")} ...");
    var clock = Stopwatch.StartNew();
    var inFlight = new List<Task>();
    for (var i = 0; i < count; i += perMessage)
    {
        if (rate is not null)
        {
            var due = TimeSpan.FromSeconds((double)i / rate.Value);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }

        inFlight.Add(publish(i, Math.Min(perMessage, count - i)));
        if (inFlight.Count >= 100)
        {
            await Task.WhenAll(inFlight);
            inFlight.Clear();
        }
    }

    await Task.WhenAll(inFlight);
    var published = clock.Elapsed;
    var deadline = Stopwatch.StartNew();
    List<TimeSpan> seen;
    while ((arrived() < count || (seen = latencies()).Count < count) && deadline.Elapsed < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(20);
    }

    seen = latencies();

    var elapsed = clock.Elapsed;
    seen.Sort();
    var result = new Result(name, count, seen.Count, rate is null ? "burst" : $"{rate}/s", seen.Count / elapsed.TotalSeconds,
        Percentile(seen, 0.50), Percentile(seen, 0.95), Percentile(seen, 0.99));
    Console.WriteLine(FormattableString.Invariant(
        $"  published {count} in {published.TotalSeconds:0.00} s; received {seen.Count} in {elapsed.TotalSeconds:0.00} s"));
    return result;
}

static double Percentile(List<TimeSpan> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)].TotalMilliseconds;

internal sealed record Result(string Name, int Expected, int Count, string SentAt, double PerSecond, double P50, double P95, double P99)
{
    public string Row => string.Create(CultureInfo.InvariantCulture, $"| {Name} | {Count} | {SentAt} | {PerSecond:0} | {P50:0.0} | {P95:0.0} | {P99:0.0} |");
}
