using Monitor.Core.Events.Evaluation;

namespace Monitor.Core.Tests.Events;

/// <summary>The metric code of <c>monitor events-eval</c> on examples computed by hand.</summary>
public class ClusterMetricsTests
{
    // Gold: {a,b,c} {d,e}. Predicted: {a,b} {c,d,e}.
    private static readonly Dictionary<string, string> Gold = new() { ["a"] = "G1", ["b"] = "G1", ["c"] = "G1", ["d"] = "G2", ["e"] = "G2" };
    private static readonly Dictionary<string, string> Predicted = new() { ["a"] = "P1", ["b"] = "P1", ["c"] = "P2", ["d"] = "P2", ["e"] = "P2" };

    [Fact]
    public void Bcubed_averages_each_items_share_of_its_clusters()
    {
        var s = ClusterMetrics.Score(Gold, Predicted);

        // Precision per item: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3 -> 11/15. Recall: a 2/3, b 2/3, c 1/3, d 2/2, e 2/2 -> 11/15.
        Assert.Equal(11.0 / 15, s.BCubedPrecision, 9);
        Assert.Equal(11.0 / 15, s.BCubedRecall, 9);
        Assert.Equal(11.0 / 15, s.BCubedF1, 9);
    }

    [Fact]
    public void Pairwise_counts_each_pair_once()
    {
        var s = ClusterMetrics.Score(Gold, Predicted);

        // Gold pairs ab ac bc de (4); predicted ab cd ce de (4); both ab de (2).
        Assert.Equal((4L, 4L, 2L), (s.GoldPairs, s.PredictedPairs, s.CorrectPairs));
        Assert.Equal(0.5, s.PairPrecision, 9);
        Assert.Equal(0.5, s.PairRecall, 9);
    }

    [Fact]
    public void All_singletons_are_precise_and_recall_only_their_own_share()
    {
        var singletons = Gold.Keys.ToDictionary(k => k, k => "own-" + k);

        var s = ClusterMetrics.Score(Gold, singletons);

        // Recall: a, b, c 1/3 each; d, e 1/2 each -> 2/5. No predicted pair: pairwise precision 1 by convention, recall 0.
        Assert.Equal(1.0, s.BCubedPrecision, 9);
        Assert.Equal(0.4, s.BCubedRecall, 9);
        Assert.Equal(2 * 0.4 / 1.4, s.BCubedF1, 9);
        Assert.Equal(1.0, s.PairPrecision, 9);
        Assert.Equal(0.0, s.PairRecall, 9);
    }

    [Fact]
    public void Scoring_a_subset_averages_over_it_but_keeps_clusters_whole()
    {
        var s = ClusterMetrics.Score(Gold, Predicted, ["a", "b", "c"]);

        // Precision: a 1, b 1, c 1/3 -> 7/9. Recall: a 2/3, b 2/3, c 1/3 -> 5/9.
        Assert.Equal(3, s.Items);
        Assert.Equal(7.0 / 9, s.BCubedPrecision, 9);
        Assert.Equal(5.0 / 9, s.BCubedRecall, 9);
    }

    [Fact]
    public void A_perfect_clustering_scores_one()
    {
        var s = ClusterMetrics.Score(Gold, Gold);

        Assert.Equal(1.0, s.BCubedF1, 9);
        Assert.Equal(1.0, s.PairF1, 9);
    }

    [Fact]
    public void An_item_without_a_prediction_is_an_error()
    {
        var missing = new Dictionary<string, string>(Predicted);
        missing.Remove("e");

        var ex = Assert.Throws<ArgumentException>(() => ClusterMetrics.Score(Gold, missing));
        Assert.Contains("Item e", ex.Message);
    }
}
