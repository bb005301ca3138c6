namespace Monitor.Core.Alerts;

/// <summary>What an alert (<c>alerts.kind</c>) is about: one matched statement, a spike in a topic's volume, a week of the living briefing, or an event both institutions spoke on.</summary>
public static class AlertKinds
{
    /// <summary>A statement matched a "statements" subscription; the alert names the statement and revision.</summary>
    public const string Statement = "statement";

    /// <summary>A "spike" subscription's topic ran above its usual rate; the alert names the topic.</summary>
    public const string Spike = "spike";

    /// <summary>A "briefing" subscription's weekly digest: the living briefing of the past week (docs/briefing.md).</summary>
    public const string Briefing = "briefing";

    /// <summary>An "event" subscription's event: NATO and the EP have both spoken on it; the alert links to the event page.</summary>
    public const string Event = "event";
}
