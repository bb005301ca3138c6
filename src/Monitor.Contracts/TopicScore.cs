namespace Monitor.Contracts;

/// <summary>One baseline topic a statement was tagged with, and the terms that earned it.</summary>
public sealed record TopicScore(string TopicId, double Score, IReadOnlyList<string> Evidence);
