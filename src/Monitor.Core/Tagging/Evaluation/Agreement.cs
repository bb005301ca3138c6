using System.Text.Json;

namespace Monitor.Core.Tagging.Evaluation;

/// <summary>
/// The two independent labellings of the real corpus (<c>Tagging/Evaluation/corpus-labels.ndjson</c>): annotator A's and
/// B's topics and figures per statement, and the one-line note that settled each disagreement into the gold label of
/// <c>corpus.ndjson</c>.
/// </summary>
public sealed record DoubleLabel(string Id, Labels A, Labels B, IReadOnlyList<string> Notes);

/// <summary>One annotator's labels of one statement.</summary>
public sealed record Labels(IReadOnlyList<string> Topics, IReadOnlyList<LabelledFigure> Figures);

/// <summary>Cohen's kappa of the two annotators for one topic, with the counts it comes from.</summary>
public sealed record TopicAgreement(string TopicId, int Both, int OnlyA, int OnlyB, int Neither)
{
    public int Total => Both + OnlyA + OnlyB + Neither;

    public double Observed => Total == 0 ? 1 : (double)(Both + Neither) / Total;

    /// <summary>(observed − chance) / (1 − chance); 1 when both annotators agree on every statement (incl. never using the topic).</summary>
    public double Kappa
    {
        get
        {
            if (Total == 0)
            {
                return 1;
            }

            var pa = (double)(Both + OnlyA) / Total;
            var pb = (double)(Both + OnlyB) / Total;
            var chance = (pa * pb) + ((1 - pa) * (1 - pb));
            return chance >= 1 ? 1 : (Observed - chance) / (1 - chance);
        }
    }
}

/// <summary>Reads the double labels and measures the annotators' agreement per topic.</summary>
public static class Agreement
{
    private const string ResourceName = "Monitor.Core.Tagging.Evaluation.corpus-labels.ndjson";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<DoubleLabel> LoadDefault() => Parse(Ndjson.ReadResource(ResourceName));

    public static IReadOnlyList<DoubleLabel> Parse(string ndjson) =>
        Ndjson.Parse<DoubleLabel>(ndjson, JsonOptions, l => l is null || l.A is null || l.B is null ? "an id, a and b are required" : null);

    /// <summary>Kappa per topic, in the order of <paramref name="topicIds"/>.</summary>
    public static IReadOnlyList<TopicAgreement> PerTopic(IReadOnlyList<DoubleLabel> labels, IEnumerable<string> topicIds)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(topicIds);
        return [.. topicIds.Select(id =>
        {
            int both = 0, onlyA = 0, onlyB = 0, neither = 0;
            foreach (var l in labels)
            {
                var a = l.A.Topics.Contains(id, StringComparer.Ordinal);
                var b = l.B.Topics.Contains(id, StringComparer.Ordinal);
                _ = (a, b) switch
                {
                    (true, true) => both++,
                    (true, false) => onlyA++,
                    (false, true) => onlyB++,
                    _ => neither++,
                };
            }

            return new TopicAgreement(id, both, onlyA, onlyB, neither);
        })];
    }
}
