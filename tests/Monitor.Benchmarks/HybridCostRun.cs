using System.Diagnostics;
using Monitor.Core.Tagging;
using Monitor.Embeddings;

namespace Monitor.Benchmarks;

/// <summary>
/// <c>-- hybrid [statements]</c>: what the hybrid tagger costs a process, measured in one run against the rules alone:
/// model load time, resident memory, CPU per 2 KB statement on one thread, and statements per second on every core
/// (one tagging thread per core, as the Tagging worker's consumers run). The embedding cache is off, so every
/// statement is new. <c>-- retag N</c>: tags N distinct 2 KB statements on every core with the hybrid, printing progress,
/// rate and ETA as a re-tag of history would (cache off: every sentence embedded).
/// </summary>
internal static class HybridCostRun
{
    public static void Run(TextWriter output, int statements)
    {
        var topics = TopicFile.LoadDefault();
        var data = TwoKilobyteStatements.Real(statements);
        var rules = Taggers.Create(topics, Taggers.Mode.Rules);
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        var load = Stopwatch.StartNew();
        var embedder = new MiniLmEmbedder(cacheCapacity: 0);
        var hybrid = Taggers.Create(topics, Taggers.Mode.Hybrid, embedder: embedder);
        hybrid.Analyse(data[0].Title, data[0].Text); // the first call finishes loading ONNX Runtime's session
        load.Stop();
        GC.Collect();
        var after = Process.GetCurrentProcess().WorkingSet64;
        output.WriteLine($"Model load (first statement included): {load.Elapsed.TotalMilliseconds:0} ms; resident memory {before / 1048576} MB -> {after / 1048576} MB (+{(after - before) / 1048576} MB)");

        var calibrated = Taggers.Create(topics, Taggers.Mode.Calibrated);
        var rulesCpu = CpuPerStatement(rules, data);
        var calibratedCpu = CpuPerStatement(calibrated, data);
        var hybridCpu = CpuPerStatement(hybrid, data);
        output.WriteLine($"CPU per 2 KB statement, one thread: rules {rulesCpu * 1000:0.0} µs, rules + calibration (word profiles, no model) {calibratedCpu * 1000:0.0} µs (ratio {calibratedCpu / rulesCpu:0.0}), hybrid {hybridCpu * 1000:0.0} µs (ratio {hybridCpu / rulesCpu:0})");

        var cores = Environment.ProcessorCount;
        var wall = Stopwatch.StartNew();
        Parallel.ForEach(data, new ParallelOptions { MaxDegreeOfParallelism = cores }, s => hybrid.Analyse(s.Title, s.Text));
        wall.Stop();
        output.WriteLine($"Hybrid on {cores} threads: {data.Count} statements in {wall.Elapsed.TotalSeconds:0.00} s = {data.Count / wall.Elapsed.TotalSeconds:0.0} statements/s (budget: 50/s on 2 cores)");
        output.WriteLine($"Sentences embedded: {(double)embedder.Counts.Embedded / ((data.Count * 2) + 1):0.0} per statement");
    }

    public static void Retag(TextWriter output, int statements)
    {
        var topics = TopicFile.LoadDefault();
        // Cache off: the corpus is a few hundred texts, so its sentences would repeat far more often than history's.
        var hybrid = Taggers.Create(topics, Taggers.Mode.Hybrid, embedder: new MiniLmEmbedder(cacheCapacity: 0));
        var done = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        const int batch = 500;
        for (var start = 0; start < statements; start += batch)
        {
            // Each batch starts at another offset of the corpus.
            var data = TwoKilobyteStatements.Real(Math.Min(batch, statements - start), offset: start * 7);
            Parallel.ForEach(data, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, s => hybrid.Analyse(s.Title, s.Text));
            done += data.Count;
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(30) || done == statements)
            {
                lastReport = clock.Elapsed;
                var rate = done / clock.Elapsed.TotalSeconds;
                var eta = TimeSpan.FromSeconds((statements - done) / rate);
                output.WriteLine($"Re-tagged {done} of {statements} ({100.0 * done / statements:0.0}%), {rate:0.0} statements/s, ETA {eta:hh\\:mm\\:ss}");
            }
        }

        output.WriteLine($"Re-tag of {statements} statements with the hybrid: {clock.Elapsed:hh\\:mm\\:ss} ({statements / clock.Elapsed.TotalSeconds:0.0} statements/s)");
    }

    private static double CpuPerStatement(Tagger tagger, List<(string Title, string Text)> data)
    {
        var start = ProcessCpu();
        foreach (var (title, text) in data)
        {
            tagger.Analyse(title, text);
        }

        return (ProcessCpu() - start).TotalMilliseconds / data.Count;
    }

    // The whole process's CPU time: ONNX Runtime's own threads are counted too.
    private static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;
}
