using Monitor.Contracts;

namespace Monitor.Core.Tagging.Semantic;

/// <summary>
/// The features one decision per topic is made from: what the rules found (score, title, lead, coverage, terms)
/// and, with an embedder, how close the statement's sentences come to the topic's reference sentences.
/// </summary>
/// <remarks>
/// <para>Which sentences are embedded (about 4 ms of CPU each): the title, the first <see cref="LeadSentences"/>
/// sentences of the text, then the sentences where the rules matched a term of any topic, most topics first, then
/// sentences that name the subject (a co-occurrence phrase: NATO, Russia, war...), up to <c>maxSentences</c> in all. A passing mention deep in a long text is one sentence among many: coverage and
/// position tell it from a statement about the topic.</para>
/// <para>The features of a topic with no rule match are zero on the rule side, so meaning alone can tag it
/// ("NATO will not send troops into Ukraine" has no term of no-direct-involvement's list).</para>
/// </remarks>
public sealed class TopicFeatures
{
    /// <summary>Rule features (also the first of the hybrid features).</summary>
    public static readonly IReadOnlyList<string> RuleNames = ["rule-score", "rule-in-title", "rule-coverage", "rule-in-lead", "rule-terms", "words", "words-margin", "words-over-none"];

    /// <summary>Hybrid features: the rule features, then the semantic ones.</summary>
    public static readonly IReadOnlyList<string> HybridNames =
    [
        .. RuleNames, "sim-best", "sim-margin", "sim-title", "sim-lead", "sim-coverage", "sim-none", "sim-best-over-none", "rule-x-sim",
        "knn", "knn-nearest-margin", "probe", "sim-share",
    ];

    /// <summary>Neighbours (train statements) that vote in <c>knn</c>.</summary>
    public const int Neighbours = 10;

    /// <summary>Sentences of the text, after the title, that are always embedded.</summary>
    public const int LeadSentences = 3;

    /// <summary>A sentence at least this close to a topic counts for <c>sim-coverage</c>.</summary>
    public const double CoverageSimilarity = 0.5;

    private readonly int _topicCount;
    private readonly ISentenceEmbedder? _embedder;
    private readonly int _maxSentences;
    private readonly Prototype[][] _byTopic;
    private readonly Prototype[] _none;
    private readonly IReadOnlyList<Neighbour> _neighbours;
    private readonly Calibration?[] _probes;
    private readonly string[] _topicIds;
    private readonly WordProfiles? _words;

