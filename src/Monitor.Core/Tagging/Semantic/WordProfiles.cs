using Monitor.Core.Text;

namespace Monitor.Core.Tagging.Semantic;

/// <summary>
/// What the labelled train statements of each topic say, word by word: a tf-idf profile per topic (the unit-length
/// centroid of its statements' word vectors, kept to its <see cref="TermsPerTopic"/> heaviest words and word pairs).
/// A statement's cosine with a profile is a feature of the decision: it learns the institutions' own vocabulary for a
/// topic ("thousands more troops to the eastern part of the Alliance"), where the topic file's terms are written by hand.
/// </summary>
/// <remarks>
/// Words are the tagger's normalised tokens (<see cref="Tokens"/>: lower case, British spelling, numbers as values),
/// without stop words and numbers; word pairs are adjacent kept words. Title words count twice. Weights are
/// (1 + log tf) × idf, the document frequency taken over the train statements, words in fewer than two ignored.
/// No model download, no embedding: a few tens of microseconds per statement, so the rules-only mode has it too.
/// </remarks>
public sealed class WordProfiles
{
    /// <summary>Words and word pairs kept per topic profile.</summary>
    public const int TermsPerTopic = 1500;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
        "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here",
        "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my",
        "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same",
        "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these",
        "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
        "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "s", "t", "mr", "ms", "said",
        "says", "today", "yesterday", "us", "one", "two", "three", "new", "may", "must", "shall", "within", "upon", "per",
    };

    private readonly IReadOnlyDictionary<string, double> _idf;
    private readonly IReadOnlyDictionary<string, double>?[] _profiles;
    private readonly IReadOnlyDictionary<string, double>? _none;

    /// <param name="file">As trained (<see cref="Train"/>).</param>
    /// <param name="topicIds">The topic file's ids, in its order: the profiles are looked up by id.</param>
    public WordProfiles(WordProfilesFile file, IReadOnlyList<string> topicIds)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(topicIds);
        _idf = file.Idf;
        _profiles = [.. topicIds.Select(id => file.Topics.GetValueOrDefault(id))];
        _none = file.Topics.GetValueOrDefault(NoTopic);
    }

    /// <summary>The profile of the statements about none of the topics is stored under this id.</summary>
    public const string NoTopic = "";

    /// <summary>
    /// Per topic (topic file order), the cosine of the statement's word vector with the topic's profile; the last
    /// value is the cosine with the profile of the statements about none of the topics.
    /// </summary>
    public double[] Similarities(string? title, string? text)
    {
        var vector = Vector(title, text, _idf);
        var result = new double[_profiles.Length + 1];
        for (var t = 0; t < _profiles.Length; t++)
        {
            result[t] = _profiles[t] is { } profile ? Cosine(vector, profile) : 0;
        }

        result[^1] = _none is null ? 0 : Cosine(vector, _none);
        return result;
    }

    /// <summary>Profiles of every topic with a positive among <paramref name="statements"/>.</summary>
    public static WordProfilesFile Train(IReadOnlyList<(string Title, string Text, IReadOnlyCollection<string> Topics)> statements, IEnumerable<string> topicIds)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(topicIds);
        var counts = statements.Select(s => Counts(s.Title, s.Text)).ToList();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in counts)
        {
            foreach (var term in c.Keys)
            {
                df[term] = df.GetValueOrDefault(term) + 1;
            }
        }

        var n = statements.Count;
        var idf = df.Where(kv => kv.Value >= 2)
            .ToDictionary(kv => kv.Key, kv => Math.Round(Math.Log((n + 1.0) / (kv.Value + 1.0)) + 1, 4), StringComparer.Ordinal);
        var vectors = counts.Select(c => Weigh(c, idf)).ToList();
        var topics = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var id in topicIds.Append(NoTopic))
        {
            var centroid = new Dictionary<string, double>(StringComparer.Ordinal);
            var positives = 0;
            for (var i = 0; i < n; i++)
            {
                if (id == NoTopic ? statements[i].Topics.Count > 0 : !statements[i].Topics.Contains(id))
                {
                    continue;
                }

                positives++;
                foreach (var (term, weight) in vectors[i])
                {
                    centroid[term] = centroid.GetValueOrDefault(term) + weight;
                }
            }

            if (positives == 0)
            {
                continue;
            }

            var kept = centroid.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(TermsPerTopic).ToList();
            var norm = Math.Sqrt(kept.Sum(kv => kv.Value * kv.Value));
            topics[id] = kept.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / norm, 5), StringComparer.Ordinal);
        }

        return new WordProfilesFile(idf, topics);
    }

    // Term counts of a statement: kept words and adjacent kept-word pairs; title terms count twice.
    private static Dictionary<string, int> Counts(string? title, string? text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Add(title, 2);
        Add(text, 1);
        return counts;

        void Add(string? field, int weight)
        {
            string? previous = null;
            foreach (var token in Tokens.Split(field))
            {
                if (token.Length < 2 || StopWords.Contains(token) || char.IsDigit(token[0]))
                {
                    previous = null;
                    continue;
                }

                counts[token] = counts.GetValueOrDefault(token) + weight;
                if (previous is not null)
                {
                    var pair = previous + " " + token;
                    counts[pair] = counts.GetValueOrDefault(pair) + weight;
                }

                previous = token;
            }
        }
    }

    private static Dictionary<string, double> Weigh(Dictionary<string, int> counts, IReadOnlyDictionary<string, double> idf)
    {
        var vector = new Dictionary<string, double>(counts.Count, StringComparer.Ordinal);
        foreach (var (term, count) in counts)
        {
            if (idf.TryGetValue(term, out var weight))
            {
                vector[term] = (1 + Math.Log(count)) * weight;
            }
        }

        var norm = Math.Sqrt(vector.Values.Sum(v => v * v));
        if (norm > 0)
        {
            foreach (var term in vector.Keys.ToList())
            {
                vector[term] /= norm;
            }
        }

        return vector;
    }

    private static Dictionary<string, double> Vector(string? title, string? text, IReadOnlyDictionary<string, double> idf) =>
        Weigh(Counts(title, text), idf);

    private static double Cosine(Dictionary<string, double> vector, IReadOnlyDictionary<string, double> profile)
    {
        double dot = 0;
        foreach (var (term, weight) in vector)
        {
            if (profile.TryGetValue(term, out var p))
            {
                dot += weight * p;
            }
        }

        return dot;
    }
}

/// <summary>The JSON of <see cref="WordProfiles"/>: idf per word, and per topic its profile (word → weight, unit length).</summary>
public sealed record WordProfilesFile(IReadOnlyDictionary<string, double> Idf, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Topics);
