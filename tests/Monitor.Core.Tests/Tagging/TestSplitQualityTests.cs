using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;
using Monitor.Embeddings;

namespace Monitor.Core.Tests.Tagging;

/// <summary>
/// The shipped tagger (the hybrid) on the locked test split of the real corpus, which nothing was tuned on. The floors
/// are the figures measured when the model was made (docs/tagging.md), rounded down a little: a change that loses
/// quality on real statements fails here. They are below the goals of issue 12 (micro-F1 0.90, every topic 0.75,
/// 95% of negatives clean, drift precision 1.0, figure recall 0.9), which are not met yet.
/// </summary>
public class TestSplitQualityTests
{
    private static readonly TopicFile Topics = TopicFile.LoadDefault();
    private static readonly IReadOnlyList<LabelledStatement> Test = Corpus.Test(Corpus.LoadDefault());
    private static readonly Lazy<EvaluationReport> Hybrid = new(() => Evaluator.Evaluate(Taggers.Create(Topics, Taggers.Mode.Hybrid), Topics, Test));
    private static readonly Lazy<EvaluationReport> Rules = new(() => Evaluator.Evaluate(Taggers.Create(Topics, Taggers.Mode.Rules), Topics, Test));
    private static readonly Lazy<EvaluationReport> Calibrated = new(() => Evaluator.Evaluate(Taggers.Create(Topics, Taggers.Mode.Calibrated), Topics, Test));

    [Fact]
    public void Micro_f1_on_the_test_split_stays_at_the_measured_level()
    {
        // Measured 0.738 (P 0.711, R 0.767) on the 218 test statements of both collection rounds.
        Assert.True(Hybrid.Value.MicroF1 >= 0.72, $"micro-F1 {Hybrid.Value.MicroF1:0.000}");
    }

    [Fact]
    public void No_topic_falls_below_its_floor_on_the_test_split()
    {
        // Measured: the weakest are nato-russia-relations 0.625, collective-defence 0.627, cyber-hybrid-disinformation 0.629.
        Assert.All(Hybrid.Value.Topics, t => Assert.True(t.F1 >= 0.60, $"{t.TopicId}: F1 {t.F1:0.000} (P {t.Precision:0.000}, R {t.Recall:0.000})"));
    }

    [Fact]
    public void Statements_about_none_of_the_topics_stay_clean()
    {
        // Measured 60 of 72 (0.833).
        Assert.True(Hybrid.Value.NegativesCleanShare >= 0.80, $"{Hybrid.Value.NegativesClean} of {Hybrid.Value.Negatives}");
    }

    [Fact]
    public void Figure_drift_and_recall_stay_at_the_measured_level()
    {
        // Measured: drift precision 5 of 6, recall 17 of 26.
        Assert.True(Hybrid.Value.DriftPrecision >= 0.8, $"drift precision {Hybrid.Value.DriftPrecision:0.000} ({Hybrid.Value.DriftCorrect} of {Hybrid.Value.DriftFound})");
        Assert.True(Hybrid.Value.FigureRecall >= 0.65, $"figure recall {Hybrid.Value.FigureRecall:0.000}");
    }

    [Fact]
    public void The_semantic_layer_earns_its_cost_over_the_rules_alone()
    {
        // Measured: hybrid 0.738 against rules 0.690, negatives clean 0.833 against 0.681.
        Assert.True(Hybrid.Value.MicroF1 >= Rules.Value.MicroF1 + 0.03, $"hybrid {Hybrid.Value.MicroF1:0.000}, rules {Rules.Value.MicroF1:0.000}");
        Assert.True(Hybrid.Value.NegativesCleanShare > Rules.Value.NegativesCleanShare, $"hybrid {Hybrid.Value.NegativesCleanShare:0.000}, rules {Rules.Value.NegativesCleanShare:0.000}");
    }

    [Fact]
    public void Without_the_model_the_calibrated_rules_with_word_profiles_stay_at_their_measured_level()
    {
        // Tagging:Semantic:Enabled=false. Measured 0.731 micro-F1 and 58 of 72 negatives clean (0.698 before the word
        // profiles were added).
        Assert.True(Calibrated.Value.MicroF1 >= 0.70, $"micro-F1 {Calibrated.Value.MicroF1:0.000}");
        Assert.True(Calibrated.Value.NegativesCleanShare >= 0.75, $"{Calibrated.Value.NegativesClean} of {Calibrated.Value.Negatives}");
    }

    [Fact]
    public void A_one_sentence_statement_is_tagged_like_a_long_one()
    {
        // The train statements are long excerpts; a live summary is often one sentence. Its coverage (1 of 1 sentences)
        // is far outside what the calibration saw, and must not swing the decision (standardised features are clipped).
        var tagger = Taggers.Create(Topics, Taggers.Mode.Hybrid);

        var tags = tagger.Analyse("NATO on the annexation of Crimea", "Allies will never recognise Russia's illegal annexation of Crimea, which is Ukraine.").Topics;

        Assert.Contains(tags, t => t.TopicId == "territorial-integrity");
    }

    [Fact]
    public void The_written_traps_stay_untagged_by_the_hybrid()
    {
        // The 40 statements written for the project about none of the topics (near-misses such as "UEFA sanctions",
        // "Article 5 of the Data Protection Regulation"): measured 38 of 40 clean. Trap tests, not a quality figure.
        var report = Evaluator.Evaluate(Taggers.Create(Topics, Taggers.Mode.Hybrid), Topics, Evaluator.LoadDefaultSet());
        Assert.True(report.NegativesClean >= 36, $"{report.NegativesClean} of {report.Negatives}");
    }
}
