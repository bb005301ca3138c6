using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Monitor.Core.Text;

namespace Monitor.Core.Feeds;

/// <summary>The body of an article page: clean text for tagging, sanitised HTML for display.</summary>
public sealed record ArticleContent(string Text, string Html);

/// <summary>
/// Extracts the body of a statement's article page (NATO's <c>div.ca04-rich-text</c>, EP press-release pages,
/// texts adopted on doceo) for feeds that carry only a summary.
/// </summary>
/// <remarks>
/// Only pages this extractor knows are read: a guessed "main content" of an unknown page would put menus, cookie
/// banners and related links into the text that is tagged. The text and the HTML come from the same elements; the
/// HTML goes through <see cref="SafeHtml"/>, the text through <see cref="HtmlText"/>.
/// </remarks>
public static class ArticleExtractor
{
    // Below this much text a match is a teaser, an empty template or a "not available in your language" notice.
    private const int MinimumTextLength = 40;

    /// <summary>Where each site keeps the body, most specific first.</summary>
    private static readonly (Func<Uri, bool> Applies, string Selector)[] Rules =
    [
        (IsNato, "div.ca04-rich-text"),
        // EP news and press room: the key facts, the lead ("chapo") and the text blocks, in page order.
        (IsEpNews, "div.ep-a_facts, div.ep-a_text"),
        // doceo: verbatim reports mark their speeches p.contents; texts adopted and reports are plain paragraphs.
        (IsDoceo, "p.contents"),
        (IsDoceo, "body p"),
    ];

    private static readonly HashSet<string> Chrome = new(StringComparer.OrdinalIgnoreCase)
    {
        "nav", "header", "footer", "form", "aside", "script", "style", "noscript", "template",
    };

    // doceo's document header (title, document number) is page furniture, not the text.
    private const string DoceoHeaderClass = "doc_box_header";

    /// <summary>
    /// Whether a page's site is one this extractor reads (NATO, EP news and doceo): pages elsewhere are never fetched,
    /// since nothing could be taken from them (and a feed linking to any host must not make Monitor fetch from it).
    /// </summary>
    public static bool Reads(Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(pageUrl);
        return pageUrl.IsAbsoluteUri && pageUrl.Scheme is ("http" or "https") && Rules.Any(rule => rule.Applies(pageUrl));
    }

    /// <returns>The article body, or null when the page has none that this extractor recognises.</returns>
    public static ArticleContent? Extract(string html, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(pageUrl);
        if (string.IsNullOrWhiteSpace(html) || !pageUrl.IsAbsoluteUri)
        {
            return null;
        }

        var document = new HtmlParser().ParseDocument(html);
        foreach (var (applies, selector) in Rules)
        {
            if (!applies(pageUrl))
            {
                continue;
            }

            var blocks = TopMost(document.QuerySelectorAll(selector))
                .Where(e => !e.Ancestors<IElement>().Any(IsChrome))
                .ToList();
            if (Build(blocks, pageUrl) is { } content)
            {
                return content;
            }
        }

        return null;
    }

    private static ArticleContent? Build(List<IElement> blocks, Uri pageUrl)
    {
        if (blocks.Count == 0)
        {
            return null;
        }

        var markup = new StringBuilder();
        foreach (var block in blocks)
        {
            markup.Append(block.OuterHtml).Append('\n');
        }

        var text = HtmlText.ToPlainText(markup.ToString());
        if (text.Length < MinimumTextLength)
        {
            return null;
        }

        var safe = SafeHtml.Sanitize(markup.ToString(), pageUrl);
        return new ArticleContent(text, safe);
    }

    private static bool IsChrome(IElement element) =>
        Chrome.Contains(element.LocalName) || element.ClassList.Contains(DoceoHeaderClass);

    /// <summary>Drops matches nested in another match, so no paragraph is taken twice.</summary>
    private static IEnumerable<IElement> TopMost(IHtmlCollection<IElement> matches)
    {
        var set = matches.ToHashSet();
        return matches.Where(e => !e.Ancestors<IElement>().Any(set.Contains));
    }

    private static bool IsNato(Uri url) => HostIs(url, "nato.int");

    private static bool IsEpNews(Uri url) =>
        HostIs(url, "europarl.europa.eu") && url.AbsolutePath.Contains("/news/", StringComparison.OrdinalIgnoreCase);

    private static bool IsDoceo(Uri url) =>
        HostIs(url, "europarl.europa.eu") && url.AbsolutePath.StartsWith("/doceo/", StringComparison.OrdinalIgnoreCase);

    private static bool HostIs(Uri url, string domain) =>
        url.Host.Equals(domain, StringComparison.OrdinalIgnoreCase)
        || url.Host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
}
