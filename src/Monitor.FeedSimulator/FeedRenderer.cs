using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Monitor.FeedSimulator;

/// <summary>Renders a feed's items in its shape, following the fixtures of the real feeds (structure only, own texts).</summary>
public static class FeedRenderer
{
    private static readonly XNamespace AtomNs = "http://www.w3.org/2005/Atom";

    public static (string ContentType, byte[] Body) Render(SimulatedFeed feed, IReadOnlyList<SimulatedItem> items)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(items);
        var site = new Uri(feed.Url.GetLeftPart(UriPartial.Authority));
        return feed.Shape switch
        {
            FeedShape.Rss => ("application/rss+xml; charset=utf-8", Xml(Rss(feed, items, site))),
            FeedShape.Atom => ("application/atom+xml; charset=utf-8", Xml(Atom(feed, items, site))),
            FeedShape.NatoJson => ("application/json; charset=utf-8", NatoJson(items, site)),
            FeedShape.EpApiAtom => ("application/atom+xml; charset=utf-8", Xml(EpApiAtom(feed, items, site))),
            FeedShape.EpApiJsonLd => ("application/ld+json; charset=utf-8", EpApiJsonLd(items)),
            _ => throw new ArgumentOutOfRangeException(nameof(feed), feed.Shape, "Unknown feed shape"),
        };
    }

    /// <summary>The article page of an item: NATO's <c>div.ca04-rich-text</c> paragraphs inside a plain page.</summary>
    public static string ArticlePage(SimulatedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var paragraphs = string.Concat(item.Paragraphs.Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>"));
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(item.Title)}</title></head>
            <body><main><article><h1>{WebUtility.HtmlEncode(item.Title)}</h1>
            <div class="ca04-rich-text">{paragraphs}</div>
            <p class="simulator-note">Written by the Monitor feed simulator; not a real statement.</p></article></main></body></html>
            """;
    }

    // EP RSS: non-permalink guid with a language suffix, escaped HTML description, RFC 822 dates.
    private static XDocument Rss(SimulatedFeed feed, IReadOnlyList<SimulatedItem> items, Uri site) =>
        new(new XElement("rss", new XAttribute("version", "2.0"),
            new XElement("channel",
                new XElement("title", $"Simulated feed {feed.Id}"),
                new XElement("link", site.ToString()),
                new XElement("description", "Statements written by the Monitor feed simulator."),
                new XElement("language", "en"),
                items.Select(item => new XElement("item",
                    new XElement("title", item.Title),
                    new XElement("link", new Uri(site, item.Path).ToString()),
                    new XElement("guid", new XAttribute("isPermaLink", "false"), $"{item.Id}_EN"),
                    new XElement("pubDate", item.Published.ToString("r", CultureInfo.InvariantCulture)),
                    new XElement("category", new XAttribute("domain", "type"), "Press release"),
                    new XElement("description", $"<p>{WebUtility.HtmlEncode(item.Summary)}</p><p>Ref.: {item.Reference}</p>"))))));

    private static XDocument Atom(SimulatedFeed feed, IReadOnlyList<SimulatedItem> items, Uri site) =>
        new(new XElement(AtomNs + "feed",
            new XElement(AtomNs + "title", $"Simulated feed {feed.Id}"),
            new XElement(AtomNs + "id", $"urn:monitor-simulator:{feed.Id}"),
            new XElement(AtomNs + "updated", Iso(feed.LastChanged)),
            new XElement(AtomNs + "link", new XAttribute("href", site.ToString())),
            items.Select(item => new XElement(AtomNs + "entry",
                new XElement(AtomNs + "title", item.Title),
                new XElement(AtomNs + "id", $"urn:monitor-simulator:{item.Id}"),
                new XElement(AtomNs + "link", new XAttribute("href", new Uri(site, item.Path).ToString())),
                new XElement(AtomNs + "published", Iso(item.Published)),
                new XElement(AtomNs + "updated", Iso(item.Published)),
                new XElement(AtomNs + "summary", item.Summary),
                new XElement(AtomNs + "content", new XAttribute("type", "html"),
                    string.Concat(item.Paragraphs.Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>")))))));

    // NATO site search JSON: day-only dates, generic titles for transcripts, the speaker in the description.
    // Links are absolute on the simulator (real ones are relative to www.nato.int) so full-text fetches stay local.
    private static byte[] NatoJson(IReadOnlyList<SimulatedItem> items, Uri site) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            pages = items.Select(item => new
            {
                title = item.Number % 3 == 0 ? "Press conference" : item.Title,
                description = item.Number % 3 == 0 ? $"by the {item.Title}" : item.Summary,
                headingTitle = item.Number % 3 == 0 ? "Press conference" : item.Title,
                image = "",
                readingTime = 2 + (item.Number % 7),
                highlightInSearch = false,
                pageDate = item.Published.ToString("dd MMMM yyyy", CultureInfo.InvariantCulture),
                pageType = item.Number % 3 == 0 ? "Transcript" : "News",
                link = new Uri(site, item.Path).ToString(),
            }),
        });

    private static XDocument EpApiAtom(SimulatedFeed feed, IReadOnlyList<SimulatedItem> items, Uri site) =>
        new(new XElement(AtomNs + "feed", new XAttribute(XNamespace.Xml + "lang", "en"),
            new XElement(AtomNs + "author", new XElement(AtomNs + "name", "European Parliament (simulated)")),
            new XElement(AtomNs + "title", new XAttribute("type", "text"), $"Simulated plenary documents {feed.Id}"),
            new XElement(AtomNs + "id", new Uri(site, $"/api/v2/{feed.Id}/feed").ToString()),
            new XElement(AtomNs + "link", new XAttribute("href", site.ToString())),
            new XElement(AtomNs + "updated", Iso(feed.LastChanged)),
            items.Select(item => new XElement(AtomNs + "entry",
                new XElement(AtomNs + "title", new XAttribute("type", "text"), new XAttribute(XNamespace.Xml + "lang", "en"), item.Title),
                new XElement(AtomNs + "id", new Uri(site, $"/eli/dl/doc/{item.Reference}").ToString()),
                new XElement(AtomNs + "link", new XAttribute("href", new Uri(site, $"/eli/dl/doc/{item.Reference}").ToString()), new XAttribute("rel", "self")),
                new XElement(AtomNs + "link", new XAttribute("href", new Uri(site, item.Path).ToString()), new XAttribute("rel", "alternate")),
                new XElement(AtomNs + "category", new XAttribute("term", "work-type"),
                    new XAttribute("scheme", "https://data.europarl.europa.eu/def/ep-document-types/TEXT_ADOPTED"), new XAttribute("label", "Text adopted")),
                new XElement(AtomNs + "updated", Iso(item.Published))))));

    private static byte[] EpApiJsonLd(IReadOnlyList<SimulatedItem> items) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["data"] = items.Select(item => new Dictionary<string, object>
            {
                ["id"] = $"eli/dl/doc/{item.Reference}",
                ["type"] = "Work",
                ["work_type"] = "def/ep-document-types/TEXT_ADOPTED",
                ["identifier"] = item.Reference,
                ["label"] = item.Reference,
                ["document_date"] = item.Published.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["is_realized_by"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["id"] = $"eli/dl/doc/{item.Reference}/en",
                        ["type"] = "Expression",
                        ["language"] = "http://publications.europa.eu/resource/authority/language/ENG",
                        ["title"] = new Dictionary<string, string> { ["en"] = item.Title },
                    },
                },
            }).ToList(),
            ["@context"] = new object[]
            {
                new Dictionary<string, string> { ["data"] = "@graph", ["@base"] = "https://data.europarl.europa.eu/" },
                "https://data.europarl.europa.eu/api/v2/context.jsonld",
            },
        });

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Xml(XDocument document) =>
        Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + document.ToString(SaveOptions.DisableFormatting));
}
