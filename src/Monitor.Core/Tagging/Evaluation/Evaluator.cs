using System.Text.Json;

namespace Monitor.Core.Tagging.Evaluation;

/// <summary>One labelled statement of the evaluation set: the topics and figure values a reader finds in it.</summary>
/// <param name="Style">What kind of text it is (<c>nato-press</c>, <c>ep-resolution</c>, <c>transcript</c>...).</param>
public sealed record LabelledStatement(
    string Id,
    string Style,
    string Title,
    string Text,
    IReadOnlyList<string> Topics,
    IReadOnlyList<LabelledFigure> Figures)
{
    /// <summary>Where a real statement was published (the real corpus: provenance, and what the split is made from).</summary>
    public string? Url { get; init; }

    /// <summary><c>NATO</c> or <c>EP</c>.</summary>
    public string? Institution { get; init; }

    /// <summary>Publication date as precise as known: <c>2022-03-01</c>, <c>2023-07</c> or <c>2024</c>.</summary>
    public string? Date { get; init; }

    /// <summary>
    /// The real corpus's collection round (docs/corpus.md): 1 for the first 437 statements, 2 for those added later.
    /// A later round's test statements were never seen before the model they measure was trained.
    /// </summary>
    public int? Round { get; init; }
}

/// <summary>A baseline figure value a reader finds stated in a labelled statement.</summary>
public sealed record LabelledFigure(string Id, double Value);

/// <summary>Precision, recall and F1 of one topic over the set.</summary>
public sealed record TopicQuality(string TopicId, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    internal static double Ratio(int a, int b) => b == 0 ? 1 : (double)a / b;
}

/// <summary>The tagger's quality on a labelled set.</summary>
/// <param name="DriftFound">Figure values the tagger marked as drift.</param>
/// <param name="DriftCorrect">Of those, the ones the labels state with that value (different from the baseline).</param>
/// <param name="FiguresLabelled">Figure values in the labels; <paramref name="FiguresFound"/> of them were read.</param>
/// <param name="Mistakes">One line per wrong or missed topic or figure, for tuning.</param>
public sealed record EvaluationReport(
    int Statements,
    IReadOnlyList<TopicQuality> Topics,
    int DriftFound,
    int DriftCorrect,
    int FiguresLabelled,
    int FiguresFound,
    IReadOnlyList<string> Mistakes)
{
    /// <summary>Statements labelled with no topic, and how many of them the tagger left untagged.</summary>
    public int Negatives { get; init; }

    public int NegativesClean { get; init; }

    public double NegativesCleanShare => TopicQuality.Ratio(NegativesClean, Negatives);

    public double MicroPrecision => TopicQuality.Ratio(Topics.Sum(t => t.TruePositives), Topics.Sum(t => t.TruePositives + t.FalsePositives));

    public double MicroRecall => TopicQuality.Ratio(Topics.Sum(t => t.TruePositives), Topics.Sum(t => t.TruePositives + t.FalseNegatives));

    public double MicroF1 => MicroPrecision + MicroRecall == 0 ? 0 : 2 * MicroPrecision * MicroRecall / (MicroPrecision + MicroRecall);

    public double MacroF1 => Topics.Average(t => t.F1);

    public double DriftPrecision => TopicQuality.Ratio(DriftCorrect, DriftFound);

    public double FigureRecall => TopicQuality.Ratio(FiguresFound, FiguresLabelled);
}

/// <summary>Runs a <see cref="Tagger"/> over a labelled set and scores it.</summary>
public static class Evaluator
{
    private const string ResourceName = "Monitor.Core.Tagging.Evaluation.statements.ndjson";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The labelled set shipped in this assembly (<c>Tagging/Evaluation/statements.ndjson</c>).</summary>
    public static IReadOnlyList<LabelledStatement> LoadDefaultSet() => Parse(Ndjson.ReadResource(ResourceName));

    /// <summary>Parses NDJSON labelled statements; throws <see cref="FormatException"/> naming the bad line.</summary>
    public static IReadOnlyList<LabelledStatement> Parse(string ndjson) =>
        Ndjson.Parse<LabelledStatement>(ndjson, JsonOptions, item =>
            item is null || string.IsNullOrEmpty(item.Id) || item.Topics is null || item.Figures is null ? "an id, topics and figures are required" : null);

