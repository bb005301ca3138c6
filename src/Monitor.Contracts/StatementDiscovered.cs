namespace Monitor.Contracts;

/// <summary>Ingestion found a statement that is new, or whose content changed since it was last seen.</summary>
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
    DateTimeOffset DiscoveredAt);
