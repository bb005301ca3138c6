namespace Monitor.Contracts;

/// <summary>One baseline topic a statement was tagged with, and the matches that earned it.</summary>
public sealed record TopicScore(string TopicId, double Score, IReadOnlyList<TopicEvidence> Evidence);

/// <summary>
/// One piece of evidence for a tag: a matched term of the topic file, or (when <see cref="Similarity"/> is set) a
/// sentence of the statement whose meaning is close to one of the topic's reference sentences.
/// </summary>
/// <param name="Term">
/// For a term: the term as the topic file writes it ("no-fly zone"), whatever the statement's spelling. For a
/// semantic vote: the reference sentence it resembles (the topic's scope, a briefing passage or a labelled example).
/// </param>
/// <param name="Field"><c>title</c> or <c>body</c>.</param>
/// <param name="Start">Character offset of the match (or of the sentence) in that field.</param>
/// <param name="Length">Characters the match (or the sentence) spans there.</param>
public sealed record TopicEvidence(string Term, string Field, int Start, int Length)
{
    /// <summary>Cosine similarity (0..1) of the sentence to <see cref="Term"/>: set only on a semantic vote.</summary>
    public double? Similarity { get; init; }
}
