using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Testing;

namespace Monitor.LoadTest;

/// <summary>
/// <c>clients --clients 1000</c>: one dashboard replica (RabbitMQ, PostgreSQL, Tagging and Persistence as their own
/// processes) with N SignalR clients (WebSockets) opened from this process, statements published into the pipeline at
/// a steady rate. Each statement carries its publish time (<c>DiscoveredAt</c>); every client records publish -> receipt
/// for every statement. The dashboard's CPU time and resident memory are sampled from /proc. A baseline with few
/// clients, same rate and duration, runs first in the same process against the same dashboard, so the ratio holds on
/// a noisy, shared machine.
/// </summary>
internal static class ClientsBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Clients benchmark: {options.Baseline} then {options.Clients} SignalR clients, {options.Rate} statements/s for {options.DurationSeconds} s each (after {options.WarmupSeconds} s warm-up); {Environment.ProcessorCount} cores"));

        await using var topology = await DistributedTopology.CreateAsync(pollSeconds: 3600);
        var dashboard = topology.Create(Topology.Dashboard);
        MonitorProcess[] processes = [dashboard, topology.Create("workers/Monitor.Tagging"), topology.Create("workers/Monitor.Persistence")];
        await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));
        Console.WriteLine($"Started the dashboard (pid {dashboard.ProcessId}), Tagging and Persistence");

        await using var provider = Bus(topology.Rabbit);
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync();
        var clients = new List<BenchClient>();
        try
        {
            await ConnectAsync(clients, options.Baseline, dashboard.BaseAddress);
            await MeasureAsync("warm-up", clients, bus, dashboard, options.Rate, options.WarmupSeconds);
            var baseline = await MeasureAsync($"{options.Baseline} clients", clients, bus, dashboard, options.Rate, options.DurationSeconds);
            await ConnectAsync(clients, options.Clients, dashboard.BaseAddress);
            var loaded = await MeasureAsync($"{options.Clients} clients", clients, bus, dashboard, options.Rate, options.DurationSeconds);

            Console.WriteLine();
            Console.WriteLine("| run | statements | deliveries (received / expected) | p50 ms | p95 ms | p99 ms | max ms | dashboard CPU (share of one core) | dashboard resident MB (mean / max) | load tool CPU | clients dropped |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(baseline.Row);
            Console.WriteLine(loaded.Row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

                {options.Clients} clients against {options.Baseline}: p50 {loaded.P50 / baseline.P50:0.0}x, p99 {loaded.P99 / baseline.P99:0.0}x; dashboard CPU {loaded.CpuShare / Math.Max(baseline.CpuShare, 1e-9):0.0}x ({loaded.CpuShare:P1} vs {baseline.CpuShare:P1} of one core), peak resident memory {loaded.MaxMb / baseline.MaxMb:0.00}x ({loaded.MaxMb:0} MB vs {baseline.MaxMb:0} MB).
                Goal p99 under 500 ms at {options.Clients} clients: {(loaded.P99 < 500 ? "met" : "not met")} ({loaded.P99:0} ms).
                """));
            return loaded.Received == loaded.Expected && baseline.Received == baseline.Expected ? 0 : 1;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
            await bus.StopAsync();
        }
    }

    private static ServiceProvider Bus(RabbitMqVirtualHost rabbit)
    {
        var services = new ServiceCollection();
        services.AddMassTransit(x => x.UsingRabbitMq((context, cfg) =>
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

    private static async Task<Measurement> MeasureAsync(string name, List<BenchClient> clients, IBus bus, MonitorProcess dashboard, int rate, int seconds)
    {
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
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            await bus.Publish(LoadStatements.Create(run, i));
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
        var latencies = clients.SelectMany(c => c.Latencies()).ToArray();
        Array.Sort(latencies);
        var result = new Measurement(name, count, expected, latencies.LongLength, Percentile(latencies, 0.50), Percentile(latencies, 0.95),
            Percentile(latencies, 0.99), latencies.Length == 0 ? double.NaN : latencies[^1], (process.TotalProcessorTime - cpu) / wall,
            memory.Average() / 1048576.0, memory.Max() / 1048576.0, (self.TotalProcessorTime - selfCpu) / wall, clients.Count(c => c.Closed) - dropped);
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
        double CpuShare, double MeanMb, double MaxMb, double LoadToolCpuShare, int Dropped)
    {
        public string Row => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Statements} | {Received} / {Expected} | {P50:0} | {P95:0} | {P99:0} | {Max:0} | {CpuShare:P1} | {MeanMb:0} / {MaxMb:0} | {LoadToolCpuShare:P1} | {Dropped} |");
    }

    private sealed record Options(int Clients, int Baseline, int Rate, int DurationSeconds, int WarmupSeconds)
    {
        public static Options Parse(string[] args)
        {
            var options = new Options(1000, 10, 20, 60, 10);
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
                    _ => throw new ArgumentException($"Unknown argument '{args[i - 1]}'. Use --clients N, --baseline N, --rate N, --duration S, --warmup S."),
                };
            }

            return options.Clients < options.Baseline || options.Baseline < 1 || options.Rate < 1 || options.DurationSeconds < 1
                ? throw new ArgumentException("Need 1 <= --baseline <= --clients, --rate >= 1 and --duration >= 1.")
                : options;
        }
    }
}
