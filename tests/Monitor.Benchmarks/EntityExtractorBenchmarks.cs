using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Monitor.Core.Entities;
using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Benchmarks;

/// <summary>
/// The entity extractor on 64 real statements of the corpus (title + text, 1.7 KB on average), against two plain
/// baselines in the same run: one compiled regular expression per alias (the obvious way), and one compiled
/// alternation of every alias. One operation is one statement.
/// </summary>
/// <remarks>
/// The baselines find the same words (whole words, case-sensitive as written) but skip what the extractor also does:
/// diacritic folding, the case rules per word, the first-name guard and the leftmost-longest choice; they are a floor
/// for what a regular expression costs, not an equal.
/// </remarks>
[MemoryDiagnoser]
public class EntityExtractorBenchmarks
{
    private const int Statements = 64;

    private (string Title, string Text)[] _statements = [];
    private EntityExtractor _extractor = null!;
    private Regex[] _perAlias = [];
    private Regex _alternation = null!;

    [GlobalSetup]
    public void Setup()
    {
        var gazetteer = Gazetteer.LoadDefault();
        _extractor = new EntityExtractor(gazetteer);
        var aliases = gazetteer.Entities.SelectMany(e => e.Aliases.Concat(e.Adjectives)).Distinct().OrderByDescending(a => a.Length).ToList();
        _perAlias = [.. aliases.Select(a => new Regex($@"\b{Regex.Escape(a)}\b", RegexOptions.CultureInvariant | RegexOptions.Compiled))];
        _alternation = new Regex($@"\b(?:{string.Join('|', aliases.Select(Regex.Escape))})\b", RegexOptions.CultureInvariant | RegexOptions.Compiled);
        _statements = [.. Corpus.LoadDefault().Take(Statements).Select(s => (s.Title, s.Text))];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Statements, Description = "plain: one regex per alias")]
    public int RegexPerAlias()
    {
        var found = 0;
        foreach (var (title, text) in _statements)
        {
            foreach (var pattern in _perAlias)
            {
                found += pattern.Count(title) + pattern.Count(text);
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Statements, Description = "plain: one alternation regex")]
    public int RegexAlternation()
    {
        var found = 0;
        foreach (var (title, text) in _statements)
        {
            found += _alternation.Count(title) + _alternation.Count(text);
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Statements, Description = "EntityExtractor.Mentions")]
    public int Extractor()
    {
        var found = 0;
        foreach (var (title, text) in _statements)
        {
            found += _extractor.Mentions(title, text).Count;
        }

        return found;
    }
}
