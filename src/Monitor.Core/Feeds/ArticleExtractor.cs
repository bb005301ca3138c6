namespace Monitor.Core.Feeds;

/// <summary>The body of an article page: clean text for tagging, sanitised HTML for display.</summary>
public sealed record ArticleContent(string Text, string Html);

/// <summary>
/// Extracts the body of a statement's article page (NATO's <c>div.ca04-rich-text</c>, EP press-release pages,
/// texts adopted on doceo) for feeds that carry only a summary.
/// </summary>
public static class ArticleExtractor
{
    /// <returns>The article body, or null when the page has none that this extractor recognises.</returns>
    public static ArticleContent? Extract(string html, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(pageUrl);
        return null; // Placeholder until the extractor lands (Sources issue).
    }
}
