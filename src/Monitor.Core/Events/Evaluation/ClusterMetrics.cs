namespace Monitor.Core.Events.Evaluation;

/// <summary>Pairwise and B-cubed precision, recall and F1 of a clustering against gold clusters.</summary>
public sealed record ClusterScores(
    int Items,
    long GoldPairs,
    long PredictedPairs,
    long CorrectPairs,
    double BCubedPrecision,
    double BCubedRecall)
{
    /// <summary>Pairs put together that belong together, of all pairs put together (1 when none were).</summary>
    public double PairPrecision => PredictedPairs == 0 ? 1 : (double)CorrectPairs / PredictedPairs;

    /// <summary>Pairs put together that belong together, of all pairs that belong together (1 when none do).</summary>
    public double PairRecall => GoldPairs == 0 ? 1 : (double)CorrectPairs / GoldPairs;

    public double PairF1 => F1(PairPrecision, PairRecall);

    public double BCubedF1 => F1(BCubedPrecision, BCubedRecall);

    private static double F1(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}

/// <summary>The metric code of <c>monitor events-eval</c>, kept apart so it is tested on hand-computed examples.</summary>
public static class ClusterMetrics
{
    /// <summary>
    /// Scores <paramref name="predicted"/> against <paramref name="gold"/> (both: item → cluster label) over the items of
    /// <paramref name="scoredItems"/> (all gold items when null). B-cubed (Bagga and Baldwin 1998): per item, precision is
    /// the share of its predicted cluster that is in its gold cluster, recall the share of its gold cluster that is in
    /// its predicted cluster; both are averaged over the scored items. Clusters are always whole: an item outside
    /// <paramref name="scoredItems"/> still counts in the clusters of the items scored.
    /// </summary>
    public static ClusterScores Score<TItem>(IReadOnlyDictionary<TItem, string> gold, IReadOnlyDictionary<TItem, string> predicted, IReadOnlyCollection<TItem>? scoredItems = null)
        where TItem : notnull
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        foreach (var item in gold.Keys)
        {
            if (!predicted.ContainsKey(item))
            {
                throw new ArgumentException($"Item {item} has a gold cluster but no predicted one", nameof(predicted));
            }
        }

        var scored = scoredItems ?? gold.Keys;
        var goldMembers = gold.GroupBy(kv => kv.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(kv => kv.Key).ToHashSet(), StringComparer.Ordinal);
        var predictedMembers = gold.Keys.GroupBy(k => predicted[k], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToHashSet(), StringComparer.Ordinal);

        double precision = 0, recall = 0;
        long goldPairs = 0, predictedPairs = 0, correctPairs = 0;
        var scoredSet = scored.ToHashSet();
        foreach (var item in scoredSet)
        {
            var g = goldMembers[gold[item]];
            var p = predictedMembers[predicted[item]];
            var both = p.Count(g.Contains);
            precision += (double)both / p.Count;
            recall += (double)both / g.Count;

            // Pairs (item, other) with other after item in the scored set or outside it, each pair counted once.
            foreach (var other in g)
            {
                if (Counts(item, other, scoredSet))
                {
                    goldPairs++;
                }
            }

            foreach (var other in p)
            {
                if (Counts(item, other, scoredSet))
                {
                    predictedPairs++;
                    if (g.Contains(other))
                    {
                        correctPairs++;
                    }
                }
            }
        }

        var n = scoredSet.Count;
        return new ClusterScores(n, goldPairs, predictedPairs, correctPairs, n == 0 ? 1 : precision / n, n == 0 ? 1 : recall / n);
    }

    // A pair of two scored items counts once (from its first item by hash order is not stable, so by a fixed comparer);
    // a pair with an unscored item counts from the scored side.
    private static bool Counts<TItem>(TItem item, TItem other, HashSet<TItem> scored)
        where TItem : notnull
    {
        if (EqualityComparer<TItem>.Default.Equals(item, other))
        {
            return false;
        }

        if (!scored.Contains(other))
        {
            return true;
        }

        return Comparer<TItem>.Default.Compare(item, other) < 0;
    }
}
