using System.Xml;
using System.Xml.Linq;
using Monitor.Core.Text;

namespace Monitor.Core.Feeds;

/// <summary>
/// Reads RSS 0.9x / 2.0, RSS 1.0 (RDF) and Atom (1.0, and 0.3 as far as it agrees) into <see cref="FeedItem"/>s.
/// </summary>
/// <remarks>
/// Built on XmlReader + LINQ to XML rather than System.ServiceModel.Syndication: Syndication reads neither RSS 1.0
/// (RDF) nor RSS 0.9x, throws on the non-RFC-822 dates real feeds carry ("19 Sep. 2025 12:00:00 GMT", wrong
/// weekdays) and on unknown Atom constructs, and gives no control over encodings. A small reader that looks
/// for the few elements we need is both more lenient and easier to keep safe (DTDs prohibited, no resolver).
/// </remarks>
public static class FeedParser
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Atom03 = "http://purl.org/atom/ns#";
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";

    private static readonly XmlReaderSettings SafeSettings = new()
    {
        // No DTD, hence no entity expansion (billion laughs) and no external entities (XXE); no resolver either.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        // Stray control characters are common in real feeds and harmless once the text is cleaned.
        CheckCharacters = false,
        CloseInput = false,
    };

    public static IReadOnlyList<FeedItem> Parse(Stream content, Uri feedUrl) => Parse(content, feedUrl, refine: null);

    /// <summary>Lets a source adapter refine each item from its XML element (its categories, its guid's form);
    /// returning null drops the item.</summary>
    internal delegate FeedItem? ItemRefiner(XElement element, FeedItem item);

    internal static IReadOnlyList<FeedItem> Parse(Stream content, Uri feedUrl, ItemRefiner? refine)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(feedUrl);

        var text = FeedEncoding.Decode(ReadAll(content));
        RejectObviousNonFeeds(text);
        var root = LoadXml(text).Root
            ?? throw new FeedFormatException("Expected an RSS or Atom document but the document has no root element");

        var name = root.Name;
        if (name.LocalName.Equals("rss", StringComparison.OrdinalIgnoreCase))
        {
            return FeedIds.MakeUnique(ParseRss(root, feedUrl, refine));
        }

        if (name == Rdf + "RDF")
        {
            return FeedIds.MakeUnique(ParseRdf(root, feedUrl, refine));
        }

        if (name == Atom + "feed" || name == Atom03 + "feed")
        {
            return FeedIds.MakeUnique(ParseAtom(root, name.Namespace, feedUrl, refine));
        }

        throw new FeedFormatException($"Expected an RSS or Atom document but the root element is <{DisplayName(root)}>");
    }

    private static byte[] ReadAll(Stream content)
    {
        if (content is MemoryStream memory && memory.Position == 0)
        {
            return memory.ToArray();
        }

        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Clear messages for the usual non-feeds (empty 202s, error pages, JSON APIs) before the XML parser's.</summary>
    private static void RejectObviousNonFeeds(string text)
    {
        var start = text.AsSpan().TrimStart();
        if (start.IsEmpty)
        {
            throw new FeedFormatException("The feed is empty: the response has no content");
        }

        if (start[0] is '{' or '[')
        {
            throw new FeedFormatException(
                $"Expected an RSS or Atom document but got JSON (the content starts with '{start[0]}')");
        }

        if (start[0] != '<')
        {
            throw new FeedFormatException(
                $"Expected an RSS or Atom document but the content is not XML (it starts with \"{Excerpt(start)}\")");
        }

        var markup = FirstMarkup(start);
        if (markup.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || markup.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
        {
            throw new FeedFormatException("Expected an RSS or Atom document but the root element is <html>");
        }

        if (markup.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
        {
            throw new FeedFormatException(
                "The feed declares a DTD (<!DOCTYPE ...>), which is prohibited: DTDs can expand entities without "
                + "bound or read local files");
        }
    }

    /// <summary>The text from the first tag that is not the XML declaration, a processing instruction or a comment.</summary>
    private static ReadOnlySpan<char> FirstMarkup(ReadOnlySpan<char> text)
    {
        while (true)
        {
            text = text.TrimStart();
            var end = text.StartsWith("<?") ? text.IndexOf("?>")
                : text.StartsWith("<!--") ? text.IndexOf("-->")
                : -1;
            if (end < 0)
            {
                return text;
            }

            text = text[(end + (text[1] == '?' ? 2 : 3))..];
        }
    }

    private static XDocument LoadXml(string text)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), SafeSettings);
            return XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            if (text.AsSpan(0, Math.Min(text.Length, 2048)).Contains("<html", StringComparison.OrdinalIgnoreCase))
            {
                throw new FeedFormatException("Expected an RSS or Atom document but got an HTML page", ex);
            }

            throw new FeedFormatException($"The feed is not well-formed XML: {ex.Message}", ex);
        }
    }

    private static List<FeedItem> ParseRss(XElement root, Uri feedUrl, ItemRefiner? refine)
    {
        // RSS 2.0 and 0.9x elements have no namespace, but some feeds put a default namespace on <rss>: take the
        // channel's, so <media:title> and friends are never mistaken for the item's own elements.
        var channel = root.Elements().FirstOrDefault(e => e.Name.LocalName == "channel");
        var ns = channel?.Name.Namespace ?? root.Name.Namespace;
        var items = (channel?.Elements(ns + "item") ?? []).Concat(root.Elements(ns + "item"));
        var channelLanguage = Value(channel?.Element(ns + "language")) ?? Value(channel?.Element(Dc + "language"));
        return ReadRssItems(items, ns, channelLanguage, feedUrl, refine);
    }

    private static List<FeedItem> ParseRdf(XElement root, Uri feedUrl, ItemRefiner? refine)
    {
        // RSS 1.0 (and 0.90): items are children of rdf:RDF, in the RSS 1.0 (or Netscape 0.90) namespace.
        var channel = root.Elements().FirstOrDefault(e => e.Name.LocalName == "channel");
        var items = root.Elements().Where(e => e.Name.LocalName == "item").ToList();
        var ns = items.FirstOrDefault()?.Name.Namespace ?? channel?.Name.Namespace ?? XNamespace.None;
        var channelLanguage = Value(channel?.Element(Dc + "language")) ?? Value(channel?.Element(ns + "language"));
        return ReadRssItems(items, ns, channelLanguage, feedUrl, refine);
    }

    private static List<FeedItem> ReadRssItems(
        IEnumerable<XElement> items, XNamespace ns, string? channelLanguage, Uri feedUrl, ItemRefiner? refine)
    {
        var result = new List<FeedItem>();
        foreach (var item in items)
        {
            var baseUri = BaseUri(item, feedUrl);
            var title = HtmlText.ToPlainText(Value(item.Element(ns + "title")) ?? Value(item.Element(Dc + "title")));

            var guidElement = item.Element(ns + "guid");
            var guid = Value(guidElement);
            var guidIsPermaLink = !string.Equals(
                (string?)guidElement?.Attribute("isPermaLink"), "false", StringComparison.OrdinalIgnoreCase);
            var about = Value(item.Attribute(Rdf + "about"));
            var link = Value(item.Element(ns + "link"))
                ?? AtomLink(item, Atom, feedUrl)
                ?? (guidIsPermaLink && IsHttpUrl(guid) ? guid : null)
                ?? (IsHttpUrl(about) ? about : null);
            var url = Resolve(baseUri, link);

            var description = Value(item.Element(ns + "description")) ?? Value(item.Element(Dc + "description"));
            var encoded = Value(item.Element(Content + "encoded"));
            var summary = HtmlText.ToPlainText(description);
            var body = HtmlText.ToPlainText(encoded);
            var bodyHtml = LooksLikeMarkup(encoded) ? encoded : LooksLikeMarkup(description) ? description : null;
            var dateRaw = Value(item.Element(ns + "pubDate")) ?? Value(item.Element(Dc + "date"))
                ?? Value(item.Element(Atom + "published")) ?? Value(item.Element(Atom + "updated"));
            var language = Value(item.Element(Dc + "language")) ?? channelLanguage ?? InheritedLanguage(item);

            Add(result, new RawItem(guid ?? about, url, title, summary, body, dateRaw, language, bodyHtml, baseUri), item, refine);
        }

        return result;
    }

    private static List<FeedItem> ParseAtom(XElement root, XNamespace ns, Uri feedUrl, ItemRefiner? refine)
    {
        var result = new List<FeedItem>();
        foreach (var entry in root.Elements(ns + "entry"))
        {
            var url = AtomLink(entry, ns, feedUrl) ?? "";
            var dateRaw = Value(entry.Element(ns + "published")) ?? Value(entry.Element(ns + "updated"))
                ?? Value(entry.Element(ns + "issued")) ?? Value(entry.Element(ns + "modified"))
                ?? Value(entry.Element(ns + "created"));

            var content = entry.Element(ns + "content");
            var raw = new RawItem(
                Value(entry.Element(ns + "id")),
                url,
                AtomText(entry.Element(ns + "title")),
                AtomText(entry.Element(ns + "summary")),
                AtomText(content),
                dateRaw,
                InheritedLanguage(entry),
                AtomHtml(content) ?? AtomHtml(entry.Element(ns + "summary")),
                BaseUri(entry, feedUrl));
            Add(result, raw, entry, refine);
        }

        return result;
    }

    /// <summary>What an RSS item or Atom entry said, before it becomes a <see cref="FeedItem"/>.</summary>
    private sealed record RawItem(
        string? Id, string Url, string Title, string Summary, string Body, string? DateRaw, string? Language,
        string? BodyHtml, Uri BaseUri);

    private static void Add(List<FeedItem> result, RawItem raw, XElement element, ItemRefiner? refine)
    {
        if (raw.Title.Length == 0 && raw.Url.Length == 0)
        {
            return;
        }

        var externalId = raw.Id ?? (raw.Url.Length > 0 ? raw.Url : FeedIds.Hash(raw.Title, raw.DateRaw));
        var bodyHtml = SafeHtml.Sanitize(raw.BodyHtml, raw.BaseUri);
        var item = new FeedItem(
            externalId, raw.Url, raw.Title, raw.Summary, raw.Body, FeedDates.Parse(raw.DateRaw), raw.DateRaw,
            NormaliseLanguage(raw.Language))
        {
            BodyHtml = bodyHtml.Length > 0 ? bodyHtml : null,
        };
        if ((refine is null ? item : refine(element, item)) is { } refined)
        {
            result.Add(refined);
        }
    }

    private static bool LooksLikeMarkup(string? text) => text is not null && text.Contains('<', StringComparison.Ordinal);

    /// <summary>The markup of an Atom html/xhtml text construct, or null for plain text.</summary>
    private static string? AtomHtml(XElement? element)
    {
        if (element is null || element.Attribute("src") is not null)
        {
            return null;
        }

        var type = ((string?)element.Attribute("type"))?.Trim().ToLowerInvariant() ?? "text";
        var mode = ((string?)element.Attribute("mode"))?.Trim().ToLowerInvariant();
        if (mode == "escaped" || type is "html" or "text/html")
        {
            return LooksLikeMarkup(element.Value) ? element.Value : null;
        }

        return type is "xhtml" or "application/xhtml+xml" || mode == "xml" ? string.Concat(element.Nodes()) : null;
    }

    /// <summary>Atom text constructs: text is literal, html is escaped markup, xhtml is inline markup.</summary>
    private static string AtomText(XElement? element)
    {
        if (element is null || element.Attribute("src") is not null)
        {
            return "";
        }

        var type = ((string?)element.Attribute("type"))?.Trim().ToLowerInvariant() ?? "text";
        var mode = ((string?)element.Attribute("mode"))?.Trim().ToLowerInvariant(); // Atom 0.3
        if (mode == "base64")
        {
            return "";
        }

        if (mode == "escaped" || type is "html" or "text/html")
        {
            return HtmlText.ToPlainText(element.Value);
        }

        if (type is "xhtml" or "application/xhtml+xml" || mode == "xml")
        {
            return HtmlText.ToPlainText(string.Concat(element.Nodes()));
        }

        return type is "text" or "text/plain" ? PlainText.Collapse(element.Value) : "";
    }

    /// <summary>The absolute href of the alternate link (a link without rel is alternate), else of the first link.</summary>
    private static string? AtomLink(XElement parent, XNamespace ns, Uri feedUrl)
    {
        var links = parent.Elements(ns + "link")
            .Where(l => !string.IsNullOrWhiteSpace((string?)l.Attribute("href")))
            .ToList();
        var link = links.FirstOrDefault(l => ((string?)l.Attribute("rel") ?? "alternate").Trim() == "alternate")
            ?? links.FirstOrDefault(l => (string?)l.Attribute("rel") != "enclosure")
            ?? links.FirstOrDefault();
        return link is null ? null : Resolve(BaseUri(link, feedUrl), (string?)link.Attribute("href"));
    }

    /// <summary>The feed URL, refined by any xml:base on the way down to the element.</summary>
    private static Uri BaseUri(XElement element, Uri feedUrl)
    {
        var current = feedUrl;
        foreach (var ancestor in element.AncestorsAndSelf().Reverse())
        {
            var xmlBase = ((string?)ancestor.Attribute(XNamespace.Xml + "base"))?.Trim();
            if (string.IsNullOrEmpty(xmlBase))
            {
                continue;
            }

            if (Uri.TryCreate(current, xmlBase, out var combined))
            {
                current = combined;
            }
        }

        return current;
    }

    /// <summary>The link made absolute against the base and canonical; "" when it is no http(s) URL.</summary>
    private static string Resolve(Uri baseUri, string? link) => FeedUrls.Canonical(baseUri, link);

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? InheritedLanguage(XElement element) =>
        element.AncestorsAndSelf()
            .Select(e => (string?)e.Attribute(XNamespace.Xml + "lang"))
            .FirstOrDefault(lang => !string.IsNullOrWhiteSpace(lang));

    private static string? NormaliseLanguage(string? language)
    {
        var tag = language?.Trim().Replace('_', '-').ToLowerInvariant();
        return string.IsNullOrEmpty(tag) ? null : tag;
    }

    private static string? Value(XElement? element)
    {
        var value = element?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? Value(XAttribute? attribute)
    {
        var value = attribute?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string DisplayName(XElement element) =>
        element.GetPrefixOfNamespace(element.Name.Namespace) is { Length: > 0 } prefix
            ? $"{prefix}:{element.Name.LocalName}"
            : element.Name.LocalName;

    private static string Excerpt(ReadOnlySpan<char> text)
    {
        var excerpt = text[..Math.Min(text.Length, 40)].ToString();
        return PlainText.Collapse(excerpt);
    }
}
