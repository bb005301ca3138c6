using BenchmarkDotNet.Running;
using Monitor.Benchmarks;

// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*TaggerBenchmarks*' [--job short] [--inProcess]
// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*AdapterBenchmarks*' [--job short]
// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*SubscriptionMatcherBenchmarks*' [--job short]
// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*EntityExtractorBenchmarks*' --job short   (docs/entities.md)
// dotnet run -c Release --project tests/Monitor.Benchmarks -- cpu           (tagger throughput per core from thread CPU time)
// dotnet run -c Release --project tests/Monitor.Benchmarks -- interleaved   (adapters round-robin, best of 8)
// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*HybridTaggerBenchmarks*' --job short --inProcess
// dotnet run -c Release --project tests/Monitor.Benchmarks -- hybrid [N]    (hybrid tagger: load, memory, CPU, statements/s)
// dotnet run -c Release --project tests/Monitor.Benchmarks -- retag N       (re-tag N distinct statements with the hybrid)
// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*EventClustererBenchmarks*' --job short   (event assignment vs embedding)
// dotnet run -c Release --project tests/Monitor.Benchmarks -- events [N] [postgres-connection-string]  (event clustering of a store's N newest statements: embed vs assign vs store)
switch (args)
{
    case ["events", ..]:
        await EventStoreRun.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000, args.Length > 2 ? args[2] : null);
        return;
    case ["hybrid", ..]:
        HybridCostRun.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
        return;
    case ["retag", var count, ..]:
        HybridCostRun.Retag(Console.Out, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
        return;
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
