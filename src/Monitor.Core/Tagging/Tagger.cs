using Monitor.Contracts;
using Monitor.Core.Text;

namespace Monitor.Core.Tagging;

/// <summary>
/// Scores a statement against the baseline topics by whole-word phrase matching on normalised tokens.
/// </summary>
/// <remarks>
/// Terms are indexed by their first token once, at construction; a call tokenises the text once and looks each
/// token up, so the cost grows with the text, not with the number of terms. Per topic, a match overlapped by one of
/// the topic's exclusions is dropped, and of overlapping matches only the heaviest (then longest) counts
/// ("sanctions package", not also "sanctions"). A term found in the title counts <see cref="TitleFactor"/> times
/// its weight; in the text, its weight times 1, 1.5 or 2 for one, two or three and more occurrences. The sum s
/// becomes a score in 0..1 as 1 - exp(-s / <see cref="Saturation"/>).
/// </remarks>
public sealed class Tagger(TopicFile topics)
{
    private const double TitleFactor = 2.0;
    private const double Saturation = 4.0;

    private readonly TopicDefinition[] _topics = [.. topics.Topics];
    private readonly Dictionary<string, Pattern[]> _byFirstToken = Index(topics.Topics);

    /// <summary>The <see cref="TopicFile.Version"/> every tag from this tagger should record.</summary>
    public string BaselineVersion { get; } = topics.Version;

    /// <summary>The topics the statement is about, highest score first; none when nothing matched well enough.</summary>
    public IReadOnlyList<TopicScore> Tag(string title, string text)
    {
        var found = new Dictionary<int, TopicEvidence>();
        Collect(Tokens.Split(title), inTitle: true, found);
        Collect(Tokens.Split(text), inTitle: false, found);

        var scores = new List<(TopicScore Score, int Order)>();
        foreach (var (topicIndex, evidence) in found)
        {
            var topic = _topics[topicIndex];
            var sum = evidence.Terms.Sum(t =>
                (t.TitleCount > 0 ? TitleFactor * t.Weight : 0)
                + (t.TextCount > 0 ? t.Weight * (1 + (0.5 * (Math.Min(t.TextCount, 3) - 1))) : 0));
            var score = 1 - Math.Exp(-sum / Saturation);
            if (score >= topic.MinScore)
            {
                var terms = evidence.Terms.Select(t => t.Text).ToList();
                scores.Add((new TopicScore(topic.Id, Math.Round(score, 3), terms), topicIndex));
            }
        }

        return [.. scores.OrderByDescending(s => s.Score.Score).ThenBy(s => s.Order).Select(s => s.Score)];
    }

    private void Collect(List<string> tokens, bool inTitle, Dictionary<int, TopicEvidence> found)
    {
        // Every pattern occurrence, then per topic: exclusions veto what they overlap, the heaviest overlap wins.
        var matches = new List<Match>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!_byFirstToken.TryGetValue(tokens[i], out var candidates))
            {
                continue;
            }

            foreach (var pattern in candidates)
            {
                if (Matches(tokens, i, pattern.Tokens))
                {
                    matches.Add(new Match(pattern, i, i + pattern.Tokens.Length));
                }
            }
        }

        foreach (var group in matches.GroupBy(m => m.Pattern.Topic))
        {
            var exclusions = group.Where(m => m.Pattern.IsExclusion).ToList();
            var kept = new List<Match>();
            foreach (var match in group
                         .Where(m => !m.Pattern.IsExclusion && !exclusions.Any(x => x.Overlaps(m)))
                         .OrderByDescending(m => m.Pattern.Weight)
                         .ThenByDescending(m => m.End - m.Start)
                         .ThenBy(m => m.Start))
            {
                if (!kept.Any(k => k.Overlaps(match)))
                {
                    kept.Add(match);
                }
            }

            if (kept.Count == 0)
            {
                continue;
            }

            if (!found.TryGetValue(group.Key, out var evidence))
            {
                found[group.Key] = evidence = new TopicEvidence();
            }

            foreach (var match in kept.OrderBy(m => m.Start))
            {
                evidence.Count(match.Pattern, inTitle);
            }
        }
    }

    private static bool Matches(List<string> tokens, int start, string[] pattern)
    {
        if (start + pattern.Length > tokens.Count)
        {
            return false;
        }

        for (var j = 1; j < pattern.Length; j++)
        {
            if (!string.Equals(tokens[start + j], pattern[j], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, Pattern[]> Index(IReadOnlyList<TopicDefinition> topics)
    {
        var patterns = new List<Pattern>();
        for (var t = 0; t < topics.Count; t++)
        {
            foreach (var term in topics[t].Terms)
            {
                patterns.Add(new Pattern(t, [.. Tokens.Split(term.Text)], term.Text, term.Weight, isExclusion: false));
            }

            foreach (var exclusion in topics[t].Exclusions)
            {
                patterns.Add(new Pattern(t, [.. Tokens.Split(exclusion)], exclusion, 0, isExclusion: true));
            }
        }

        return patterns
            .Where(p => p.Tokens.Length > 0)
            .GroupBy(p => p.Tokens[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    // A class, not a record: patterns are compared by identity when hits are counted.
    private sealed class Pattern(int topic, string[] tokens, string text, double weight, bool isExclusion)
    {
        public int Topic { get; } = topic;

        public string[] Tokens { get; } = tokens;

        public string Text { get; } = text;

        public double Weight { get; } = weight;

        public bool IsExclusion { get; } = isExclusion;
    }

    private readonly record struct Match(Pattern Pattern, int Start, int End)
    {
        public bool Overlaps(Match other) => Start < other.End && other.Start < End;
    }

    private sealed class TermHits(string text, double weight)
    {
        public string Text { get; } = text;

        public double Weight { get; } = weight;

        public int TitleCount { get; set; }

        public int TextCount { get; set; }
    }

    /// <summary>Matched terms of one topic, in order of first appearance (title first, then text).</summary>
    private sealed class TopicEvidence
    {
        private readonly Dictionary<Pattern, TermHits> _byPattern = [];

        public List<TermHits> Terms { get; } = [];

        public void Count(Pattern pattern, bool inTitle)
        {
            if (!_byPattern.TryGetValue(pattern, out var hits))
            {
                _byPattern[pattern] = hits = new TermHits(pattern.Text, pattern.Weight);
                Terms.Add(hits);
            }

            if (inTitle)
            {
                hits.TitleCount++;
            }
            else
            {
                hits.TextCount++;
            }
        }
    }
}
