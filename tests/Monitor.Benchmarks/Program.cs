using BenchmarkDotNet.Running;
using Monitor.Benchmarks;

// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*TaggerBenchmarks*' [--job short] [--inProcess]
// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*AdapterBenchmarks*' [--job short]
// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*SubscriptionMatcherBenchmarks*' [--job short]
// dotnet run -c Release --project tests/Monitor.Benchmarks -- cpu           (tagger throughput per core from thread CPU time)
// dotnet run -c Release --project tests/Monitor.Benchmarks -- interleaved   (adapters round-robin, best of 8)
switch (args)
{
    case ["cpu", ..]:
        CpuTimeRun.Run(Console.Out);
        return;
    case ["interleaved", ..]:
        AdapterInterleavedRun.Run(rounds: 8, iterations: 300);
        return;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(TaggerBenchmarks).Assembly).Run(args);
        return;
}
