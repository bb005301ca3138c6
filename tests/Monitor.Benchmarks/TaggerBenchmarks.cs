using System.Text;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Benchmarks;

/// <summary>
/// The tagger on 2 KB statements (built from the labelled set), against a naive baseline that runs one compiled
/// regular expression per term over every statement. One operation is one statement.
/// </summary>
[MemoryDiagnoser]
public class TaggerBenchmarks
{
    private const int Statements = 64;

    private readonly List<(string Title, string Text)> _statements = [];
    private Tagger _tagger = null!;
    private Regex[] _termPatterns = [];

    public int StatementCount => _statements.Count;

    public long TotalBytes => _statements.Sum(s => (long)Encoding.UTF8.GetByteCount(s.Text));

    [GlobalSetup]
    public void Setup()
    {
        var topics = TopicFile.LoadDefault();
        _tagger = new Tagger(topics);
        _termPatterns = [.. topics.Topics.SelectMany(t => t.Terms).Select(t =>
            new Regex($@"\b{Regex.Escape(t.Text)}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled))];

        // 2 KB statements: consecutive labelled statements joined until the body reaches 2 048 UTF-8 bytes.
        _statements.AddRange(TwoKilobyteStatements.From(Evaluator.LoadDefaultSet(), Statements));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Statements, Description = "naive: one regex per term")]
    public int RegexPerTerm()
    {
        var matches = 0;
        foreach (var (title, text) in _statements)
        {
            foreach (var pattern in _termPatterns)
            {
                matches += pattern.Count(title) + pattern.Count(text);
            }
        }

        return matches;
    }

    [Benchmark(OperationsPerInvoke = Statements, Description = "Tagger.Analyse (topics + figures)")]
    public int Tagger()
    {
        var found = 0;
        foreach (var (title, text) in _statements)
        {
            var result = _tagger.Analyse(title, text);
            found += result.Topics.Count + result.Figures.Count;
        }

        return found;
    }
}
