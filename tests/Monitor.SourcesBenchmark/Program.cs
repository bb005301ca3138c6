using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Monitor.SourcesBenchmark -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Monitor.SourcesBenchmark.AdapterBenchmarks).Assembly).Run(args);
