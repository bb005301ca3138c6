namespace Monitor.Core.Feeds;

/// <summary>
/// Reads a fetched feed body with the adapter its source is configured with. The one entry point Ingestion uses:
/// every adapter turns its format into the same <see cref="FeedItem"/>s.
/// </summary>
public static class FeedAdapters
{
    /// <summary>The generic RSS 0.9x/1.0/2.0 and Atom adapter.</summary>
    public const string Rss = "rss";

    /// <summary>NATO's site search JSON (news, transcripts, press releases, official texts).</summary>
    public const string NatoJson = "nato-json";

    /// <summary>The European Parliament's RSS 2.0 feeds.</summary>
    public const string EpRss = "ep-rss";

    /// <summary>The EP Open Data Portal v2 feeds, Atom or JSON-LD.</summary>
    public const string EpApi = "ep-api";

    /// <summary>The EP Think Tank's RSS.</summary>
    public const string EpThinkTank = "ep-thinktank";

    public static IReadOnlyList<string> Names { get; } = [Rss, NatoJson, EpRss, EpApi, EpThinkTank];

    public static bool IsKnown(string adapter) => Names.Contains(adapter, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the item carries only a summary and its article page should be fetched for the full text.</summary>
    /// <remarks>
    /// NATO's search JSON never carries the body; EP RSS and API items do not either, and their pages are ones
    /// <see cref="ArticleExtractor"/> reads (press room, doceo). Think Tank items link to publication pages and PDFs
    /// it does not read, and the generic adapter cannot know what a user's site looks like.
    /// </remarks>
    public static bool WantsFullText(string adapter, FeedItem item)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(item);
        if (item.Body.Length > 0 || !Uri.TryCreate(item.Url, UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https"))
        {
            return false;
        }

        // Only pages the extractor reads: a NATO JSON item may link to any host, and fetching a page nothing can be
        // taken from only costs memory and an outbound request to wherever the feed points.
        return adapter.ToLowerInvariant() is (NatoJson or EpRss or EpApi) && ArticleExtractor.Reads(url);
    }

    /// <exception cref="FeedFormatException">The body is not what the adapter reads, or the adapter is unknown.</exception>
    public static IReadOnlyList<FeedItem> Parse(string adapter, Stream body, Uri feedUrl)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(feedUrl);
        return adapter.ToLowerInvariant() switch
        {
            Rss => FeedParser.Parse(body, feedUrl),
            NatoJson => NatoSearchAdapter.Parse(body, feedUrl),
            EpRss => EpRssAdapter.Parse(body, feedUrl),
            EpApi => EpApiAdapter.Parse(body, feedUrl),
            EpThinkTank => EpThinkTankAdapter.Parse(body, feedUrl),
            _ => throw new FeedFormatException($"Unknown feed adapter '{adapter}'; known: {string.Join(", ", Names)}."),
        };
    }
}
