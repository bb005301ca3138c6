using Monitor.Contracts;

namespace Monitor.Core.Alerts;

/// <summary>
/// Whether a stored statement meets a "statements" subscription's rule, without its full-text query (that one is
/// asked of the database by <c>Monitor.Data.History.QueryMatch</c>). Pure: values in, values out, and no
/// allocation for a subscription that does not match (index loops: foreach over an IReadOnlyList boxes its enumerator).
/// </summary>
public static class SubscriptionMatcher
{
    /// <summary>
    /// Topics: "any" needs one of the subscription's topics at MinScore or more, "all" every one of them. No topics:
    /// any statement, and when the statement has topics its best must reach MinScore. Sources and document types:
    /// empty means every one. DriftOnly: some stated figure differs from the briefing.
    /// </summary>
    /// <returns>The matched topic ids (the statement's topics at MinScore or more, when the subscription names none), or null.</returns>
    public static IReadOnlyList<string>? Match(Subscription subscription, StatementStored statement)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(statement);
        if (subscription.Kind != SubscriptionKinds.Statements
            || (statement.Backfill && !subscription.IncludeHistory)
            || (subscription.Sources.Count > 0 && !Contains(subscription.Sources, statement.SourceId))
            || (subscription.DocumentTypes.Count > 0 && !Contains(subscription.DocumentTypes, statement.DocumentType))
            || (subscription.DriftOnly && !HasDrift(statement.Figures)))
        {
            return null;
        }

        var topics = statement.Topics;
        var minScore = subscription.MinScore;
        if (subscription.Topics.Count == 0)
        {
            return topics.Count == 0 ? [] : Scored(topics, minScore, null);
        }

        if (subscription.TopicMatch == "all")
        {
            for (var i = 0; i < subscription.Topics.Count; i++)
            {
                if (!HasTopic(topics, subscription.Topics[i], minScore))
                {
                    return null;
                }
            }

            return subscription.Topics.Distinct(StringComparer.Ordinal).ToList();
        }

        return Scored(topics, minScore, subscription.Topics);
    }

    /// <summary>The subscription's topics the statement carries at MinScore or more (what a spike rule watches).</summary>
    public static IReadOnlyList<string> SpikeTopics(Subscription subscription, StatementStored statement)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(statement);
        // History is not a spike: a backfill of old statements says nothing about today's volume.
        return subscription.Kind == SubscriptionKinds.Spike && subscription.Topics.Count > 0 && !statement.Backfill
            ? Scored(statement.Topics, subscription.MinScore, subscription.Topics) ?? []
            : [];
    }

    /// <returns>The statement's topics at <paramref name="minScore"/> or more (among <paramref name="among"/> when given); null when none.</returns>
    private static List<string>? Scored(IReadOnlyList<TopicScore> topics, double minScore, IReadOnlyList<string>? among)
    {
        List<string>? matched = null;
        for (var i = 0; i < topics.Count; i++)
        {
            var topic = topics[i];
            if (topic.Score >= minScore && (among is null || Contains(among, topic.TopicId)))
            {
                matched ??= [];
                if (!matched.Contains(topic.TopicId, StringComparer.Ordinal))
                {
                    matched.Add(topic.TopicId);
                }
            }
        }

        return matched;
    }

    private static bool HasTopic(IReadOnlyList<TopicScore> topics, string topicId, double minScore)
    {
        for (var i = 0; i < topics.Count; i++)
        {
            var topic = topics[i];
            if (topic.Score >= minScore && string.Equals(topic.TopicId, topicId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasDrift(IReadOnlyList<FigureValue> figures)
    {
        for (var i = 0; i < figures.Count; i++)
        {
            if (figures[i].Drift)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string> values, string? value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
