using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*Tagger*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
