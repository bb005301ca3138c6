using System.Diagnostics;
using System.Globalization;
using Monitor.Data.Sources;
using Monitor.FeedSimulator;
using Monitor.Testing;
using Simulator = Monitor.FeedSimulator.FeedSimulator;

namespace Monitor.LoadTest;

/// <summary>
/// <c>ingestion --sources 1000</c>: one Ingestion worker process (RabbitMQ, PostgreSQL) polling N simulated RSS
/// sources, 95% of polls answered 304, measured for CPU share (process CPU time / wall time) and memory (resident set),
/// against an idle Ingestion process with no sources measured the same way in the same run. Time may be compressed:
/// a 30 s interval is ten times the polling of the 5-minute schedule, and the polling work above idle scales with
/// the poll rate, so the 5-minute figure is idle + (measured - idle) x interval / 300 s.
/// </summary>
internal static class IngestionBenchmark
{
    private const string Ingestion = "workers/Monitor.Ingestion";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Ingestion benchmark: {options.Sources} sources every {options.IntervalSeconds} s, {options.ChangedShare:P0} of polls find news, {options.MeasureSeconds} s measured after {options.WarmupSeconds} s warm-up"));

        await using var topology = await DistributedTopology.CreateAsync();
        var environment = topology.Environment.Where(e => !e.Key.StartsWith("Ingestion__Sources__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        environment["Ingestion__AllowedNetworks__0"] = "127.0.0.1/32";
        environment["Ingestion__MaxConcurrentPolls"] = options.MaxConcurrentPolls.ToString(CultureInfo.InvariantCulture);
        // The scheduler claims at most MaxConcurrentPolls sources per tick (default 1 s): compressing time compresses
        // the tick by the same factor, so the process can keep up with the faster schedule (idle run included).
        var tick = TimeSpan.FromSeconds(Math.Max(0.05, options.IntervalSeconds / 300.0));
        environment["Ingestion__SchedulerTick"] = tick.ToString("c", CultureInfo.InvariantCulture);
        Console.WriteLine($"Scheduler tick {tick.TotalMilliseconds:0} ms, {options.MaxConcurrentPolls} polls at once");

        var idle = await MeasureAsync("idle: no sources", environment, options, null);

        // Every interval a share of the feeds gets one new item (the simulator gives them out in turn), the rest answer 304.
        await using var simulator = await Simulator.StartAsync(new FeedSimulatorOptions { ItemsPerFeed = 10 });
        var admin = new SourceAdminStore(topology.OpenDatabase());
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < options.Sources; i++)
        {
            var feed = simulator.AddFeed(string.Create(CultureInfo.InvariantCulture, $"sim-{i:0000}"), i % 2 == 0 ? FeedShape.Rss : FeedShape.Atom, initialItems: 10);
            // First polls spread over the interval, as sources added over time would be.
            await admin.AddAsync(new SourceDefinition(feed.Id, feed.Id, feed.Url.ToString(), "rss", options.IntervalSeconds),
                now.AddSeconds(Random.Shared.NextDouble() * options.IntervalSeconds));
        }

        simulator.SetRate(options.Sources * options.ChangedShare * 60.0 / options.IntervalSeconds);
        var loaded = await MeasureAsync($"{options.Sources} sources every {options.IntervalSeconds} s", environment, options, simulator);

        var scale = options.IntervalSeconds / 300.0;
        var fiveMinuteCpu = idle.CpuShare + ((loaded.CpuShare - idle.CpuShare) * scale);
        Console.WriteLine();
        Console.WriteLine("| run | wall s | CPU s | CPU share of one core | resident MB (mean / max) | polls | polls/s | 304 share | new items |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(idle.Row);
        Console.WriteLine(loaded.Row);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

            Polling {options.Sources} sources every {options.IntervalSeconds} s costs {loaded.CpuShare / Math.Max(idle.CpuShare, 1e-9):0.0}x the idle process's CPU ({loaded.CpuShare:P2} vs {idle.CpuShare:P2} of one core) and {loaded.MaxMb / idle.MaxMb:0.00}x its peak resident memory ({loaded.MaxMb:0} MB vs {idle.MaxMb:0} MB).
            On the 5-minute schedule (the same work at {scale:0.###}x the rate): about {fiveMinuteCpu:P2} of one core (goal: under 10%); memory {loaded.MaxMb:0} MB measured (goal: under 200 MB).
            """));
        return loaded.Polls > 0 ? 0 : 1;
    }

    private static async Task<Measurement> MeasureAsync(string name, Dictionary<string, string> environment, Options options, Simulator? simulator)
    {
        await using var worker = MonitorProcess.Create(Ingestion, environment);
        await worker.StartAsync(TimeSpan.FromSeconds(120));
        using var process = Process.GetProcessById(worker.ProcessId!.Value);
        Console.WriteLine($"{name}: started pid {process.Id}, warming up {options.WarmupSeconds} s");
        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));

        var (requests, notModified, items) = Counters(simulator);
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var samples = new List<long>();
        while (wall.Elapsed < TimeSpan.FromSeconds(options.MeasureSeconds))
        {
            await Task.Delay(1000);
            process.Refresh();
            samples.Add(process.WorkingSet64);
        }

        process.Refresh();
        var cpuUsed = process.TotalProcessorTime - cpu;
        var elapsed = wall.Elapsed;
        var (requestsAfter, notModifiedAfter, itemsAfter) = Counters(simulator);
        if (process.HasExited)
        {
            throw new InvalidOperationException($"{name}: the Ingestion process exited during the measurement:\n{worker.Output}");
        }

        var result = new Measurement(name, elapsed, cpuUsed, samples.Average() / 1048576.0, samples.Max() / 1048576.0,
            requestsAfter - requests, notModifiedAfter - notModified, itemsAfter - items);
        Console.WriteLine(result.Row);
        return result;
    }

    private static (long Requests, long NotModified, long Items) Counters(Simulator? simulator) =>
        simulator is null ? (0, 0, 0) : (simulator.Feeds.Sum(f => f.Requests), simulator.Feeds.Sum(f => f.NotModified), simulator.Feeds.Sum(f => f.Version));

    private sealed record Measurement(string Name, TimeSpan Wall, TimeSpan Cpu, double MeanMb, double MaxMb, long Polls, long NotModified, long NewItems)
    {
        public double CpuShare => Cpu / Wall;

        public string Row => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Wall.TotalSeconds:0.0} | {Cpu.TotalSeconds:0.00} | {CpuShare:P2} | {MeanMb:0} / {MaxMb:0} | {Polls} | {Polls / Wall.TotalSeconds:0.0} | {(Polls == 0 ? "-" : ((double)NotModified / Polls).ToString("P1", CultureInfo.InvariantCulture))} | {NewItems} |");
    }

    private sealed record Options(int Sources, int IntervalSeconds, double ChangedShare, int WarmupSeconds, int MeasureSeconds, int MaxConcurrentPolls)
    {
        public static Options Parse(string[] args)
        {
            var options = new Options(1000, 30, 0.05, 45, 60, 4);
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
                options = args[i++] switch
                {
                    "--sources" => options with { Sources = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--interval" => options with { IntervalSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--changed" => options with { ChangedShare = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--warmup" => options with { WarmupSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--measure" => options with { MeasureSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--concurrency" => options with { MaxConcurrentPolls = int.Parse(value, CultureInfo.InvariantCulture) },
                    _ => throw new ArgumentException($"Unknown argument '{args[i - 1]}'. Use --sources N, --interval S, --changed 0.05, --warmup S, --measure S, --concurrency N."),
                };
            }

            return options;
        }
    }
}
