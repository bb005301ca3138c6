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

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    [ThreadStatic]
    private static TermScanner? t_scanner;

    // The vocabulary as ids: a statement's terms are looked up by span (no string per word), and the profiles are dense
    // arrays over the ids (the last one is the "none" profile), so a similarity is one array read per term of the statement.
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _ids;
    private readonly double[] _idf;
    private readonly float[]?[] _profiles;

    /// <param name="file">As trained (<see cref="Train"/>).</param>
    /// <param name="topicIds">The topic file's ids, in its order: the profiles are looked up by id.</param>
    public WordProfiles(WordProfilesFile file, IReadOnlyList<string> topicIds)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(topicIds);
        var ids = new Dictionary<string, int>(file.Idf.Count, StringComparer.Ordinal);
        _idf = new double[file.Idf.Count];
        foreach (var (term, idf) in file.Idf)
        {
            _idf[ids.Count] = idf;
            ids[term] = ids.Count;
        }

        _ids = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _profiles = [.. topicIds.Append(NoTopic).Select(id => file.Topics.GetValueOrDefault(id) is { } profile ? Dense(profile, ids) : null)];
    }

    /// <summary>The profile of the statements about none of the topics is stored under this id.</summary>
    public const string NoTopic = "";

    /// <summary>
    /// Per topic (topic file order), the cosine of the statement's word vector with the topic's profile; the last
    /// value is the cosine with the profile of the statements about none of the topics.
    /// </summary>
    public double[] Similarities(string? title, string? text)
    {
        var scanner = t_scanner ??= new TermScanner();
        var counts = scanner.Counts;
        counts.Clear();
        foreach (var (field, weight) in (ReadOnlySpan<(string?, int)>)[(title, 2), (text, 1)])
        {
            scanner.Scan(field);
            for (var k = 0; k < scanner.Count; k++)
            {
                if (_ids.TryGetValue(scanner.Term(k), out var id))
                {
                    counts[id] = counts.GetValueOrDefault(id) + weight;
                }
            }
        }

        double norm = 0;
        foreach (var (id, count) in counts)
        {
            var w = (1 + Math.Log(count)) * _idf[id];
            norm += w * w;
        }

        var result = new double[_profiles.Length];
        if (norm == 0)
        {
            return result;
        }

        norm = Math.Sqrt(norm);
        foreach (var (id, count) in counts)
        {
            var w = (1 + Math.Log(count)) * _idf[id] / norm;
            for (var t = 0; t < _profiles.Length; t++)
            {
                if (_profiles[t] is { } profile)
                {
                    result[t] += w * profile[id];
                }
            }
        }

        return result;
    }

    private static float[] Dense(IReadOnlyDictionary<string, double> profile, Dictionary<string, int> ids)
    {
        var dense = new float[ids.Count];
        foreach (var (term, weight) in profile)
        {
            if (ids.TryGetValue(term, out var id))
            {
                dense[id] = (float)weight;
            }
        }

        return dense;
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
        var scanner = t_scanner ??= new TermScanner();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (field, weight) in (ReadOnlySpan<(string?, int)>)[(title, 2), (text, 1)])
        {
            scanner.Scan(field);
            for (var k = 0; k < scanner.Count; k++)
            {
                var term = scanner.Term(k).ToString();
                counts[term] = counts.GetValueOrDefault(term) + weight;
            }
        }

        return counts;
    }

    /// <summary>
    /// The terms of a field, the one definition training and tagging share: the tagger's tokens without stop words, numbers
    /// and one-letter words, and each pair of adjacent kept words ("eastern flank"), written into a reused buffer.
    /// </summary>
    private sealed class TermScanner
    {
        private readonly TokenBuffer _tokens = new();
        private readonly List<(int Start, int Length)> _terms = [];
        private char[] _chars = new char[4096];
        private int _used;

        public Dictionary<int, int> Counts { get; } = [];

        public int Count => _terms.Count;

        public ReadOnlySpan<char> Term(int index) => _chars.AsSpan(_terms[index].Start, _terms[index].Length);

        public void Scan(string? field)
        {
            _terms.Clear();
            _used = 0;
            _tokens.Scan(field);
            var previous = -1;
            for (var i = 0; i < _tokens.Count; i++)
            {
                var token = _tokens.Text(i);
                if (token.Length < 2 || char.IsDigit(token[0]) || StopLookup.Contains(token))
                {
                    previous = -1;
                    continue;
                }

                Add(token, default);
                if (previous >= 0)
                {
                    Add(_tokens.Text(previous), token);
                }

                previous = i;
            }
        }

        // Writes "first" or "first second" into the buffer as the next term.
        private void Add(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
        {
            var length = first.Length + (second.IsEmpty ? 0 : second.Length + 1);
            if (_used + length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + length));
            }

            first.CopyTo(_chars.AsSpan(_used));
            if (!second.IsEmpty)
            {
                _chars[_used + first.Length] = ' ';
                second.CopyTo(_chars.AsSpan(_used + first.Length + 1));
            }

            _terms.Add((_used, length));
            _used += length;
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
}

/// <summary>The JSON of <see cref="WordProfiles"/>: idf per word, and per topic its profile (word → weight, unit length).</summary>
public sealed record WordProfilesFile(IReadOnlyDictionary<string, double> Idf, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Topics);
