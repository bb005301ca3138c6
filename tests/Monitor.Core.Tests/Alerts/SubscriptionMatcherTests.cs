using Monitor.Contracts;
using Monitor.Core.Alerts;

namespace Monitor.Core.Tests.Alerts;

public sealed class SubscriptionMatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly Subscription Any = new() { Name = "any" };

    [Fact]
    public void No_topics_matches_any_statement_whose_best_topic_reaches_the_minimum_score()
    {
        var statement = Statement(("sanctions", 0.4), ("cyber-hybrid", 0.7));

        Assert.Equal(["sanctions", "cyber-hybrid"], SubscriptionMatcher.Match(Any, statement));
        Assert.Equal(["cyber-hybrid"], SubscriptionMatcher.Match(Any with { MinScore = 0.5 }, statement));
        Assert.Null(SubscriptionMatcher.Match(Any with { MinScore = 0.8 }, statement));
    }

    [Fact]
    public void No_topics_matches_a_statement_without_topics_whatever_the_minimum_score()
    {
        Assert.Equal([], SubscriptionMatcher.Match(Any with { MinScore = 0.9 }, Statement()));
    }

    [Fact]
    public void Topics_any_needs_one_of_them_at_the_minimum_score_and_returns_those_matched()
    {
        var rule = Any with { Topics = ["sanctions", "nuclear-chemical-threats"], MinScore = 0.5 };

        Assert.Equal(["sanctions"], SubscriptionMatcher.Match(rule, Statement(("sanctions", 0.6), ("cyber-hybrid", 0.9))));
        Assert.Null(SubscriptionMatcher.Match(rule, Statement(("sanctions", 0.4), ("cyber-hybrid", 0.9))));
        Assert.Null(SubscriptionMatcher.Match(rule, Statement(("cyber-hybrid", 0.9))));
    }

    [Fact]
    public void Topics_all_needs_every_one_of_them_at_the_minimum_score()
    {
        var rule = Any with { Topics = ["sanctions", "nuclear-chemical-threats"], TopicMatch = "all", MinScore = 0.5 };

        Assert.Equal(["sanctions", "nuclear-chemical-threats"], SubscriptionMatcher.Match(rule, Statement(("nuclear-chemical-threats", 0.5), ("sanctions", 0.6))));
        Assert.Null(SubscriptionMatcher.Match(rule, Statement(("nuclear-chemical-threats", 0.4), ("sanctions", 0.6))));
        Assert.Null(SubscriptionMatcher.Match(rule, Statement(("sanctions", 0.9))));
    }

    [Fact]
    public void Sources_document_types_and_drift_filter_the_statement()
    {
        var statement = Statement(("sanctions", 0.6)) with { DocumentType = DocumentTypes.Speech };
        var drifting = statement with { Figures = [new FigureValue("allies-count", 33, 32, true, "33 Allies", "body", 0)] };
        var steady = statement with { Figures = [new FigureValue("allies-count", 32, 32, false, "32 Allies", "body", 0)] };

        Assert.NotNull(SubscriptionMatcher.Match(Any with { Sources = ["nato-news", "ep-plenary"] }, statement));
        Assert.Null(SubscriptionMatcher.Match(Any with { Sources = ["ep-plenary"] }, statement));
        Assert.NotNull(SubscriptionMatcher.Match(Any with { DocumentTypes = [DocumentTypes.Speech] }, statement));
        Assert.Null(SubscriptionMatcher.Match(Any with { DocumentTypes = [DocumentTypes.PressRelease] }, statement));
        Assert.NotNull(SubscriptionMatcher.Match(Any with { DriftOnly = true }, drifting));
        Assert.Null(SubscriptionMatcher.Match(Any with { DriftOnly = true }, steady));
        Assert.Null(SubscriptionMatcher.Match(Any with { DriftOnly = true }, statement));
    }

    [Fact]
    public void A_spike_subscription_matches_no_statement_but_watches_its_topics()
    {
        var spike = Any with { Kind = SubscriptionKinds.Spike, Topics = ["sanctions", "cyber-hybrid"], MinScore = 0.5 };
        var statement = Statement(("sanctions", 0.6), ("cyber-hybrid", 0.4));

        Assert.Null(SubscriptionMatcher.Match(spike, statement));
        Assert.Equal(["sanctions"], SubscriptionMatcher.SpikeTopics(spike, statement));
        Assert.Empty(SubscriptionMatcher.SpikeTopics(Any, statement));
    }

    [Fact]
    public void A_backfilled_statement_matches_only_subscriptions_that_ask_for_history_and_never_counts_for_a_spike()
    {
        var history = Statement(("sanctions", 0.6)) with { Backfill = true };
        var spike = Any with { Kind = SubscriptionKinds.Spike, Topics = ["sanctions"], MinScore = 0.5, IncludeHistory = true };

        Assert.Null(SubscriptionMatcher.Match(Any, history));
        Assert.Equal(["sanctions"], SubscriptionMatcher.Match(Any with { IncludeHistory = true }, history));
        Assert.NotNull(SubscriptionMatcher.Match(Any, history with { Backfill = false }));
        Assert.Empty(SubscriptionMatcher.SpikeTopics(spike, history));
    }

    private static StatementStored Statement(params (string Topic, double Score)[] topics) =>
        new(1, 1, "nato-news", "ext-1", "https://example.org/1", "Title", "Summary", Now,
            topics.Select(t => new TopicScore(t.Topic, t.Score, [])).ToList(), Now, Now);
}
