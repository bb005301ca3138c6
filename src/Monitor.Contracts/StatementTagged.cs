namespace Monitor.Contracts;

/// <summary>Tagging scored a discovered statement against the baseline topics (possibly none). Travels in <see cref="StatementsTagged"/>.</summary>
/// <param name="BaselineVersion">Content hash of the topic file that produced these tags.</param>
public sealed record StatementTagged(
    StatementDiscovered Statement,
    IReadOnlyList<TopicScore> Topics,
    string BaselineVersion,
    DateTimeOffset TaggedAt)
{
    /// <summary>Values stated for the briefing's baseline figures, with drift from the baseline marked.</summary>
    public IReadOnlyList<FigureValue> Figures { get; init; } = [];
}
