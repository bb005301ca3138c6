using Monitor.Contracts;
using Monitor.Core.Alerts;

namespace Monitor.Core.Tests.Alerts;

/// <summary>When an event of a clustering page raises an "event" subscription's alert, and its title.</summary>
public sealed class EventAlertMatcherTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);

    private static readonly Subscription AnyEvent = new() { Name = "both", Kind = SubscriptionKinds.Event };

    [Fact]
    public void An_event_alerts_only_on_the_page_where_both_institutions_first_spoke()
    {
        Assert.Equal(["sanctions", "cyber-hybrid"], EventAlertMatcher.Match(AnyEvent, Event(both: true), Today));
        Assert.Null(EventAlertMatcher.Match(AnyEvent, Event(both: false), Today));
    }

    [Fact]
    public void Topics_must_meet_and_the_matched_ones_keep_the_events_order()
    {
        var grouped = Event(both: true, topics: ["sanctions", "cyber-hybrid", "energy-security"]);

        Assert.Equal(["sanctions", "energy-security"], EventAlertMatcher.Match(AnyEvent with { Topics = ["energy-security", "sanctions"] }, grouped, Today));
        Assert.Null(EventAlertMatcher.Match(AnyEvent with { Topics = ["nuclear-chemical-threats"] }, grouped, Today));
        // No topics named: any event, even one without topics.
        Assert.Equal([], EventAlertMatcher.Match(AnyEvent, Event(both: true, topics: []), Today));
        Assert.Null(EventAlertMatcher.Match(AnyEvent with { Topics = ["sanctions"] }, Event(both: true, topics: []), Today));
    }

    [Fact]
    public void Other_kinds_never_match_an_event()
    {
        var grouped = Event(both: true);

        Assert.Null(EventAlertMatcher.Match(AnyEvent with { Kind = SubscriptionKinds.Statements }, grouped, Today));
        Assert.Null(EventAlertMatcher.Match(AnyEvent with { Kind = SubscriptionKinds.Spike, Topics = ["sanctions"] }, grouped, Today));
        Assert.Null(EventAlertMatcher.Match(AnyEvent with { Kind = SubscriptionKinds.Briefing }, grouped, Today));
    }

    [Fact]
    public void An_event_of_history_alerts_only_subscriptions_that_include_history()
    {
        var lastWeek = Event(both: true, lastDay: Today.AddDays(-EventAlertMatcher.HistoryAfterDays));
        var older = Event(both: true, lastDay: Today.AddDays(-EventAlertMatcher.HistoryAfterDays - 1));

        Assert.NotNull(EventAlertMatcher.Match(AnyEvent, lastWeek, Today));
        Assert.Null(EventAlertMatcher.Match(AnyEvent, older, Today));
        Assert.NotNull(EventAlertMatcher.Match(AnyEvent with { IncludeHistory = true }, older, Today));
    }

    [Fact]
    public void The_title_names_both_institutions_and_the_event_on_one_line()
    {
        Assert.Equal("NATO and the EP on: Allies agree new sanctions", EventAlertMatcher.Title(Event(both: true, title: "Allies agree\n new   sanctions ")));
        Assert.Equal("NATO and the EP on: event 7", EventAlertMatcher.Title(Event(both: true, title: "  ")));
        var longTitle = EventAlertMatcher.Title(Event(both: true, title: new string('x', 500)));
        Assert.Equal("NATO and the EP on: ".Length + EventAlertMatcher.MaxTitleLength, longTitle.Length);
        Assert.EndsWith("…", longTitle, StringComparison.Ordinal);
    }

    private static GroupedEvent Event(bool both, IReadOnlyList<string>? topics = null, DateOnly? lastDay = null, string title = "Allies agree new sanctions") =>
        new(7, title, both ? ["NATO", "EP"] : ["NATO"], 3, topics ?? ["sanctions", "cyber-hybrid"],
            (lastDay ?? Today).AddDays(-2), lastDay ?? Today, both, []);
}
