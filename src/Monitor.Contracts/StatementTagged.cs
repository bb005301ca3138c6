namespace Monitor.Contracts;

/// <summary>Tagging scored a discovered statement against the baseline topics (possibly none).</summary>
/// <param name="BaselineVersion">Content hash of the topic file that produced these tags.</param>
public sealed record StatementTagged(
    StatementDiscovered Statement,
    IReadOnlyList<TopicScore> Topics,
    string BaselineVersion,
    DateTimeOffset TaggedAt);
