using Monitor.Core.Events;
using Monitor.Core.Events.Evaluation;
using Monitor.Core.Tagging;
using Monitor.Embeddings;

namespace Monitor.Core.Tests.Events;

/// <summary>The labelled events set: its shape, its split, and the clusterer's quality on it with the real model.</summary>
public class EventSetTests
{
    private static readonly IReadOnlyList<EventItem> Set = EventSet.LoadDefault();

    [Fact]
    public void The_set_holds_enough_real_events_of_both_institutions()
    {
        var events = Set.GroupBy(i => i.Label.Event).ToList();
        var grouped = events.Where(g => g.Count() > 1).ToList();

        Assert.True(Set.Count >= 150, $"{Set.Count} statements");
        Assert.True(grouped.Count >= 30, $"{grouped.Count} events of two or more");
        Assert.True(grouped.Count(g => g.Select(i => i.Statement.Institution).Distinct().Count() > 1) >= 5);
        Assert.All(Set, i => Assert.False(string.IsNullOrEmpty(i.Statement.Url)));
    }

    [Fact]
    public void The_split_is_by_event_and_both_parts_have_grouped_events()
    {
        Assert.All(Set.GroupBy(i => i.Label.Event), g => Assert.Single(g.Select(i => i.Label.Split).Distinct()));
        foreach (var part in new[] { "tune", "heldout" })
        {
            var grouped = Set.Where(i => i.Label.Split == part).GroupBy(i => i.Label.Event).Count(g => g.Count() > 1);
            Assert.True(grouped >= 15, $"{part}: {grouped} events of two or more");
        }
    }

    [Fact]
    public void A_label_of_a_statement_the_corpus_does_not_have_is_an_error()
    {
        var labels = EventSet.ParseLabels("""{"id": "nato-999", "event": "x", "split": "tune"}""");

        var ex = Assert.Throws<FormatException>(() => EventSet.Join(labels, Monitor.Core.Tagging.Evaluation.Corpus.LoadDefault()));
        Assert.Contains("nato-999", ex.Message);
    }

    [Fact]
    public void An_event_in_both_parts_is_an_error()
    {
        var labels = EventSet.ParseLabels("""
            {"id": "nato-010", "event": "e", "split": "tune"}
            {"id": "nato-011", "event": "e", "split": "heldout"}
            """);

        var ex = Assert.Throws<FormatException>(() => EventSet.Join(labels, Monitor.Core.Tagging.Evaluation.Corpus.LoadDefault()));
        Assert.Contains("both splits", ex.Message);
    }

    /// <summary>
    /// The held-out part with the real model and the default settings (measured: B-cubed F1 0.945, docs/events.md). A
    /// floor below the measured figure: it fails when a change to the clusterer or its features loses quality.
    /// </summary>
    [Fact]
    public void The_held_out_part_keeps_its_measured_quality()
    {
        var tagger = Taggers.Create(TopicFile.LoadDefault(), Taggers.Mode.Hybrid);
        var features = new EventFeatures(tagger, Taggers.Embedder);
        var heldout = Set.Where(i => i.Label.Split == "heldout").ToList();
        var cases = heldout.Select((item, n) => new EventCase(item, features.Build(
            n + 1, item.Date, item.Statement.Institution!, item.Statement.Title, item.Statement.Text,
            [.. tagger.Analyse(item.Statement.Title, item.Statement.Text, item.Statement.Id).Topics.Select(t => t.TopicId)]))).ToList();

        var run = EventEvaluator.Run("heldout", cases, new EventOptions());

        Assert.True(run.All.BCubedF1 >= 0.92, $"B-cubed F1 {run.All.BCubedF1:0.000}");
        Assert.True(run.All.PairPrecision >= 0.75, $"pairwise precision {run.All.PairPrecision:0.000}");
    }
}
