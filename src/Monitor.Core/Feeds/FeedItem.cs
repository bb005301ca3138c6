namespace Monitor.Core.Feeds;

/// <summary>One entry of a feed, as plain values.</summary>
/// <param name="ExternalId">The item's guid or Atom id; else its link; else a stable hash of title and date (source
/// adapters refine it: see docs/sources.md). Unique within one parsed feed.</param>
/// <param name="Url">The item's link, absolute (resolved against the feed URL) and canonical (see <see cref="FeedUrls"/>); "" when the item has none.</param>
/// <param name="Title">Plain text, whitespace collapsed.</param>
/// <param name="Summary">The description or Atom summary as plain text, whitespace collapsed; "" when absent.</param>
/// <param name="Body">The full content (content:encoded, Atom content) as plain text when the feed carries it, else "".</param>
/// <param name="PublishedAt">The publication date in UTC, or null when the feed gave none or it could not be read.</param>
/// <param name="PublishedRaw">The date exactly as the feed wrote it (trimmed), whether or not it could be read.</param>
/// <param name="Language">Lower-case language tag of the item or its channel (e.g. <c>en</c>), when the feed says.</param>
public sealed record FeedItem(
    string ExternalId,
    string Url,
    string Title,
    string Summary,
    string Body,
    DateTimeOffset? PublishedAt,
    string? PublishedRaw,
    string? Language)
{
    /// <summary>One of <c>Monitor.Contracts.DocumentTypes</c> when the feed tells; null leaves it to the source's default.</summary>
    public string? DocumentType { get; init; }

    /// <summary>The body as sanitised HTML for display, when the feed carries markup.</summary>
    public string? BodyHtml { get; init; }

    /// <summary>The institution's own id for the document, shared across feeds (see <c>StatementDiscovered.DocumentReference</c>).</summary>
    public string? DocumentReference { get; init; }
}
