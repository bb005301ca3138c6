using BenchmarkDotNet.Running;
using Monitor.SourcesBenchmark;

// BenchmarkDotNet:  dotnet run -c Release --project tests/Monitor.SourcesBenchmark -- --filter '*' --job short
// Interleaved:      dotnet run -c Release --project tests/Monitor.SourcesBenchmark -- --interleaved
if (args is ["--interleaved", ..])
{
    Interleaved.Run(rounds: 8, iterations: 300);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AdapterBenchmarks).Assembly).Run(args);
