using Monitor.Core.Feeds;

namespace Monitor.Ingestion.Polling;

/// <summary>Which feed items need their article page, and how the page's body is read: the adapters' rules.</summary>
public interface IFullText
{
    bool Wants(string adapter, FeedItem item);

    ArticleContent? Extract(string html, Uri pageUrl);
}

/// <summary>The source adapters' own rules (<see cref="FeedAdapters.WantsFullText"/>, <see cref="ArticleExtractor"/>).</summary>
public sealed class AdapterFullText : IFullText
{
    public bool Wants(string adapter, FeedItem item) => FeedAdapters.WantsFullText(adapter, item);

    public ArticleContent? Extract(string html, Uri pageUrl) => ArticleExtractor.Extract(html, pageUrl);
}
