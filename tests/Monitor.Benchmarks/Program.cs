using BenchmarkDotNet.Running;
using Monitor.Benchmarks;

// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*TaggerBenchmarks*' [--job short] [--inProcess]
// dotnet run -c Release --project tests/Monitor.Benchmarks -- cpu   (throughput per core from thread CPU time)
if (args is ["cpu", ..])
{
    CpuTimeRun.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
