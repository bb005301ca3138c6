namespace Monitor.Core.Events.Evaluation;

/// <summary>A labelled statement ready for the clusterer (its signals computed once, reused by every run).</summary>
public sealed record EventCase(EventItem Item, EventStatement Statement);

/// <summary>The outcome of clustering one part of the labelled set.</summary>
/// <param name="All">Scores over every statement of the part.</param>
/// <param name="Grouped">Scores over the statements whose gold event has two or more members (singletons excluded from the average; clusters stay whole).</param>
public sealed record EventRun(string Name, ClusterScores All, ClusterScores Grouped, EventClusterer Clusterer, IReadOnlyDictionary<long, EventCase> ById);

/// <summary>Runs the clusterer over a part of the labelled set, in date order, and scores it.</summary>
public static class EventEvaluator
{
    public static EventRun Run(string name, IReadOnlyList<EventCase> cases, EventOptions options)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var ordered = cases.OrderBy(c => c.Statement.Date).ThenBy(c => c.Statement.Id).ToList();
        var dimensions = ordered.Count == 0 ? 1 : ordered[0].Statement.Vector.Length;
        var clusterer = new EventClusterer(dimensions, options);
        var predicted = new Dictionary<long, string>();
        foreach (var c in ordered)
        {
            clusterer.Add(c.Statement);
        }

        foreach (var e in clusterer.Events)
        {
            foreach (var m in e.Members)
            {
                predicted[m.StatementId] = e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var gold = ordered.ToDictionary(c => c.Statement.Id, c => c.Item.Label.Event);
        var sizes = gold.Values.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var grouped = gold.Where(kv => sizes[kv.Value] > 1).Select(kv => kv.Key).ToList();
        return new EventRun(
            name,
            ClusterMetrics.Score(gold, predicted),
            ClusterMetrics.Score(gold, predicted, grouped),
            clusterer,
            ordered.ToDictionary(c => c.Statement.Id));
    }
}