    public TopicFeatures(TopicFile topics, SemanticParts parts, ISentenceEmbedder? embedder, int maxSentences = 8)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(parts);
        var prototypes = parts.Prototypes;
        _neighbours = parts.Neighbours;
        _topicIds = [.. topics.Topics.Select(t => t.Id)];
        _probes = [.. _topicIds.Select(id => parts.Probes.GetValueOrDefault(id))];
        _words = parts.Words is { } words ? new WordProfiles(words, _topicIds) : null;
        _topicCount = topics.Topics.Count;
        _embedder = embedder;
        _maxSentences = Math.Max(2, maxSentences);
        var index = topics.Topics.Select((t, i) => (t.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        _byTopic = [.. Enumerable.Range(0, _topicCount).Select(i => prototypes.Where(p => index.GetValueOrDefault(p.Topic, -1) == i).ToArray())];
        _none = [.. prototypes.Where(p => p.Topic.Length == 0)];
    }

    public bool Semantic => _embedder is not null;

    /// <summary>The sentences that would be embedded for a statement: (field, start, length, text).</summary>
    public static List<Selected> Select(RuleView view, int maxSentences)
    {
        ArgumentNullException.ThrowIfNull(view);
        var selected = new List<Selected>();
        if (!string.IsNullOrWhiteSpace(view.Title))
        {
            selected.Add(new Selected("title", 0, view.Title.Length, SentenceText.Normalise(view.Title)));
        }

        var sentences = view.Sentences;
        var chosen = new List<int>();
        for (var i = 0; i < sentences.Count && i < LeadSentences; i++)
        {
            chosen.Add(i);
        }

        // Sentences with rule matches, those matched by more topics first.
        var matched = new Dictionary<int, int>();
        foreach (var rule in view.Topics)
        {
            foreach (var e in rule.Evidence)
            {
                if (e.Field == "body" && IndexOf(sentences, e.Start) is var s and >= 0)
                {
                    matched[s] = matched.GetValueOrDefault(s) + 1;
                }
            }
        }

        // Then sentences that name the subject (NATO, Russia, Ukraine, war...) without a term, in text order.
        var candidates = matched.OrderByDescending(m => m.Value).ThenBy(m => m.Key).Select(m => m.Key)
            .Concat(view.ContextOffsets.Select(o => IndexOf(sentences, o)).Where(s => s >= 0));
        foreach (var s in candidates)
        {
            if (selected.Count + chosen.Count >= maxSentences)
            {
                break;
            }

            if (!chosen.Contains(s))
            {
                chosen.Add(s);
            }
        }

        chosen.Sort();
        foreach (var s in chosen.Take(maxSentences - selected.Count))
        {
            var span = sentences[s];
            var text = SentenceText.Normalise(view.Text.AsSpan(span.Start, span.Length));
            if (text.Length > 0)
            {
                selected.Add(new Selected("body", span.Start, span.Length, text));
            }
        }

        return selected;
    }

    /// <summary>
    /// Features of every topic (row per topic, <see cref="HybridNames"/> or <see cref="RuleNames"/> long), and per topic the
    /// sentence and prototype that came closest. Prototypes from <paramref name="excludeSource"/> are not compared.
    /// </summary>
    public Result Compute(RuleView view, string? excludeSource) => Compute(view, excludeSource, null, null);

    /// <summary>
    /// As <see cref="Compute(RuleView, string?)"/>; <paramref name="probes"/> and <paramref name="words"/>, when given,
    /// replace the probe and word-profile similarities per topic (training: each train statement's values from a probe
    /// and profiles made without its fold).
    /// </summary>
    public Result Compute(RuleView view, string? excludeSource, double[]? probes, double[]? words)
    {
        ArgumentNullException.ThrowIfNull(view);
        var width = Semantic ? HybridNames.Count : RuleNames.Count;
        var rows = new double[_topicCount][];
        for (var t = 0; t < _topicCount; t++)
        {
            rows[t] = new double[width];
        }

        foreach (var rule in view.Topics)
        {
            var row = rows[rule.Topic];
            row[0] = rule.Score;
            row[1] = rule.InTitle ? 1 : 0;
            row[2] = rule.TotalSentences == 0 ? 0 : (double)rule.BodySentences / rule.TotalSentences;
            row[3] = rule.InLead ? 1 : 0;
            row[4] = Math.Min(rule.Terms, 3) / 3.0;
        }

        words ??= _words?.Similarities(view.Title, view.Text);
        if (words is not null)
        {
            for (var t = 0; t < _topicCount; t++)
            {
                var other = 0.0;
                for (var u = 0; u < _topicCount; u++)
                {
                    other = u == t ? other : Math.Max(other, words[u]);
                }

                rows[t][5] = words[t];
                rows[t][6] = words[t] - other;
                rows[t][7] = words[t] - words[_topicCount];
            }
        }

        var closest = new Closest?[_topicCount];
        if (_embedder is null)
        {
            return new Result(rows, closest);
        }

        var selected = Select(view, _maxSentences);
        if (selected.Count == 0)
        {
            return new Result(rows, closest);
        }

        var vectors = _embedder.Embed([.. selected.Select(s => s.Text)]);
        var statement = Mean(vectors);
        Neighbourhood(statement, excludeSource, rows);
        for (var t = 0; t < _topicCount; t++)
        {
            rows[t][18] = probes?[t] ?? _probes[t]?.Probability(statement) ?? 0;
        }

        var noneBest = 0.0;
        for (var s = 0; s < selected.Count; s++)
        {
            noneBest = Math.Max(noneBest, Best(vectors[s], _none, excludeSource).Similarity);
        }

        var best = new double[_topicCount];
        var sentenceBest = new double[selected.Count];
        var sentenceTopic = new int[selected.Count];
        Array.Fill(sentenceTopic, -1);
        for (var t = 0; t < _topicCount; t++)
        {
            double max = 0, title = 0, lead = 0;
            var covered = 0;
            var bodySeen = 0;
            for (var s = 0; s < selected.Count; s++)
            {
                var (similarity, prototype) = Best(vectors[s], _byTopic[t], excludeSource);
                if (similarity > max)
                {
                    max = similarity;
                    closest[t] = new Closest(selected[s], prototype!, similarity);
                }

                if (selected[s].Field == "title")
                {
                    title = similarity;
                    lead = Math.Max(lead, similarity);
                }
                else if (bodySeen++ < 2)
                {
                    lead = Math.Max(lead, similarity);
                }

                covered += similarity >= CoverageSimilarity ? 1 : 0;
                if (similarity > sentenceBest[s])
                {
                    sentenceBest[s] = similarity;
                    sentenceTopic[s] = t;
                }
            }

            best[t] = max;
            var row = rows[t];
            row[8] = max;
            row[10] = title;
            row[11] = lead;
            row[12] = (double)covered / selected.Count;
            row[13] = noneBest;
            row[14] = max - noneBest;
            row[15] = row[0] * max;
        }

        for (var t = 0; t < _topicCount; t++)
        {
            var other = 0.0;
            for (var u = 0; u < _topicCount; u++)
            {
                if (u != t)
                {
                    other = Math.Max(other, best[u]);
                }
            }

            rows[t][9] = best[t] - other;
            rows[t][19] = (double)sentenceTopic.Count(x => x == t) / selected.Count;
        }

        return new Result(rows, closest);
    }

    /// <summary>A statement as one vector: the unit-length mean of its embedded sentences' vectors.</summary>
    public static float[] Mean(float[][] vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var mean = new float[vectors[0].Length];
        foreach (var v in vectors)
        {
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] += v[i];
            }
        }

