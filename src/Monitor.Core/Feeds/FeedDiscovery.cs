using System.Text;
using AngleSharp.Html.Parser;

namespace Monitor.Core.Feeds;

/// <summary>A feed an HTML page announces (<c>&lt;link rel="alternate" type="application/rss+xml"&gt;</c>).</summary>
/// <param name="Url">Absolute, resolved against the page's URL (and its <c>&lt;base href&gt;</c>).</param>
/// <param name="Type">The link's MIME type, lower case.</param>
/// <param name="Title">The link's title attribute, when it has one.</param>
public sealed record FeedLink(Uri Url, string Type, string? Title);

/// <summary>One adapter that read a body, and what it read.</summary>
public sealed record AdapterMatch(string Adapter, IReadOnlyList<FeedItem> Items);

/// <summary>
/// What kind of thing a URL answered with, for adding a source by URL: an HTML page (and the feeds it links to) or a
/// feed (and the adapters that read it). Pure: the dashboard fetches, this looks.
/// </summary>
public static class FeedDiscovery
{
    /// <summary>At most this many feed links of a page are tried.</summary>
    public const int MaxLinks = 5;

    private static readonly string[] FeedTypes = ["application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"];

    /// <summary>True when the body is an HTML page rather than a feed: a doctype or an &lt;html&gt;/&lt;head&gt;/&lt;body&gt; root.</summary>
    public static bool IsHtml(ReadOnlySpan<byte> content)
    {
        var head = Encoding.UTF8.GetString(content[..Math.Min(content.Length, 1024)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        // Comments before the root are common in both; skip them.
        while (head.StartsWith("<!--", StringComparison.Ordinal) && head.IndexOf("-->", StringComparison.Ordinal) is var end and >= 0)
        {
            head = head[(end + 3)..].TrimStart();
        }

        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<head", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<body", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The feeds a page links to with <c>rel="alternate"</c> and an RSS or Atom type, in page order, without repeats,
    /// at most <see cref="MaxLinks"/>. Links that are not http(s) once resolved are left out.
    /// </summary>
    public static IReadOnlyList<FeedLink> FindFeedLinks(string html, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(pageUrl);
        var document = new HtmlParser().ParseDocument(html);
        var baseUrl = pageUrl;
        if (document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref && Uri.TryCreate(pageUrl, baseHref.Trim(), out var declared)
            && declared.Scheme is "http" or "https")
        {
            baseUrl = declared;
        }

        var links = new List<FeedLink>();
        foreach (var element in document.QuerySelectorAll("link[rel][href]"))
        {
            var rel = (element.GetAttribute("rel") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var type = (element.GetAttribute("type") ?? "").Split(';')[0].Trim().ToLowerInvariant();
            if (!rel.Contains("alternate", StringComparer.OrdinalIgnoreCase) || !FeedTypes.Contains(type, StringComparer.Ordinal))
            {
                continue;
            }

            if (!Uri.TryCreate(baseUrl, (element.GetAttribute("href") ?? "").Trim(), out var url) || url.Scheme is not ("http" or "https")
                || links.Any(l => l.Url == url))
            {
                continue;
            }

            var title = element.GetAttribute("title")?.Trim();
            links.Add(new FeedLink(url, type, string.IsNullOrEmpty(title) ? null : title));
            if (links.Count == MaxLinks)
            {
                break;
            }
        }

        return links;
    }

    /// <summary>The body as text (BOM, XML declaration or UTF-8), for <see cref="FindFeedLinks(string, Uri)"/> and <see cref="PageTitle"/>.</summary>
    public static string Decode(byte[] content) => FeedEncoding.Decode(content);

    /// <summary>The title of an RSS channel, an RDF channel or an Atom feed; null for anything else (JSON, broken XML).</summary>
    public static string? FeedTitle(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            using var reader = System.Xml.XmlReader.Create(new StringReader(FeedEncoding.Decode(content)), new System.Xml.XmlReaderSettings
            {
                DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0, CheckCharacters = false,
            });
            // The first <title> before the first item or entry is the feed's own.
            while (reader.Read())
            {
                if (reader.NodeType != System.Xml.XmlNodeType.Element)
                {
                    continue;
                }

                if (reader.LocalName is "item" or "entry")
                {
                    return null;
                }

                if (reader.LocalName == "title")
                {
                    var title = string.Join(' ', reader.ReadElementContentAsString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                    return title.Length == 0 ? null : title;
                }
            }
        }
        catch (System.Xml.XmlException)
        {
            // Not a readable XML feed: no title to suggest.
        }

        return null;
    }

    /// <summary>The page's &lt;title&gt;, whitespace collapsed, or null.</summary>
    public static string? PageTitle(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var title = new HtmlParser().ParseDocument(html).Title;
        return string.IsNullOrWhiteSpace(title) ? null : string.Join(' ', title.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// The adapters to try on a feed from <paramref name="url"/>, most specific first: the institution's own adapters
    /// for its hosts, then the generic RSS/Atom one, then the JSON ones.
    /// </summary>
    public static IReadOnlyList<string> AdapterOrder(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.Host.ToLowerInvariant();
        if (host == "europarl.europa.eu" || host.EndsWith(".europarl.europa.eu", StringComparison.Ordinal))
        {
            return url.AbsolutePath.Contains("thinktank", StringComparison.OrdinalIgnoreCase)
                ? [FeedAdapters.EpThinkTank, FeedAdapters.EpRss, FeedAdapters.Rss]
                : host.StartsWith("data.", StringComparison.Ordinal)
                    ? [FeedAdapters.EpApi, FeedAdapters.Rss]
                    : [FeedAdapters.EpRss, FeedAdapters.EpApi, FeedAdapters.Rss];
        }

        if (host == "nato.int" || host.EndsWith(".nato.int", StringComparison.Ordinal))
        {
            return [FeedAdapters.NatoJson, FeedAdapters.Rss];
        }

        return [FeedAdapters.Rss, FeedAdapters.NatoJson, FeedAdapters.EpApi];
    }

    /// <summary>
    /// Every adapter of <see cref="AdapterOrder"/> that reads the body into at least one item, in that order (the first
    /// is the one to use), and why the others did not (adapter → message).
    /// </summary>
    public static (IReadOnlyList<AdapterMatch> Matches, IReadOnlyDictionary<string, string> Failures) TryAdapters(byte[] content, Uri url)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(url);
        var matches = new List<AdapterMatch>();
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var adapter in AdapterOrder(url))
        {
            try
            {
                using var stream = new MemoryStream(content, writable: false);
                var items = FeedAdapters.Parse(adapter, stream, url);
                if (items.Count > 0)
                {
                    matches.Add(new AdapterMatch(adapter, items));
                }
                else
                {
                    failures[adapter] = "read no item";
                }
            }
            catch (FeedFormatException ex)
            {
                failures[adapter] = ex.Message;
            }
        }

        return (matches, failures);
    }
}
