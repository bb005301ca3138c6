namespace Monitor.Core.Alerts;

/// <summary>What an alert (<c>alerts.kind</c>) is about: one matched statement, or a spike in a topic's volume.</summary>
public static class AlertKinds
{
    /// <summary>A statement matched a "statements" subscription; the alert names the statement and revision.</summary>
    public const string Statement = "statement";

    /// <summary>A "spike" subscription's topic ran above its usual rate; the alert names the topic.</summary>
    public const string Spike = "spike";
}
