namespace Monitor.FeedSimulator;

/// <summary>One statement a simulated feed lists. Written by <see cref="StatementWriter"/>; not a real text.</summary>
/// <param name="Id">Stable per feed: the guid / entry id / link path the feed carries.</param>
/// <param name="Path">Where its article page is served on the simulator (full text).</param>
/// <param name="Reference">A document reference in the institution's style (e.g. TA-10-2026-0042).</param>
/// <param name="TopicIds">The baseline topics the text was written about.</param>
public sealed record SimulatedItem(
    long Number,
    string Id,
    string Path,
    string Title,
    string Summary,
    IReadOnlyList<string> Paragraphs,
    DateTimeOffset Published,
    string Reference,
    IReadOnlyList<string> TopicIds);
