namespace Monitor.Core.Feeds;

/// <summary>
/// Reads a fetched feed body with the adapter its source is configured with. The one entry point Ingestion uses:
/// every adapter turns its format into the same <see cref="FeedItem"/>s.
/// </summary>
public static class FeedAdapters
{
    /// <summary>The generic RSS 0.9x/1.0/2.0 and Atom adapter.</summary>
    public const string Rss = "rss";

    public static IReadOnlyList<string> Names { get; } = [Rss];

    public static bool IsKnown(string adapter) => Names.Contains(adapter, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the item carries only a summary and its article page should be fetched for the full text.</summary>
    public static bool WantsFullText(string adapter, FeedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return false; // Placeholder until the source adapters land (Sources issue).
    }

    /// <exception cref="FeedFormatException">The body is not what the adapter reads, or the adapter is unknown.</exception>
    public static IReadOnlyList<FeedItem> Parse(string adapter, Stream body, Uri feedUrl)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return adapter.ToLowerInvariant() switch
        {
            Rss => FeedParser.Parse(body, feedUrl),
            _ => throw new FeedFormatException($"Unknown feed adapter '{adapter}'; known: {string.Join(", ", Names)}."),
        };
    }
}
