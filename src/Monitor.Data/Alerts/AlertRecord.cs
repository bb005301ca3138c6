using Monitor.Core.Alerts;

namespace Monitor.Data.Alerts;

/// <summary>
/// One row of <c>alerts</c>: what a subscription raised. Kind "statement" names the matched statement and revision;
/// kind "spike" names the topic, and <see cref="Detail"/> carries the counts as JSON; kind "briefing" (the weekly
/// living briefing) carries the week, its counts and its Markdown in <see cref="Detail"/> (<c>BriefingDigest.Detail</c>);
/// kind "event" (NATO and the EP on one event) carries the event's id, institutions, members and days in <see cref="Detail"/>.
/// </summary>
public sealed record AlertRecord
{
    public long Id { get; init; }

    public long SubscriptionId { get; init; }

    public long UserId { get; init; }

    /// <summary><see cref="AlertKinds"/>.</summary>
    public string Kind { get; init; } = AlertKinds.Statement;

    public long? StatementId { get; init; }

    public int? Revision { get; init; }

    public string? TopicId { get; init; }

    public string Title { get; init; } = "";

    public string Url { get; init; } = "";

    public IReadOnlyList<string> MatchedTopics { get; init; } = [];

    /// <summary>JSON with the spike's counts (kind "spike"), the week's briefing (kind "briefing") or the event (kind "event"), else null.</summary>
    public string? Detail { get; init; }

    public DateTimeOffset TriggeredAt { get; init; }

    public DateTimeOffset? ReadAt { get; init; }
}
