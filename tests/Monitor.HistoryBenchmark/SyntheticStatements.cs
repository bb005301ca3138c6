using Monitor.Contracts;
using Monitor.Core.Tagging;

namespace Monitor.HistoryBenchmark;

/// <summary>One generated statement, as the stores hold it (revision 1).</summary>
public sealed record SyntheticStatement(
    long Id, string SourceId, string ExternalId, string Title, string Summary, string Body, string Language, long PublishedAt,
    string DocumentType, IReadOnlyList<(string TopicId, double Score, string Term)> Topics, bool Drift);

/// <summary>
/// Writes statements that read like the institutions' news: a title and summary built around one to three baseline topics,
/// a body of 120 to 260 words mixing those topics' own terms (from topics.json) with general wording, dates spread
/// evenly over the years before <see cref="End"/>. Text written by this project; deterministic for a seed.
/// </summary>
public sealed class SyntheticStatements(int seed, DateTimeOffset end, int years)
{
    /// <summary>A word in about one statement in five thousand: the rare full-text case of the benchmark.</summary>
    public const string RareWord = "kaliningrad";

    /// <summary>A word in about half the statements: the common full-text case.</summary>
    public const string CommonWord = "ukraine";

    internal static readonly string[] Sources = ["nato-news", "nato-speeches", "ep-press-releases", "ep-plenary", "ep-top-stories", "ep-plenary-documents"];

    private static readonly string[] Openers =
    [
        "Allies met in Brussels to discuss", "The European Parliament adopted a resolution on", "The Secretary General spoke about",
        "Members of the European Parliament debated", "Foreign ministers reviewed", "Defence ministers agreed on", "The Council welcomed progress on",
        "The President of Parliament addressed",
    ];

    private static readonly string[] Filler =
    [
        "the situation on the ground", "our shared security", "the coming months", "the people of Europe", "close coordination with partners",
        "the decisions taken today", "long-term support", "a stronger and more united response", "the summit declaration", "the plenary session",
        "unity among member states", "the transatlantic bond", "continued dialogue", "the resolution adopted by a large majority", "further steps",
        "the commitments made at the last summit", "the protection of civilians", "the rules-based international order", "regional stability",
    ];

    private static readonly string[] Verbs = ["stressed", "underlined", "reaffirmed", "discussed", "welcomed", "called for", "recalled", "condemned", "supported"];

    private readonly TopicFile _topics = TopicFile.LoadDefault();

    public DateTimeOffset End { get; } = end;

    public IEnumerable<SyntheticStatement> Generate(int count)
    {
        var random = new Random(seed);
        var span = (long)TimeSpan.FromDays(365.25 * years).TotalMilliseconds;
        var start = End.ToUnixTimeMilliseconds() - span;
        for (var i = 1; i <= count; i++)
        {
            // Topic mix: a few topics are much more frequent than others (skewed pick), one to three per statement.
            var topicCount = 1 + random.Next(3);
            var chosen = new List<TopicDefinition>();
            while (chosen.Count < topicCount)
            {
                var index = (int)(Math.Pow(random.NextDouble(), 1.6) * _topics.Topics.Count);
                if (!chosen.Contains(_topics.Topics[index]))
                {
                    chosen.Add(_topics.Topics[index]);
                }
            }

            var terms = chosen.Select(t => t.Terms[random.Next(t.Terms.Count)].Text).ToList();
            var source = Sources[random.Next(Sources.Length)];
            var title = $"{Capitalise(terms[0])}: {Pick(random, Verbs)} {Pick(random, Filler)}";
            var summary = $"{Pick(random, Openers)} {string.Join(" and ", terms)}, and {Pick(random, Filler)}.";
            var body = Body(random, chosen, i);
            var published = start + (long)(random.NextDouble() * span);
            yield return new SyntheticStatement(i, source, $"gen-{i}", title, summary, body, "en", published,
                DocumentTypes.All[random.Next(DocumentTypes.All.Count)],
                chosen.Select((t, n) => (t.Id, Math.Round(0.95 - (n * 0.2) - (random.NextDouble() * 0.2), 3), terms[n])).ToList(),
                random.Next(50) == 0);
        }
    }

    private string Body(Random random, List<TopicDefinition> chosen, int i)
    {
        var words = new List<string>(300);
        var target = 120 + random.Next(140);
        while (words.Count < target)
        {
            var topic = chosen[random.Next(chosen.Count)];
            words.AddRange($"{Pick(random, Openers)} {topic.Terms[random.Next(topic.Terms.Count)].Text}; they {Pick(random, Verbs)} {Pick(random, Filler)}.".Split(' '));
            if (random.Next(4) == 0)
            {
                words.AddRange($"Ministers {Pick(random, Verbs)} {Pick(random, Filler)} with {Pick(random, Filler)}.".Split(' '));
            }
        }

        if (random.Next(2) == 0)
        {
            words.AddRange($"Support for {CommonWord} remains firm.".Split(' '));
        }

        if (i % 5000 == 17)
        {
            words.AddRange($"Forces near {RareWord} were discussed.".Split(' '));
        }

        return string.Join(' ', words);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
