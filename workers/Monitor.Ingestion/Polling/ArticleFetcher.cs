using Monitor.Core.Feeds;

namespace Monitor.Ingestion.Polling;

/// <summary>
/// Completes a feed item that carries only a summary with the body of its article page, fetched through the same
/// guarded client, a few pages per host and a few in the whole process at a time, each read up to
/// <see cref="IngestionOptions.MaxArticleBytes"/>. A page that cannot be fetched or read keeps the summary: a warning,
/// never a failed poll.
/// </summary>
public sealed partial class ArticleFetcher(FeedFetcher fetcher, IFullText fullText, HostPoliteness hosts, ArticleSlots slots, ILogger<ArticleFetcher> logger)
{
    public async Task<FeedItem> CompleteAsync(string sourceId, string adapter, FeedItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!fullText.Wants(adapter, item))
        {
            return item;
        }

        if (!Uri.TryCreate(item.Url, UriKind.Absolute, out var page))
        {
            LogNoPage(sourceId, item.ExternalId);
            return item;
        }

        try
        {
            // The host's slot first, then the process's: a process slot is never held waiting for a busy host. The
            // process slot covers reading the page too, the page's text and document tree being its largest copies.
            ArticleContent? article;
            using (await hosts.EnterAsync(page.Host, cancellationToken))
            using (await slots.EnterAsync(cancellationToken))
            {
                var html = await fetcher.FetchPageAsync(page, adapter, cancellationToken);
                article = fullText.Extract(html, page);
            }

            if (article is null || string.IsNullOrWhiteSpace(article.Text))
            {
                LogNoArticle(sourceId, page);
                return item;
            }

            return item with { Body = article.Text, BodyHtml = article.Html };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(sourceId, page, ex is FeedFetchException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
            return item;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Full text of {SourceId}/{ExternalId}: the item has no absolute link; keeping the summary")]
    private partial void LogNoPage(string sourceId, string externalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Full text for {SourceId}: no article body found on {Page}; keeping the summary")]
    private partial void LogNoArticle(string sourceId, Uri page);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Full text for {SourceId}: fetching {Page} failed ({Error}); keeping the summary")]
    private partial void LogFetchFailed(string sourceId, Uri page, string error);
}
