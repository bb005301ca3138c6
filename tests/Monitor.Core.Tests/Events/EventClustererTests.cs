using Monitor.Core.Events;

namespace Monitor.Core.Tests.Events;

/// <summary>The clusterer on small hand-made vectors: joining, reasons, windows, merging, determinism, bad input.</summary>
public class EventClustererTests
{
    private static readonly DateOnly Day = new(2024, 4, 22);

    private static float[] V(params float[] v)
    {
        var norm = (float)Math.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    private static EventStatement S(long id, int day, float[] vector, string[]? topics = null, string[]? references = null, string[]? entities = null, string institution = "EP") =>
        new(id, Day.AddDays(day), institution, vector, topics ?? [], references ?? [], entities);

    private static EventClusterer Clusterer(EventOptions? options = null) =>
        new(3, options ?? new EventOptions { JoinThreshold = 0.8, MergeThreshold = 0.85, TopicWeight = 0, DayPenalty = 0, WindowDays = 7, ReferenceWindowDays = 30 });

    [Fact]
    public void A_close_statement_joins_with_its_similarity_as_reason_and_a_distant_one_starts_an_event()
    {
        var c = Clusterer();

        var first = c.Add(S(1, 0, V(1, 0, 0)));
        var close = c.Add(S(2, 1, V(1, 0.2f, 0), institution: "NATO"));
        var other = c.Add(S(3, 1, V(0, 0, 1)));

        Assert.True(first.Created);
        Assert.Equal("first statement", first.Reason);
        Assert.Equal((first.EventId, false), (close.EventId, close.Created));
        Assert.Equal("similarity 0.98 with statement 1, 1 day apart", close.Reason);
        Assert.True(other.Created);
        Assert.NotEqual(first.EventId, other.EventId);
        Assert.Equal(["EP", "NATO"], c.Find(first.EventId)!.Institutions);
    }

    [Fact]
    public void A_shared_reference_joins_however_different_the_text()
    {
        var c = Clusterer();

        var motion = c.Add(S(1, 0, V(1, 0, 0), references: ["2024/2988(RSP)", "B10-0076/2025"]));
        var summary = c.Add(S(2, 20, V(0, 1, 0), references: ["2024/2988(RSP)"]));

        Assert.Equal(motion.EventId, summary.EventId);
        Assert.Equal("same reference 2024/2988(RSP)", summary.Reason);
    }

    [Fact]
    public void A_digest_citing_many_references_joins_nothing_by_them()
    {
        var c = Clusterer(new EventOptions { JoinThreshold = 0.8, MergeThreshold = 0.85, MaxReferences = 2 });
        c.Add(S(1, 0, V(1, 0, 0), references: ["2024/0001(RSP)"]));

        var digest = c.Add(S(2, 1, V(0, 1, 0), references: ["2024/0001(RSP)", "2024/0002(RSP)", "2024/0003(RSP)"]));

        Assert.True(digest.Created);
    }

    [Fact]
    public void An_event_closes_after_its_window()
    {
        var c = Clusterer();
        var first = c.Add(S(1, 0, V(1, 0, 0)));

        var late = c.Add(S(2, 8, V(1, 0, 0)));

        Assert.True(late.Created);
        Assert.NotEqual(first.EventId, late.EventId);
        Assert.Equal(2, c.OpenCount); // the first is still open to a shared reference for 30 days

        // Day 35: the first (day 0) closes for good, the second (day 8) stays open, the new statement opens a third.
        c.Add(S(3, 35, V(0, 1, 0)));
        Assert.Equal((3, 2), (c.Events.Count, c.OpenCount));
    }

    [Fact]
    public void Shared_entities_and_topics_lift_a_statement_over_the_threshold_and_say_so()
    {
        var options = new EventOptions { JoinThreshold = 0.8, MergeThreshold = 0.85, TopicWeight = 0.05, EntityWeight = 0.1, DayPenalty = 0 };
        var without = new EventClusterer(3, options);
        var with = new EventClusterer(3, options);
        var a = V(1, 0, 0);
        var b = V(1, 0.94f, 0); // cosine 0.73 with a: 0.78 with the shared topic, 0.88 with the shared entity too

        without.Add(S(1, 0, a, topics: ["sanctions"], entities: ["org:eu-council"]));
        with.Add(S(1, 0, a, topics: ["sanctions"], entities: ["org:eu-council"]));
        var apart = without.Add(S(2, 2, b, topics: ["sanctions"], entities: ["person:rutte"]));
        var joined = with.Add(S(2, 2, b, topics: ["sanctions"], entities: ["org:eu-council"]));

        Assert.True(apart.Created);
        Assert.False(joined.Created);
        Assert.Equal("similarity 0.73 with statement 1, same entities org:eu-council, shared topics sanctions, 2 days apart", joined.Reason);
    }

    [Fact]
    public void With_rarity_a_shared_entity_every_statement_names_adds_nothing_and_a_rare_one_adds_its_weight()
    {
        var rarity = EntityRarity.From(new Dictionary<string, int> { ["nato"] = 100, ["moldova"] = 1 }, 100);
        Assert.Equal((0.0, 1.0), (rarity["nato"], rarity["moldova"]));
        var options = new EventOptions { JoinThreshold = 0.8, MergeThreshold = 0.85, TopicWeight = 0, EntityWeight = 0.2, DayPenalty = 0, EntityRarity = rarity };
        var common = new EventClusterer(3, options);
        var rare = new EventClusterer(3, options);
        var a = V(1, 0, 0);
        var b = V(1, 0.76f, 0); // cosine 0.796: only an entity bonus lifts it over 0.8

        common.Add(S(1, 0, a, entities: ["nato", "sweden"]));
        rare.Add(S(1, 0, a, entities: ["nato", "moldova"]));
        var apart = common.Add(S(2, 1, b, entities: ["nato", "finland"]));
        var joined = rare.Add(S(2, 1, b, entities: ["nato", "moldova"]));

        Assert.True(apart.Created);
        Assert.False(joined.Created);
    }

    [Fact]
    public void A_statement_close_to_two_events_merges_them_into_the_older()
    {
        var c = new EventClusterer(3, new EventOptions { JoinThreshold = 0.6, MergeThreshold = 0.65, TopicWeight = 0, DayPenalty = 0 });
        var a = c.Add(S(1, 0, V(1, 0, 0)));
        var b = c.Add(S(2, 0, V(0, 1, 0)));

        var bridge = c.Add(S(3, 1, V(1, 1, 0)));

        Assert.Equal(a.EventId, bridge.EventId);
        Assert.Equal([b.EventId], bridge.Merged);
        Assert.Null(c.Find(b.EventId));
        var merged = c.Find(a.EventId)!;
        Assert.Equal([1L, 2L, 3L], merged.Members.Select(m => m.StatementId));
        Assert.Equal("first statement", merged.Members[1].Reason);
        Assert.StartsWith($"event {b.EventId} merged: statement 3 bridges it (similarity 0.71 with statement 2", merged.History[0]);
        Assert.Single(c.Events);
    }

    [Fact]
    public void Below_the_merge_threshold_the_statement_joins_one_event_only()
    {
        var c = new EventClusterer(3, new EventOptions { JoinThreshold = 0.6, MergeThreshold = 0.75, TopicWeight = 0, DayPenalty = 0 });
        c.Add(S(1, 0, V(1, 0, 0)));
        c.Add(S(2, 0, V(0, 1, 0)));

        var bridge = c.Add(S(3, 1, V(1, 1, 0)));

        Assert.Empty(bridge.Merged);
        Assert.Equal(2, c.Events.Count);
    }

    [Fact]
    public void The_same_statements_in_the_same_order_give_the_same_events()
    {
        var statements = Enumerable.Range(0, 60).Select(i => S(i, i / 4, V(1 + (i % 5), i % 3, (i * 7) % 4), topics: [$"t{i % 2}"])).ToList();

        string Run()
        {
            var c = new EventClusterer(3);
            var log = statements.Select(s => c.Add(s)).Select(a => $"{a.StatementId}>{a.EventId}:{a.Reason}:{string.Join(",", a.Merged)}");
            return string.Join("\n", log);
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_centroid_is_the_unit_mean_of_its_members()
    {
        var c = Clusterer();
        var first = c.Add(S(1, 0, V(1, 0, 0)));
        c.Add(S(2, 0, V(1, 0.5f, 0)));

        var e = c.Find(first.EventId)!;
        var expected = V(1 + (1 / (float)Math.Sqrt(1.25)), 0.5f / (float)Math.Sqrt(1.25), 0);

        Assert.Equal(expected, e.Centroid, (x, y) => Math.Abs(x - y) < 1e-5);
        Assert.Equal((Day, Day), (e.FirstDate, e.LastDate));
    }

    [Fact]
    public void Only_the_first_and_latest_members_are_kept_as_representatives()
    {
        var c = new EventClusterer(3, new EventOptions { JoinThreshold = 0.5, MergeThreshold = 0.9, Representatives = 3, DayPenalty = 0 });
        for (var i = 1; i <= 6; i++)
        {
            c.Add(S(i, i, V(1, 0.01f * i, 0)));
        }

        Assert.Equal([1L, 5L, 6L], c.Events.Single().Representatives.Select(r => r.StatementId));
        Assert.Equal(6, c.Events.Single().Members.Count);
    }

    [Fact]
    public void Propose_says_where_a_statement_would_go_and_changes_nothing()
    {
        var c = new EventClusterer(3, new EventOptions { JoinThreshold = 0.6, MergeThreshold = 0.65, TopicWeight = 0, DayPenalty = 0 });
        var a = c.Add(S(1, 0, V(1, 0, 0)));
        var b = c.Add(S(2, 0, V(0, 1, 0)));

        var proposal = c.Propose(S(3, 1, V(1, 1, 0)));
        var none = c.Propose(S(4, 1, V(0, 0, 1)));

        Assert.Equal((long?)a.EventId, proposal.EventId);
        Assert.Equal([b.EventId], proposal.WouldMerge);
        Assert.Null(none.EventId);
        Assert.Equal(2, c.Events.Count);
        Assert.Equal(a.EventId, c.Add(S(3, 1, V(1, 1, 0))).EventId);
    }

    [Fact]
    public void Events_rebuilt_from_their_members_cluster_the_next_statement_as_the_originals_would()
    {
        var options = new EventOptions { JoinThreshold = 0.8, MergeThreshold = 0.85, TopicWeight = 0.05, DayPenalty = 0.01 };
        var statements = new[]
        {
            S(1, 0, V(1, 0, 0), topics: ["sanctions"]),
            S(2, 1, V(1, 0.1f, 0), topics: ["sanctions"]),
            S(3, 1, V(0, 0, 1), references: ["2024/2988(RSP)"]),
        };
        var original = new EventClusterer(3, options);
        foreach (var s in statements)
        {
            original.Add(s);
        }

        var restored = new EventClusterer(3, options);
        restored.Restore(original.Events.Select(e => StoryEvent.Rebuild(
            e.Id, [.. e.Members.Select(m => (statements.Single(s => s.Id == m.StatementId), m.Reason))], options)));
        var next = S(4, 3, V(0, 0.2f, 1), references: ["2024/2988(RSP)"]);
        var fresh = S(5, 3, V(0, 1, 0));

        var (o, r) = (original.Propose(next), restored.Propose(next));
        Assert.Equal((o.EventId, o.Reason), (r.EventId, r.Reason));
        Assert.Equal("same reference 2024/2988(RSP)", r.Reason);
        Assert.Equal(original.Add(fresh).EventId, restored.Add(fresh).EventId);
        Assert.Equal(original.Events.Select(e => e.Centroid), restored.Events.Select(e => e.Centroid));
        Assert.Equal(original.Events.SelectMany(e => e.Members.Select(m => m.Reason)), restored.Events.SelectMany(e => e.Members.Select(m => m.Reason)));
    }

    [Fact]
    public void Bad_input_gets_a_clear_error()
    {
        var c = Clusterer();
        c.Add(S(1, 5, V(1, 0, 0)));

        var early = Assert.Throws<ArgumentException>(() => c.Add(S(2, 4, V(1, 0, 0))));
        var shape = Assert.Throws<ArgumentException>(() => c.Add(S(3, 5, [1, 0])));
        var settings = Assert.Throws<ArgumentException>(() => new EventClusterer(3, new EventOptions { JoinThreshold = 0.8, MergeThreshold = 0.7 }));

        Assert.Contains("date order", early.Message);
        Assert.Contains("2 dimensions, not 3", shape.Message);
        Assert.Contains("MergeThreshold", settings.Message);
    }

    [Fact]
    public void A_late_statement_joins_the_event_of_its_later_neighbours_and_bridges_two()
    {
        var c = Clusterer();
        var later = c.Add(S(1, 10, V(1, 0, 0)));
        var other = c.Add(S(2, 12, V(0.6f, 0.8f, 0)));
        var far = c.Add(S(3, 50, V(0, 0, 1)));

        // Day 8 is before the latest day (50): Add refuses it, AddLate places it against the events around day 8.
        Assert.Throws<ArgumentException>(() => c.Add(S(4, 8, V(1, 0, 0))));
        var joined = c.AddLate(S(4, 8, V(1, 0.1f, 0)));
        var bridge = c.AddLate(S(5, 11, V(0.9f, 0.45f, 0)));

        Assert.Equal((later.EventId, false), (joined.EventId, joined.Created));
        Assert.Equal("similarity 1.00 with statement 1, 2 days apart", joined.Reason);
        Assert.Equal(later.EventId, bridge.EventId);
        Assert.Equal([other.EventId], bridge.Merged);
        Assert.Equal([4L, 1, 5, 2], c.Find(later.EventId)!.Members.Select(m => m.StatementId));
        Assert.Equal(new DateOnly(2024, 4, 30), c.Find(later.EventId)!.FirstDate);
        Assert.Single(c.Find(far.EventId)!.Members);
    }

    [Fact]
    public void A_late_statement_beyond_the_windows_of_every_event_starts_its_own()
    {
        var c = Clusterer();
        c.Add(S(1, 40, V(1, 0, 0)));

        var late = c.AddLate(S(2, 0, V(1, 0, 0)));

        Assert.True(late.Created);
        Assert.Equal(2, c.Events.Count);
    }
}
