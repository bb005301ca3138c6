using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Core.Tests.Tagging;

/// <summary>
/// The rules engine on the 155 statements written for the project (Tagging/Evaluation/statements.ndjson): trap tests
/// of the rules (near-misses, figure traps), not a quality figure; the topic file was tuned on them. Quality is measured
/// on the real corpus's locked test split (<see cref="TestSplitQualityTests"/>).
/// </summary>
public class TaggingEvaluationTests
{
    private const double MicroF1Floor = 0.91;
    private const double TopicF1Floor = 0.7;

    private static readonly IReadOnlyList<LabelledStatement> Set = Evaluator.LoadDefaultSet();

    private static readonly EvaluationReport Report = Evaluator.Evaluate(new Tagger(TopicFile.LoadDefault()), TopicFile.LoadDefault(), Set);

    [Fact]
    public void The_set_has_at_least_150_statements_in_nato_and_parliament_styles()
    {
        Assert.True(Set.Count >= 150, $"{Set.Count} statements");
        Assert.Equal(Set.Count, Set.Select(s => s.Id).Distinct().Count());
        Assert.Contains(Set, s => s.Style.StartsWith("nato", StringComparison.Ordinal));
        Assert.Contains(Set, s => s.Style.StartsWith("ep", StringComparison.Ordinal));
        Assert.Contains(Set, s => s.Style == "news");
    }

    [Fact]
    public void Every_topic_has_positives_and_every_figure_has_labelled_values()
    {
        Assert.All(TopicFile.RequiredTopicIds, id => Assert.True(Set.Count(s => s.Topics.Contains(id)) >= 3, $"{id} has fewer than 3 positives"));
        Assert.All(TopicFile.RequiredFigureIds, id => Assert.Contains(Set, s => s.Figures.Any(f => f.Id == id)));
        Assert.True(Set.Count(s => s.Topics.Count == 0) >= 20, "hard negatives");
    }

    [Fact]
    public void Micro_f1_stays_above_the_measured_level()
    {
        Assert.True(Report.MicroF1 >= MicroF1Floor, $"micro-F1 {Report.MicroF1:0.000}; mistakes:\n{string.Join('\n', Report.Mistakes)}");
    }

    [Fact]
    public void No_topic_falls_below_the_floor()
    {
        Assert.All(Report.Topics, t => Assert.True(t.F1 >= TopicF1Floor, $"{t.TopicId}: F1 {t.F1:0.000} (P {t.Precision:0.000}, R {t.Recall:0.000})"));
    }

    [Fact]
    public void Every_figure_drift_the_tagger_reports_is_real()
    {
        Assert.True(Report.DriftFound > 5, $"only {Report.DriftFound} drift values");
        Assert.Equal(1.0, Report.DriftPrecision);
    }

    [Fact]
    public void A_tagger_that_tags_nothing_scores_zero()
    {
        // The metric itself: with an always-empty answer, recall and F1 are 0, so the floors above can fail.
        var empty = Set.Select(s => s with { Title = "", Text = "" }).ToList();
        var report = Evaluator.Evaluate(new Tagger(TopicFile.LoadDefault()), TopicFile.LoadDefault(), empty);

        Assert.Equal(0, report.MicroRecall);
        Assert.Equal(0, report.MicroF1);
    }

    [Fact]
    public void A_bad_line_in_a_set_names_its_line()
    {
        var ex = Assert.Throws<FormatException>(() => Evaluator.Parse("{\"id\":\"a\",\"style\":\"news\",\"title\":\"t\",\"text\":\"x\",\"topics\":[],\"figures\":[]}\n{\"id\":"));

        Assert.StartsWith("Line 2:", ex.Message, StringComparison.Ordinal);
    }
}
