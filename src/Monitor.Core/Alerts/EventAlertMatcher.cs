using Monitor.Contracts;

namespace Monitor.Core.Alerts;

/// <summary>
/// Whether an event of a committed clustering page (<see cref="GroupedEvent"/>) raises an "event" subscription's alert:
/// NATO and the EP have both spoken on it for the first time on this page (<see cref="GroupedEvent.BothInstitutionsNow"/>:
/// once per event, and never again for an event kept by a merge when a merged one already had both), its topics meet the
/// subscription's (none named: any event), and it is not history unless the subscription asks for history. Pure.
/// </summary>
public static class EventAlertMatcher
{
    /// <summary>
    /// An event whose latest statement is more than this many days before today is history (a backfill's): only
    /// subscriptions with <see cref="Subscription.IncludeHistory"/> alert on it. The clusterer's open window (docs/events.md).
    /// </summary>
    public const int HistoryAfterDays = 7;

    /// <summary>The longest event title an alert's title quotes (the rest is cut with an ellipsis).</summary>
    public const int MaxTitleLength = 200;

    /// <returns>
    /// The matched topics (the event's topics among the subscription's, most common in the event first; every topic of the
    /// event when the subscription names none), or null when the event raises no alert for the subscription.
    /// </returns>
    public static IReadOnlyList<string>? Match(Subscription subscription, GroupedEvent grouped, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(grouped);
        if (subscription.Kind != SubscriptionKinds.Event || !grouped.BothInstitutionsNow
            || (!subscription.IncludeHistory && today.DayNumber - grouped.LastDay.DayNumber > HistoryAfterDays))
        {
            return null;
        }

        var topics = grouped.Topics ?? [];
        if (subscription.Topics.Count == 0)
        {
            return topics;
        }

        List<string>? matched = null;
        foreach (var topic in topics)
        {
            if (subscription.Topics.Contains(topic, StringComparer.Ordinal))
            {
                (matched ??= []).Add(topic);
            }
        }

        return matched;
    }

    /// <summary>"NATO and the EP on: &lt;event title&gt;" (the title cut at <see cref="MaxTitleLength"/>, line breaks folded).</summary>
    public static string Title(GroupedEvent grouped)
    {
        ArgumentNullException.ThrowIfNull(grouped);
        var title = string.Join(' ', (grouped.Title ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (title.Length == 0)
        {
            title = $"event {grouped.EventId}";
        }
        else if (title.Length > MaxTitleLength)
        {
            title = title[..(MaxTitleLength - 1)].TrimEnd() + "…";
        }

        return "NATO and the EP on: " + title;
    }
}
