using System.Text;
using BenchmarkDotNet.Attributes;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;
using Monitor.Embeddings;

namespace Monitor.Benchmarks;

/// <summary>
/// The three ways of deciding on 2 KB real statements (texts of the real corpus, joined to 2 048 UTF-8 bytes):
/// the rules alone (baseline), the rules with the trained calibration, and the hybrid with sentence embeddings, its
/// cache off (every sentence embedded, the cost of a new statement) and on (a re-tag of statements already seen).
/// One operation is one statement.
/// </summary>
[MemoryDiagnoser]
public class HybridTaggerBenchmarks
{
    private const int Statements = 32;

    private List<(string Title, string Text)> _statements = [];
    private Tagger _rules = null!;
    private Tagger _calibrated = null!;
    private Tagger _hybridCold = null!;
    private Tagger _hybridWarm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var topics = TopicFile.LoadDefault();
        _rules = Taggers.Create(topics, Taggers.Mode.Rules);
        _calibrated = Taggers.Create(topics, Taggers.Mode.Calibrated);
        _hybridCold = Taggers.Create(topics, Taggers.Mode.Hybrid, embedder: new MiniLmEmbedder(cacheCapacity: 0));
        _hybridWarm = Taggers.Create(topics, Taggers.Mode.Hybrid);
        _statements = TwoKilobyteStatements.Real(Statements);
        foreach (var (title, text) in _statements)
        {
            _hybridWarm.Analyse(title, text);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Statements, Description = "rules (minScore)")]
    public int Rules() => Run(_rules);

    [Benchmark(OperationsPerInvoke = Statements, Description = "rules + calibration")]
    public int Calibrated() => Run(_calibrated);

    [Benchmark(OperationsPerInvoke = Statements, Description = "hybrid, new statements (cache off)")]
    public int HybridCold() => Run(_hybridCold);

    [Benchmark(OperationsPerInvoke = Statements, Description = "hybrid, statements seen before (cache on)")]
    public int HybridWarm() => Run(_hybridWarm);

    private int Run(Tagger tagger)
    {
        var found = 0;
        foreach (var (title, text) in _statements)
        {
            found += tagger.Analyse(title, text).Topics.Count;
        }

        return found;
    }
}

/// <summary>Statements of exactly 2 048 UTF-8 bytes: consecutive labelled statements' texts joined, cut at 2 KB.</summary>
internal static class TwoKilobyteStatements
{
    private const int Bytes = 2048;

    /// <summary>From the real corpus (the hybrid's benchmarks).</summary>
    public static List<(string Title, string Text)> Real(int count, int offset = 0) => From(Corpus.LoadDefault(), count, offset);

    public static List<(string Title, string Text)> From(IReadOnlyList<LabelledStatement> source, int count, int offset = 0)
    {
        var result = new List<(string, string)>(count);
        var next = offset;
        for (var s = 0; s < count; s++)
        {
            var title = source[next % source.Count].Title;
            var body = new StringBuilder();
            while (Encoding.UTF8.GetByteCount(body.ToString()) < Bytes)
            {
                body.Append(source[next++ % source.Count].Text).Append(' ');
            }

            var text = body.ToString();
            while (Encoding.UTF8.GetByteCount(text) > Bytes)
            {
                text = text[..^1];
            }

            result.Add((title, text));
        }

        return result;
    }
}
