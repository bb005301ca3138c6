namespace Monitor.Contracts;

/// <summary>
/// Ingestion found a statement that is new, or whose content changed since it was last seen. It travels in a
/// <see cref="StatementsDiscovered"/> message with the other new statements of the same poll.
/// </summary>
/// <param name="SourceId">The configured source's id, e.g. <c>ep-press-releases</c>.</param>
/// <param name="ExternalId">The statement's stable id within its source (feed guid, link path...).</param>
/// <param name="ContentHash">Hash of the normalised title, summary and body: equal hashes mean unchanged content.</param>
/// <param name="DiscoveredAt">When Ingestion saw it; the start of the end-to-end latency.</param>
public sealed record StatementDiscovered(
    string SourceId,
    string ExternalId,
    string Url,
    string Title,
    string Summary,
    string Body,
    DateTimeOffset? PublishedAt,
    string? Language,
    string ContentHash,
    DateTimeOffset DiscoveredAt)
{
    /// <summary>One of <see cref="DocumentTypes"/>.</summary>
    public string DocumentType { get; init; } = DocumentTypes.News;

    /// <summary>The body as sanitised HTML for display (no scripts, styles or event handlers), when the source has markup.</summary>
    public string? BodyHtml { get; init; }

    /// <summary>The publication date exactly as the source wrote it.</summary>
    public string? PublishedRaw { get; init; }

    /// <summary>
    /// An identifier the institution gives the document itself (an EP press-release code, a texts-adopted reference
    /// such as <c>TA-10-2025-0123</c>), shared by every feed that carries it: the same reference from two sources is
    /// one statement.
    /// </summary>
    public string? DocumentReference { get; init; }

    /// <summary>
    /// Found by a backfill of the source's archive, not by live polling. It travels its own lower-priority queues
    /// (<c>tag-statement-backfill</c>, <c>store-statement-backfill</c>), keeps its original publication date, is not
    /// pushed to the live stream and raises no alert unless a subscription asks for history. False (live) by default.
    /// </summary>
    public bool Backfill { get; init; }

    /// <summary>For a backfilled statement: some subscription asks for history, so its stored event is still published.</summary>
    public bool AlertHistory { get; init; }
}