    /// <summary>The counts of several reports over disjoint sets, added up (cross-validation folds).</summary>
    public static EvaluationReport Merge(IReadOnlyList<EvaluationReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var topics = reports[0].Topics.Select(t => t.TopicId).Select(id => new TopicQuality(id,
            reports.Sum(r => r.Topics.Single(q => q.TopicId == id).TruePositives),
            reports.Sum(r => r.Topics.Single(q => q.TopicId == id).FalsePositives),
            reports.Sum(r => r.Topics.Single(q => q.TopicId == id).FalseNegatives))).ToList();
        return new EvaluationReport(reports.Sum(r => r.Statements), topics, reports.Sum(r => r.DriftFound), reports.Sum(r => r.DriftCorrect),
            reports.Sum(r => r.FiguresLabelled), reports.Sum(r => r.FiguresFound), [.. reports.SelectMany(r => r.Mistakes)])
        {
            Negatives = reports.Sum(r => r.Negatives),
            NegativesClean = reports.Sum(r => r.NegativesClean),
        };
    }

    public static EvaluationReport Evaluate(Tagger tagger, TopicFile topics, IReadOnlyList<LabelledStatement> set)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(set);
        var counts = topics.Topics.ToDictionary(t => t.Id, _ => new int[3], StringComparer.Ordinal);
        var baseline = topics.Figures.ToDictionary(f => f.Id, f => (double)f.Value, StringComparer.Ordinal);
        var mistakes = new List<string>();
        int driftFound = 0, driftCorrect = 0, figuresLabelled = 0, figuresFound = 0, negatives = 0, negativesClean = 0;
        foreach (var item in set)
        {
            // A statement is never compared with example sentences taken from itself (train items of the model).
            var result = tagger.Analyse(item.Title, item.Text, item.Id);
            if (item.Topics.Count == 0)
            {
                negatives++;
                negativesClean += result.Topics.Count == 0 ? 1 : 0;
            }

            var predicted = result.Topics.Select(t => t.TopicId).ToHashSet(StringComparer.Ordinal);
            var expected = item.Topics.ToHashSet(StringComparer.Ordinal);
            foreach (var id in predicted.Union(expected))
            {
                if (!counts.TryGetValue(id, out var c))
                {
                    throw new FormatException($"{item.Id}: unknown topic '{id}'");
                }

                var index = predicted.Contains(id) ? (expected.Contains(id) ? 0 : 1) : 2;
                c[index]++;
                if (index > 0)
                {
                    var score = result.Topics.FirstOrDefault(t => t.TopicId == id);
                    mistakes.Add($"{item.Id}: {(index == 1 ? "false" : "missed")} {id}"
                        + (score is null ? "" : $" ({score.Score:0.00}: {string.Join(", ", score.Evidence.Select(e => e.Term).Distinct())})"));
                }
            }

            figuresLabelled += item.Figures.Count;
            foreach (var figure in result.Figures)
            {
                var labelled = item.Figures.Any(f => f.Id == figure.FigureId && f.Value.Equals(figure.Value));
                figuresFound += labelled ? 1 : 0;
                if (figure.Drift)
                {
                    driftFound++;
                    driftCorrect += labelled && !baseline[figure.FigureId].Equals(figure.Value) ? 1 : 0;
                }

                if (!labelled)
                {
                    mistakes.Add($"{item.Id}: false figure {figure.FigureId} = {figure.Value} (\"{figure.Evidence}\")");
                }
            }

            foreach (var missed in item.Figures.Where(f => !result.Figures.Any(r => r.FigureId == f.Id && r.Value.Equals(f.Value))))
            {
                mistakes.Add($"{item.Id}: missed figure {missed.Id} = {missed.Value}");
            }
        }

        var quality = counts.Select(c => new TopicQuality(c.Key, c.Value[0], c.Value[1], c.Value[2])).ToList();
        return new EvaluationReport(set.Count, quality, driftFound, driftCorrect, figuresLabelled, figuresFound, mistakes)
        {
            Negatives = negatives,
            NegativesClean = negativesClean,
        };
    }
}
