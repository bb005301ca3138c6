using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;
using Monitor.LoadTest;
using Monitor.Testing;

// The pipeline load tool: pushes N statements through the distributed topology (RabbitMQ, PostgreSQL, every worker
// as its own process, the dashboard) and measures discovery -> SignalR client receipt. A baseline run in the same
// process (one RabbitMQ hop to an in-process consumer) gives the ratio that stays meaningful on a noisy machine.
var options = LoadOptions.Parse(args);
Console.WriteLine($"Monitor pipeline load test: {options.Statements} statements, {options.Replicas} Tagging/Persistence replicas");

await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
await using var database = await PostgresDatabase.CreateAsync();
await using var feed = await FeedServer.StartAsync();
var environment = Topology.Distributed(rabbit, database.ConnectionString, feed.FeedUrl, pollSeconds: 3600);
var processes = new List<MonitorProcess>();
try
{
    var dashboard = MonitorProcess.Create(Topology.Dashboard, environment);
    processes.Add(dashboard);
    foreach (var worker in Topology.Workers)
    {
        var replicas = worker.EndsWith("Tagging", StringComparison.Ordinal) || worker.EndsWith("Persistence", StringComparison.Ordinal) ? options.Replicas : 1;
        processes.AddRange(Enumerable.Range(0, replicas).Select(_ => MonitorProcess.Create(worker, environment)));
    }

    await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));
    Console.WriteLine($"Started {processes.Count} processes");

    var services = new ServiceCollection();
    services.AddMassTransit(x =>
    {
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
        var baseline = await Run("baseline: one RabbitMQ hop", options, () => BaselineConsumer.Received.Select(r => r.Latency).ToList(),
            i => bus.Publish(new LoadProbe(i, DateTimeOffset.UtcNow)));

        await using var client = await LiveClient.ConnectAsync(dashboard.BaseAddress);
        var run = Guid.NewGuid().ToString("N")[..8];
        var pipeline = await Run("pipeline: discovery -> SignalR client", options,
            () => client.Statements.Where(s => s.Statement.SourceId == $"load-{run}").Select(s => s.ReceivedAt - s.Statement.DiscoveredAt).ToList(),
            i => bus.Publish(LoadStatements.Create(run, i)));

        Console.WriteLine();
        Console.WriteLine("| run | statements | statements/s | p50 ms | p95 ms | p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Console.WriteLine(baseline.Row);
        Console.WriteLine(pipeline.Row);
        Console.WriteLine(FormattableString.Invariant(
            $"\nPipeline throughput is {pipeline.PerSecond / baseline.PerSecond:0.00}x the baseline's; p50 latency {pipeline.P50 / baseline.P50:0.0}x."));
        return pipeline.Count == options.Statements ? 0 : 1;
    }
    finally
    {
        await bus.StopAsync();
    }
}
finally
{
    foreach (var process in processes)
    {
        await process.DisposeAsync();
    }
}

static async Task<Result> Run(string name, LoadOptions options, Func<List<TimeSpan>> latencies, Func<int, Task> publish)
{
    Console.WriteLine($"Running {name} ...");
    var clock = Stopwatch.StartNew();
    var inFlight = new List<Task>();
    for (var i = 0; i < options.Statements; i++)
    {
        inFlight.Add(publish(i));
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
    while ((seen = latencies()).Count < options.Statements && deadline.Elapsed < options.Timeout)
    {
        await Task.Delay(20);
    }

    var elapsed = clock.Elapsed;
    seen.Sort();
    var result = new Result(name, seen.Count, seen.Count / elapsed.TotalSeconds, Percentile(seen, 0.50), Percentile(seen, 0.95), Percentile(seen, 0.99));
    Console.WriteLine(FormattableString.Invariant(
        $"  published {options.Statements} in {published.TotalSeconds:0.00} s; received {seen.Count} in {elapsed.TotalSeconds:0.00} s"));
    return result;
}

static double Percentile(List<TimeSpan> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)].TotalMilliseconds;

internal sealed record Result(string Name, int Count, double PerSecond, double P50, double P95, double P99)
{
    public string Row => string.Create(CultureInfo.InvariantCulture, $"| {Name} | {Count} | {PerSecond:0} | {P50:0.0} | {P95:0.0} | {P99:0.0} |");
}
