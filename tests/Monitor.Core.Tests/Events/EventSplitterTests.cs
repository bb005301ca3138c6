using Monitor.Core.Events;

namespace Monitor.Core.Tests.Events;

public sealed class EventSplitterTests
{
    private static readonly DateOnly Day = new(2026, 12, 1);

    [Fact]
    public void Members_linked_by_a_recorded_link_stay_one_part_even_when_their_vectors_no_longer_link_them()
    {
        EventStatement[] members = [At(1, 0, [1, 0]), At(2, 1, [0, 1])];
        var reasons = new Dictionary<long, string> { [1] = "first statement", [2] = "similarity 0.80 with statement 1, 1 day apart" };

        var parts = EventSplitter.Parts(members, [(2, 1)], reasons, new EventOptions());

        var part = Assert.Single(parts);
        Assert.Equal([1L, 2L], part.StatementIds);
        Assert.Equal(reasons[2], part.Reasons[2]);
    }

    [Fact]
    public void Without_the_bridge_an_event_falls_into_parts_oldest_first_each_reason_made_again_from_its_current_links()
    {
        // 1 and 3 are alike, 2 and 4 are alike; 4 had joined through 3, which no longer links it (3's link is gone).
        EventStatement[] members = [At(1, 0, [1, 0]), At(2, 1, [0, 1]), At(3, 2, [1, 0]), At(4, 3, [0, 1])];
        var reasons = new Dictionary<long, string>
        {
            [1] = "first statement",
            [2] = "similarity 0.80 with statement 3, 1 day apart",
            [3] = "similarity 0.99 with statement 1, 2 days apart",
            [4] = "similarity 0.81 with statement 3, 1 day apart",
        };

        var parts = EventSplitter.Parts(members, [(3, 1)], reasons, new EventOptions(), "first statement of a part");

        Assert.Equal([[1L, 3L], [2L, 4L]], parts.Select(p => p.StatementIds.ToList()));
        Assert.Equal(reasons[3], parts[0].Reasons[3]);
        Assert.Equal("similarity 1.00 with statement 4, 2 days apart", parts[1].Reasons[2]);
        Assert.Equal("similarity 1.00 with statement 2, 2 days apart", parts[1].Reasons[4]);
    }

    [Fact]
    public void A_shared_reference_links_members_and_a_member_with_no_link_left_is_a_part_of_its_own()
    {
        EventStatement[] members =
        [
            At(1, 0, [1, 0]) with { References = ["2024/2988(RSP)"] },
            At(2, 20, [0, 1]) with { References = ["2024/2988(RSP)"] },
            At(3, 1, [0.6f, 0.8f]),
        ];
        var reasons = new Dictionary<long, string> { [1] = "first statement", [2] = "same reference 2024/2988(RSP)", [3] = "similarity 0.80 with statement 9" };

        var parts = EventSplitter.Parts(members, [], reasons, new EventOptions(), "first statement of a part");

        Assert.Equal([[1L, 2L], [3L]], parts.Select(p => p.StatementIds.ToList()));
        Assert.Equal("same reference 2024/2988(RSP)", parts[0].Reasons[2]);
        Assert.Equal("first statement of a part", parts[1].Reasons[3]);
    }

    [Fact]
    public void A_reason_names_the_statement_it_links_to()
    {
        Assert.Equal(123L, EventSplitter.LinkedStatement("similarity 0.83 with statement 123, shared topics sanctions, same day"));
        Assert.Equal(276L, EventSplitter.LinkedStatement("event 135 merged: statement 288 bridges it (similarity 0.84 with statement 276, 5 days apart)"));
        Assert.Null(EventSplitter.LinkedStatement("same reference 2024/2988(RSP)"));
        Assert.Null(EventSplitter.LinkedStatement("first statement"));
    }

    private static EventStatement At(long id, int day, float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return new EventStatement(id, Day.AddDays(day), "NATO", [.. vector.Select(v => v / norm)], [], []);
    }
}