        var norm = MathF.Sqrt(mean.Sum(x => x * x));
        if (norm > 0)
        {
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] /= norm;
            }
        }

        return mean;
    }

    // knn: the similarity-weighted share of the nearest train statements labelled with the topic; knn-nearest-margin:
    // the closest statement labelled with it minus the closest statement not labelled with it.
    private void Neighbourhood(float[] statement, string? excludeSource, double[][] rows)
    {
        if (_neighbours.Count == 0)
        {
            return;
        }

        var scored = new List<(double Similarity, Neighbour Neighbour)>(_neighbours.Count);
        foreach (var n in _neighbours)
        {
            if (excludeSource is null || n.Source != excludeSource)
            {
                scored.Add((Dot(statement, n.Vector), n));
            }
        }

        scored.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
        var top = scored.Take(Neighbours).ToList();
        var total = top.Sum(x => Math.Max(0, x.Similarity));
        for (var t = 0; t < _topicCount; t++)
        {
            var id = _topicIds[t];
            var votes = top.Where(x => x.Neighbour.Topics.Contains(id)).Sum(x => Math.Max(0, x.Similarity));
            rows[t][16] = total > 0 ? votes / total : 0;
            var positive = scored.FirstOrDefault(x => x.Neighbour.Topics.Contains(id)).Similarity;
            var negative = scored.FirstOrDefault(x => !x.Neighbour.Topics.Contains(id)).Similarity;
            rows[t][17] = positive - negative;
        }
    }

    private static (double Similarity, Prototype? Prototype) Best(float[] vector, Prototype[] prototypes, string? excludeSource)
    {
        double best = 0;
        Prototype? which = null;
        foreach (var p in prototypes)
        {
            if (excludeSource is not null && p.Source == excludeSource)
            {
                continue;
            }

            var dot = Dot(vector, p.Vector);
            if (dot > best)
            {
                best = dot;
                which = p;
            }
        }

        return (best, which);
    }

    /// <summary>Cosine similarity of two unit vectors.</summary>
    public static double Dot(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var n = Math.Min(a.Length, b.Length);
        var width = System.Numerics.Vector<float>.Count;
        var sum = System.Numerics.Vector<float>.Zero;
        var i = 0;
        for (; i <= n - width; i += width)
        {
            sum += new System.Numerics.Vector<float>(a, i) * new System.Numerics.Vector<float>(b, i);
        }

        var dot = System.Numerics.Vector.Sum(sum);
        for (; i < n; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }

    private static int IndexOf(IReadOnlyList<SentenceSpan> sentences, int offset)
    {
        for (var i = 0; i < sentences.Count; i++)
        {
            if (offset >= sentences[i].Start && offset < sentences[i].Start + sentences[i].Length)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A sentence chosen for embedding: where it is, and the text the model reads.</summary>
    public sealed record Selected(string Field, int Start, int Length, string Text);

    /// <summary>The statement's sentence closest to one of a topic's prototypes.</summary>
    public sealed record Closest(Selected Sentence, Prototype Prototype, double Similarity);

    /// <summary>Feature rows per topic, and each topic's closest sentence (null without an embedder or a match).</summary>
    public sealed record Result(double[][] Rows, Closest?[] Closest);
}
