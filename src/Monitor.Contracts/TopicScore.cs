namespace Monitor.Contracts;

/// <summary>One baseline topic a statement was tagged with, and the matches that earned it.</summary>
public sealed record TopicScore(string TopicId, double Score, IReadOnlyList<TopicEvidence> Evidence);

/// <summary>One matched term of a tag: the topic file's term and where it was found.</summary>
/// <param name="Term">The term as the topic file writes it ("no-fly zone"), whatever the statement's spelling.</param>
/// <param name="Field"><c>title</c> or <c>body</c>.</param>
/// <param name="Start">Character offset of the match in that field.</param>
/// <param name="Length">Characters the match spans there.</param>
public sealed record TopicEvidence(string Term, string Field, int Start, int Length);
