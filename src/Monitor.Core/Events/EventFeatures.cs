using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Semantic;

namespace Monitor.Core.Events;

/// <summary>
/// Turns a stored statement into what the clusterer compares: one vector from sentence embeddings of the tagging layer's
/// model (its title, and the first <see cref="LeadSentences"/> sentences of its text that say something), its topics,
/// references and optional entities.
/// </summary>
/// <remarks>
/// Page clutter leads many statements ("• 05 Jul. 2022 -", "Last updated ...", "(As delivered)", "Good morning."): a
/// sentence of fewer than <see cref="MinWords"/> words is skipped. The title weighs <paramref name="titleWeight"/> times
/// the mean of the lead sentences (1: equal weight, best on the tuning part; see docs/events.md).
/// The sentences are normalised as the tagger's are, so an embedder with a cache answers those the tagger embedded.
/// </remarks>
/// <param name="lead">Sentences after the title in the vector.</param>
/// <param name="titleWeight">Weight of the title's vector against the mean of the lead sentences' vectors.</param>
public sealed class EventFeatures(Tagger rules, ISentenceEmbedder embedder, int lead = EventFeatures.LeadSentences, double titleWeight = EventFeatures.TitleWeight)
{
    /// <summary>Sentences after the title in a statement's vector, by default.</summary>
    public const int LeadSentences = 3;

    /// <summary>Weight of the title against the lead, by default.</summary>
    public const double TitleWeight = 1;

    /// <summary>A lead sentence needs this many words (runs of letters) to count.</summary>
    public const int MinWords = 6;

    /// <summary>The title (normalised as the tagger does; null when there is none) and the lead sentences embedded for a statement.</summary>
    public (string? Title, IReadOnlyList<string> Lead) Sentences(string? title, string? text)
    {
        var view = rules.Rules(title, text, out _);
        var leadSentences = new List<string>();
        foreach (var span in view.Sentences)
        {
            if (leadSentences.Count >= lead)
            {
                break;
            }

            var sentence = SentenceText.Normalise(view.Text.AsSpan(span.Start, span.Length));
            if (Words(sentence) >= MinWords)
            {
                leadSentences.Add(sentence);
            }
        }

        var normalisedTitle = string.IsNullOrWhiteSpace(view.Title) ? null : SentenceText.Normalise(view.Title);
        return (normalisedTitle, leadSentences);
    }

    /// <summary>
    /// The statement's key sentence for its event: of the lead sentences that make its vector, the one closest to the
    /// event's centroid, as written in the text (trimmed); "" when the text has no such sentence. The sentences were just
    /// embedded for the vector, so this costs cache hits.
    /// </summary>
    public string KeySentence(string? title, string? text, float[] centroid)
    {
        ArgumentNullException.ThrowIfNull(centroid);
        var view = rules.Rules(title, text, out _);
        var best = "";
        var bestScore = double.NegativeInfinity;
        var taken = 0;
        foreach (var span in view.Sentences)
        {
            if (taken >= lead)
            {
                break;
            }

            var raw = view.Text.AsSpan(span.Start, span.Length);
            var sentence = SentenceText.Normalise(raw);
            if (Words(sentence) < MinWords)
            {
                continue;
            }

            taken++;
            var vector = embedder.Embed([sentence])[0];
            var score = 0.0;
            for (var i = 0; i < Math.Min(vector.Length, centroid.Length); i++)
            {
                score += vector[i] * centroid[i];
            }

            if (score > bestScore)
            {
                (best, bestScore) = (raw.Trim().ToString(), score);
            }
        }

        return best;
    }

    /// <summary>The statement's unit-length vector; throws <see cref="ArgumentException"/> when it has neither title nor text.</summary>
    public float[] Vector(string? title, string? text)
    {
        var (t, leadSentences) = Sentences(title, text);
        var texts = new List<string>(leadSentences);
        if (t is not null)
        {
            texts.Insert(0, t);
        }

        if (texts.Count == 0)
        {
            throw new ArgumentException("A statement with neither title nor text cannot be put in an event");
        }

        var vectors = embedder.Embed(texts);
        float[][] body = t is null ? vectors : [.. vectors.Skip(1)];
        var sum = new float[vectors[0].Length];
        if (t is not null)
        {
            Add(sum, vectors[0], body.Length == 0 ? 1 : titleWeight);
        }

        if (body.Length > 0)
        {
            foreach (var v in body)
            {
                Add(sum, v, 1.0 / body.Length);
            }
        }

        return Normalise(sum);
    }

    /// <summary>The named entities the clusterer compares: the gazetteer's entities in the title and text (docs/entities.md).</summary>
    public static IReadOnlyCollection<string> Entities(string? title, string? text) => Monitor.Core.Entities.EntityExtractor.Default.Extract(title, text);

    /// <summary>The clusterer's view of a statement.</summary>
    public EventStatement Build(long id, DateOnly date, string institution, string? title, string? text, IReadOnlyCollection<string> topics, IReadOnlyCollection<string>? entities = null) =>
        new(id, date, institution, Vector(title, text), topics, DocumentReferences.Find(title, text), entities);

    private static int Words(string sentence)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in sentence)
        {
            var letter = char.IsLetter(c);
            if (letter && !inWord)
            {
                words++;
            }

            inWord = letter;
        }

        return words;
    }

    private static void Add(float[] sum, float[] v, double weight)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += (float)(v[i] * weight);
        }
    }

    private static float[] Normalise(float[] sum)
    {
        var norm = Math.Sqrt(sum.Sum(x => (double)x * x));
        if (norm > 0)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] = (float)(sum[i] / norm);
            }
        }

        return sum;
    }
}
