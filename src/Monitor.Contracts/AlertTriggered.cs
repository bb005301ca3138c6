namespace Monitor.Contracts;

/// <summary>A stored statement matched an alert rule. Raised once per rule and stored revision.</summary>
public sealed record AlertTriggered(
    long AlertId,
    string RuleId,
    long StatementId,
    int Revision,
    string Title,
    string Url,
    IReadOnlyList<string> MatchedTopics,
    DateTimeOffset TriggeredAt);
