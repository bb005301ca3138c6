using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.LoadTest;

/// <summary>
/// <c>clients --clients 1000</c>: one dashboard replica (RabbitMQ, PostgreSQL, Tagging and Persistence as their own
/// processes) with N SignalR clients (WebSockets) opened from this process, statements published into the pipeline at
/// a steady rate. Each statement carries its publish time (<c>DiscoveredAt</c>); every client records publish -> receipt
/// for every statement. The dashboard's CPU time and resident memory are sampled from /proc. A baseline with few
/// clients, same rate and duration, runs first in the same process against the same dashboard, so the ratio holds on
/// a noisy, shared machine. With <c>--stalled N</c> the main run also has N stalled clients (<see cref="StalledClient"/>:
/// they never read), and the table says how many the dashboard dropped and when; the normal clients' figures exclude them.
/// </summary>
internal static class ClientsBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var bodyBytes = Encoding.UTF8.GetByteCount(LoadStatements.Create("x", 0, options.BodyBytes).Summary);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Clients benchmark: {options.Baseline} then {options.Clients} SignalR clients (+ {options.Stalled} stalled), {options.Rate} statements/s of {bodyBytes} bytes for {options.DurationSeconds} s each (after {options.WarmupSeconds} s warm-up); {Environment.ProcessorCount} cores"));

        await using var topology = await DistributedTopology.CreateAsync(pollSeconds: 3600);
        var dashboard = topology.Create(Topology.Dashboard);
        var logged = new ConcurrentQueue<DateTimeOffset>();
        var warnings = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        dashboard.OutputLine += line =>
        {
            if (line.Contains("Dropped live client", StringComparison.Ordinal))
            {
                logged.Enqueue(DateTimeOffset.UtcNow);
            }
            else if (line.Contains(" WRN] ", StringComparison.Ordinal) || line.Contains(" ERR] ", StringComparison.Ordinal))
            {
                // Counted by message without the time stamp: "[HH:mm:ss WRN] dashboard Category: message".
                warnings.AddOrUpdate(line[(line.IndexOf(']', StringComparison.Ordinal) + 1)..].Trim(), 1, (_, n) => n + 1);
            }
            else if (line.Contains("Live push: ", StringComparison.Ordinal))
            {
                Console.WriteLine($"dashboard: {line.Trim()}");
            }
        };
        MonitorProcess[] processes = [dashboard, topology.Create("workers/Monitor.Tagging"), topology.Create("workers/Monitor.Persistence")];
        await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));
        Console.WriteLine($"Started the dashboard (pid {dashboard.ProcessId}), Tagging and Persistence");

        await using var provider = Bus(topology.Rabbit);
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync();
        var clients = new List<BenchClient>();
        var stalled = new List<StalledClient>();
        try
        {
            await ConnectAsync(clients, options.Baseline, dashboard.BaseAddress);
            await MeasureAsync("warm-up", options.WarmupSeconds, clients, [], bus, dashboard, options);
            var baseline = await MeasureAsync($"{options.Baseline} clients", options.DurationSeconds, clients, [], bus, dashboard, options);
            await ConnectAsync(clients, options.Clients, dashboard.BaseAddress);
            stalled.AddRange(await Task.WhenAll(Enumerable.Range(0, options.Stalled)
                .Select(_ => StalledClient.ConnectAsync(dashboard.BaseAddress, TimeSpan.FromSeconds(1)))));
            var name = options.Stalled == 0 ? $"{options.Clients} clients" : $"{options.Clients} clients + {options.Stalled} stalled";
            var loaded = await MeasureAsync(name, options.DurationSeconds, clients, stalled, bus, dashboard, options);
            var drops = logged.Select(at => (at - loaded.Started).TotalSeconds).Order().ToList();
            Console.WriteLine(drops.Count == 0
                ? "The dashboard logged no dropped client."
                : FormattableString.Invariant($"The dashboard logged {drops.Count} dropped clients, {drops[0]:0.0} to {drops[^1]:0.0} s after the main run started."));
            foreach (var (line, n) in warnings)
            {
                Console.WriteLine($"dashboard, {n} x: {line}");
            }

            Console.WriteLine();
            Console.WriteLine("| run | statements | deliveries (received / expected) | p50 ms | p95 ms | p99 ms | max ms | dashboard CPU (share of one core) | dashboard resident MB (mean / max) | load tool CPU | clients dropped | stalled dropped | stalled dropped at s (min / max) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(baseline.Row);
            Console.WriteLine(loaded.Row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

                {options.Clients} clients against {options.Baseline}: p50 {loaded.P50 / baseline.P50:0.0}x, p99 {loaded.P99 / baseline.P99:0.0}x; dashboard CPU {loaded.CpuShare / Math.Max(baseline.CpuShare, 1e-9):0.0}x ({loaded.CpuShare:P1} vs {baseline.CpuShare:P1} of one core), peak resident memory {loaded.MaxMb / baseline.MaxMb:0.00}x ({loaded.MaxMb:0} MB vs {baseline.MaxMb:0} MB).
                Goal p99 under 500 ms at {options.Clients} clients: {(loaded.P99 < 500 ? "met" : "not met")} ({loaded.P99:0} ms).
                """));
            if (options.Stalled > 0 && loaded.StalledDropped == 0)
            {
                Console.WriteLine($"Stalled clients: none of {options.Stalled} was dropped.");
            }
            else if (options.Stalled > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Stalled clients: {loaded.StalledDropped} of {options.Stalled} dropped by the dashboard, {loaded.FirstDropSeconds:0.0} to {loaded.LastDropSeconds:0.0} s after the run started (seen by a failed ping; pings 1 s apart), {options.Stalled - loaded.StalledDropped} still connected at the end."));
            }

            return loaded.Received == loaded.Expected && baseline.Received == baseline.Expected ? 0 : 1;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
            await Task.WhenAll(stalled.Select(c => c.DisposeAsync().AsTask()));
            await bus.StopAsync();
        }
    }

    private static ServiceProvider Bus(RabbitMqVirtualHost rabbit)
    {
        var services = new ServiceCollection();
        services.AddMassTransit(x => x.DisableUsageTelemetry().UsingRabbitMq((context, cfg) =>
        {
            cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.Name, h =>
            {
                h.Username(rabbit.Username);
                h.Password(rabbit.Password);
            });
            cfg.ConfigureEndpoints(context);
        }));
        return services.BuildServiceProvider();
    }

    private static async Task ConnectAsync(List<BenchClient> clients, int count, Uri dashboard)
    {
        var clock = Stopwatch.StartNew();
        while (clients.Count < count)
        {
            var batch = Math.Min(50, count - clients.Count);
            clients.AddRange(await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => BenchClient.ConnectAsync(dashboard))));
        }

        Console.WriteLine(FormattableString.Invariant($"{clients.Count} clients connected ({clock.Elapsed.TotalSeconds:0.0} s)"));
    }

    private static async Task<Measurement> MeasureAsync(string name, int seconds, List<BenchClient> clients, List<StalledClient> stalled, IBus bus,
        MonitorProcess dashboard, Options options)
    {
        var rate = options.Rate;
        var run = Guid.NewGuid().ToString("N")[..8];
        clients.ForEach(c => c.Start($"load-{run}"));
        using var process = Process.GetProcessById(dashboard.ProcessId!.Value);
        using var self = Process.GetCurrentProcess();
        process.Refresh();
        self.Refresh();
        var cpu = process.TotalProcessorTime;
        var selfCpu = self.TotalProcessorTime;
        var dropped = clients.Count(c => c.Closed);
        var memory = new List<long>();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(process, memory, sampling.Token);

        var count = rate * seconds;
        Console.WriteLine($"{name}: publishing {count} statements at {rate}/s to {clients.Count} clients ...");
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            await bus.Publish(new StatementsDiscovered([LoadStatements.Create(run, i, options.BodyBytes)]));
        }

        var expected = (long)count * clients.Count;
        var drain = Stopwatch.StartNew();
        while (clients.Sum(c => (long)c.Count) < expected - Lost(clients, count) && drain.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var wall = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        process.Refresh();
        self.Refresh();
        var drops = stalled.Select(c => c.DroppedAt).OfType<DateTimeOffset>().Select(at => (at - started).TotalSeconds).Order().ToList();
        var latencies = clients.SelectMany(c => c.Latencies()).ToArray();
        Array.Sort(latencies);
        var result = new Measurement(name, count, expected, latencies.LongLength, Percentile(latencies, 0.50), Percentile(latencies, 0.95),
            Percentile(latencies, 0.99), latencies.Length == 0 ? double.NaN : latencies[^1], (process.TotalProcessorTime - cpu) / wall,
            memory.Average() / 1048576.0, memory.Max() / 1048576.0, (self.TotalProcessorTime - selfCpu) / wall, clients.Count(c => c.Closed) - dropped,
            stalled.Count, drops.Count, drops.Count == 0 ? double.NaN : drops[0], drops.Count == 0 ? double.NaN : drops[^1], started);
        Console.WriteLine(result.Row);
        return result;
    }

    /// <summary>What clients that were dropped during the run will never get (so the drain does not wait for it).</summary>
    private static long Lost(List<BenchClient> clients, int count) => clients.Where(c => c.Closed).Sum(c => (long)(count - c.Count));

    private static async Task SampleAsync(Process process, List<long> memory, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                process.Refresh();
                memory.Add(process.WorkingSet64);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static double Percentile(float[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>The two fields of a pushed statement the benchmark reads; the rest of the JSON is skipped.</summary>
    private sealed record Probe(string SourceId, DateTimeOffset DiscoveredAt);

    /// <summary>One SignalR client: records publish -> receipt in milliseconds for the statements of the current run.</summary>
    private sealed class BenchClient : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly List<float> _latencies = [];
        private string _run = "";

        private BenchClient(HubConnection connection)
        {
            _connection = connection;
            connection.On<Probe>("StatementStored", Received);
            connection.On<Probe[]>("StatementsStored", list => Array.ForEach(list, Received));
            connection.Closed += _ =>
            {
                Closed = true;
                return Task.CompletedTask;
            };
        }

        public bool Closed { get; private set; }

        public int Count
        {
            get
            {
                lock (_latencies)
                {
                    return _latencies.Count;
                }
            }
        }

        public static async Task<BenchClient> ConnectAsync(Uri dashboard)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(dashboard, "/hubs/monitor"), o =>
                {
                    o.SkipNegotiation = true;
                    o.Transports = HttpTransportType.WebSockets;
                })
                .Build();
            var client = new BenchClient(connection);
            await connection.StartAsync();
            return client;
        }

        public void Start(string run)
        {
            lock (_latencies)
            {
                _run = run;
                _latencies.Clear();
            }
        }

        public float[] Latencies()
        {
            lock (_latencies)
            {
                return [.. _latencies];
            }
        }

        private void Received(Probe statement)
        {
            var latency = (float)(DateTimeOffset.UtcNow - statement.DiscoveredAt).TotalMilliseconds;
            lock (_latencies)
            {
                if (statement.SourceId == _run)
                {
                    _latencies.Add(latency);
                }
            }
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }

    private sealed record Measurement(string Name, int Statements, long Expected, long Received, double P50, double P95, double P99, double Max,
        double CpuShare, double MeanMb, double MaxMb, double LoadToolCpuShare, int Dropped, int Stalled, int StalledDropped,
        double FirstDropSeconds, double LastDropSeconds, DateTimeOffset Started)
    {
        public string Row => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Statements} | {Received} / {Expected} | {P50:0} | {P95:0} | {P99:0} | {Max:0} | {CpuShare:P1} | {MeanMb:0} / {MaxMb:0} | {LoadToolCpuShare:P1} | {Dropped} | {StalledColumns} |");

        private string StalledColumns => Stalled == 0
            ? "– | –"
            : string.Create(CultureInfo.InvariantCulture, $"{StalledDropped} / {Stalled} | {(StalledDropped == 0 ? "–" : $"{FirstDropSeconds:0.0} / {LastDropSeconds:0.0}")}");
    }

    /// <summary>The command line; <c>BodyBytes</c> null keeps the usual twelve-sentence statement (about 1.2 KB).</summary>
    private sealed record Options(int Clients, int Baseline, int Rate, int DurationSeconds, int WarmupSeconds, int Stalled, int? BodyBytes)
    {
        public static Options Parse(string[] args)
        {
            var options = new Options(1000, 10, 20, 60, 10, 0, null);
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
                var number = int.Parse(value, CultureInfo.InvariantCulture);
                options = args[i++] switch
                {
                    "--clients" => options with { Clients = number },
                    "--baseline" => options with { Baseline = number },
                    "--rate" => options with { Rate = number },
                    "--duration" => options with { DurationSeconds = number },
                    "--warmup" => options with { WarmupSeconds = number },
                    "--stalled" => options with { Stalled = number },
                    "--body-bytes" => options with { BodyBytes = number },
                    _ => throw new ArgumentException(
                        $"Unknown argument '{args[i - 1]}'. Use --clients N, --baseline N, --rate N, --duration S, --warmup S, --stalled N, --body-bytes B."),
                };
            }

            return options.Clients < options.Baseline || options.Baseline < 1 || options.Rate < 1 || options.DurationSeconds < 1
                || options.Stalled < 0 || options.BodyBytes < 1
                ? throw new ArgumentException("Need 1 <= --baseline <= --clients, --rate >= 1, --duration >= 1, --stalled >= 0 and --body-bytes >= 1.")
                : options;
        }
    }
}
