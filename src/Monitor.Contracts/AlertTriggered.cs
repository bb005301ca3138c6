namespace Monitor.Contracts;

/// <summary>
/// A user's subscription raised an alert: a stored statement matched it (<see cref="Kind"/> "statement"), or a topic's
/// volume spiked ("spike"). Raised once per subscription and statement (or spike window), through the outbox. The
/// dashboard pushes it to that user's connections only.
/// </summary>
public sealed record AlertTriggered(
    long AlertId,
    long SubscriptionId,
    long UserId,
    string SubscriptionName,
    string Kind,
    string Title,
    string Url,
    IReadOnlyList<string> MatchedTopics,
    DateTimeOffset TriggeredAt)
{
    /// <summary>The matched statement (kind "statement").</summary>
    public long? StatementId { get; init; }

    public int? Revision { get; init; }

    /// <summary>The topic that spiked (kind "spike").</summary>
    public string? TopicId { get; init; }

    /// <summary>False when the subscription has its in-app channel off: the alert is in the inbox but not pushed.</summary>
    public bool Notify { get; init; } = true;
}
