using System.Diagnostics;
using System.Text;

namespace Monitor.Benchmarks;

/// <summary>
/// Throughput per core measured in CPU time of the running thread, not wall time: on a machine shared with other
/// work the wall clock also counts the time other processes hold the core. Same statements and baseline as
/// <see cref="TaggerBenchmarks"/>, alternated in rounds so both see the same machine.
/// </summary>
internal static class CpuTimeRun
{
    private const int Rounds = 5;

    public static void Run(TextWriter output)
    {
        var benchmarks = new TaggerBenchmarks();
        benchmarks.Setup();
        var statements = benchmarks.StatementCount;
        var bytes = benchmarks.TotalBytes;
        benchmarks.Tagger();
        benchmarks.RegexPerTerm();

        double taggerCpu = 0, regexCpu = 0;
        long taggerAllocated = 0;
        var taggerRuns = 0;
        var regexRuns = 0;
        for (var round = 0; round < Rounds; round++)
        {
            taggerCpu += Measure(() => benchmarks.Tagger(), 20, ref taggerRuns, out var allocated);
            taggerAllocated += allocated;
            regexCpu += Measure(() => benchmarks.RegexPerTerm(), 2, ref regexRuns, out _);
        }

        var taggerPerStatement = taggerCpu / (taggerRuns * statements);
        var regexPerStatement = regexCpu / (regexRuns * statements);
        var statementBytes = (double)bytes / statements;
        output.WriteLine($"{statements} statements of {statementBytes:0} bytes (UTF-8), {Rounds} alternating rounds, CPU time of this thread");
        output.WriteLine($"| method | CPU µs/statement | statements/s per core | MB/s per core | allocated B/statement | ratio |");
        output.WriteLine($"|---|---:|---:|---:|---:|---:|");
        output.WriteLine($"| naive: one regex per term | {regexPerStatement * 1e6:0.0} | {1 / regexPerStatement:0} | {statementBytes / regexPerStatement / 1e6:0.00} | - | 1.00 |");
        output.WriteLine($"| Tagger.Analyse | {taggerPerStatement * 1e6:0.0} | {1 / taggerPerStatement:0} | {statementBytes / taggerPerStatement / 1e6:0.00} | {taggerAllocated / (double)(taggerRuns * statements):0} | {taggerPerStatement / regexPerStatement:0.000} |");
    }

    private static double Measure(Action run, int repeat, ref int runs, out long allocated)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = ThreadCpu();
        for (var i = 0; i < repeat; i++)
        {
            run();
        }

        var seconds = (ThreadCpu() - start).TotalSeconds;
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        runs += repeat;
        return seconds;
    }

    // The current thread's user + kernel time, from /proc (Linux), else the process's (single-threaded here).
    private static TimeSpan ThreadCpu()
    {
        var path = $"/proc/thread-self/stat";
        if (File.Exists(path))
        {
            var fields = File.ReadAllText(path, Encoding.ASCII).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
        }

        return Process.GetCurrentProcess().TotalProcessorTime;
    }
}
