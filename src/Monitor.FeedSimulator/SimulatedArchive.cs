using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Monitor.FeedSimulator;

/// <summary>How many archived statements the simulator serves per shape, and over which dates (newest first).</summary>
public sealed class ArchiveOptions
{
    public int NatoItems { get; set; } = 40_000;

    public int EpApiItems { get; set; } = 40_000;

    public int ThinkTankItems { get; set; } = 10_000;

    public int AtomItems { get; set; } = 10_000;

    public DateOnly Start { get; set; } = new(2022, 1, 1);

    public DateOnly End { get; set; } = new(2026, 11, 30);

    public int Total => NatoItems + EpApiItems + ThinkTankItems + AtomItems;
}

/// <summary>
/// A generated archive of historical statements in the NATO and EP shapes, with their paging, for backfill tests and
/// the backfill benchmark: item <c>i</c> of a shape is computed from (shape, i) alone (text from the simulator's phrase
/// bank, date spread evenly from <see cref="ArchiveOptions.End"/> back to <see cref="ArchiveOptions.Start"/>), so 100,000
/// items cost no memory and every run serves the same archive. Paths:
/// <list type="bullet">
/// <item><c>/archive/nato/{section}/search.json?page=N&amp;pageSize=M</c>: NATO site search JSON, newest first.</item>
/// <item><c>/archive/ep/api/v2/{collection}?year=Y&amp;offset=O&amp;limit=L</c> (JSON-LD list; 204 past the end) and
/// <c>/archive/ep/api/v2/{collection}/feed</c> (the newest 50).</item>
/// <item><c>/archive/thinktank/rss?startDate=dd/MM/yyyy&amp;endDate=dd/MM/yyyy</c>: Think Tank RSS of the window.</item>
/// <item><c>/archive/atom/{page}.xml</c>: an RFC 5005 archived feed, page 0 the newest, each linking <c>prev-archive</c>.</item>
/// </list>
/// </summary>
public sealed class SimulatedArchive(ArchiveOptions options)
{
    public const int AtomPageSize = 50;

    private static readonly XNamespace AtomNs = "http://www.w3.org/2005/Atom";

    public ArchiveOptions Options { get; } = options;

    /// <summary>Requests served per path and query (tests check a resumed walk did not start over).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    /// <summary>Newest first: index 0 is <see cref="ArchiveOptions.End"/>, the last index <see cref="ArchiveOptions.Start"/> (noon UTC).</summary>
    public DateTimeOffset DateOf(int index, int count)
    {
        var span = Options.End.DayNumber - Options.Start.DayNumber;
        var day = Options.End.AddDays(-(int)((long)index * span / Math.Max(1, count)));
        return new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
    }

    /// <summary>First index of a count whose date is on or before <paramref name="day"/>.</summary>
    private int FirstOnOrBefore(DateOnly day, int count)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (DateOnly.FromDateTime(DateOf(mid, count).UtcDateTime) > day)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public static SimulatedItem Item(string shape, int index, DateTimeOffset published)
    {
        var feedShape = shape == "nato" ? FeedShape.NatoJson : shape == "ep" ? FeedShape.EpApiJsonLd : FeedShape.Atom;
        var item = new StatementWriter(unchecked((index * 7919) + shape.Length)).Write($"archive-{shape}", feedShape, index, published);
        return item with
        {
            Id = $"archive-{shape}-{index}",
            Path = $"/archive/{shape}/pages/{index}",
            Reference = shape == "ep" ? $"SIM-{published.Year}-{index:000000}" : item.Reference,
        };
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/archive/nato/{section}/search.json", (HttpContext context, string section) =>
        {
            Count(context);
            var page = Int(context, "page", 1);
            var size = Math.Clamp(Int(context, "pageSize", 15), 1, 200);
            var from = (long)(page - 1) * size;
            var items = Range(from, size, Options.NatoItems).Select(i => Item("nato", i, DateOf(i, Options.NatoItems))).ToList();
            var site = Site(context);
            return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(new
            {
                pages = items.Select(item => new
                {
                    title = item.Title,
                    description = item.Summary,
                    headingTitle = item.Title,
                    image = "",
                    readingTime = 3,
                    highlightInSearch = false,
                    pageDate = item.Published.ToString("dd MMMM yyyy", CultureInfo.InvariantCulture),
                    pageType = item.Number % 3 == 0 ? "Transcript" : "News",
                    link = new Uri(site, $"/archive/nato/{section}/{item.Number}-{Slug(item.Title)}").ToString(),
                }),
            }), "application/json; charset=utf-8");
        });

        app.MapGet("/archive/ep/api/v2/{collection}/feed", (HttpContext context) =>
        {
            Count(context);
            return EpJson(Range(0, 50, Options.EpApiItems));
        });

        app.MapGet("/archive/ep/api/v2/{collection}", (HttpContext context) =>
        {
            Count(context);
            var year = Int(context, "year", Options.End.Year);
            var offset = Int(context, "offset", 0);
            var limit = Math.Clamp(Int(context, "limit", 50), 1, 50);
            var first = FirstOnOrBefore(new DateOnly(year, 12, 31), Options.EpApiItems);
            var end = FirstOnOrBefore(new DateOnly(year - 1, 12, 31), Options.EpApiItems);
            var from = first + offset;
            if (from >= end)
            {
                return Results.StatusCode(StatusCodes.Status204NoContent);
            }

            return EpJson(Enumerable.Range(from, Math.Min(limit, end - from)));
        });

        app.MapGet("/archive/thinktank/rss", (HttpContext context) =>
        {
            Count(context);
            var start = DateOnly.ParseExact(context.Request.Query["startDate"].ToString() is { Length: > 0 } s ? s : Options.End.AddMonths(-1).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), "dd/MM/yyyy", CultureInfo.InvariantCulture);
            var end = context.Request.Query["endDate"].ToString() is { Length: > 0 } e ? DateOnly.ParseExact(e, "dd/MM/yyyy", CultureInfo.InvariantCulture) : Options.End;
            var first = FirstOnOrBefore(end, Options.ThinkTankItems);
            var last = FirstOnOrBefore(start.AddDays(-1), Options.ThinkTankItems);
            var site = Site(context);
            var items = Enumerable.Range(first, Math.Max(0, last - first)).Select(i => Item("thinktank", i, DateOf(i, Options.ThinkTankItems)));
            var rss = new XElement("rss", new XAttribute("version", "2.0"), new XElement("channel",
                new XElement("title", "Think Tank (simulated archive)"),
                new XElement("link", site.ToString()),
                new XElement("description", "Publications written by the Monitor feed simulator."),
                items.Select(item => new XElement("item",
                    new XElement("title", item.Title),
                    new XElement("link", new Uri(site, $"/thinktank/en/document/EPRS_BRI({item.Published.Year}){700000 + item.Number}").ToString()),
                    new XElement("guid", $"EPRS_BRI({item.Published.Year}){700000 + item.Number}"),
                    // Brussels midnight written as GMT, as the real feed does.
                    new XElement("pubDate", new DateTimeOffset(item.Published.Date, TimeSpan.Zero).ToString("r", CultureInfo.InvariantCulture)),
                    new XElement("description", string.Join(' ', item.Paragraphs))))));
            return Xml(new XDocument(rss), "application/rss+xml; charset=utf-8");
        });

        app.MapGet("/archive/atom/{file}", (HttpContext context, string file) =>
        {
            Count(context);
            if (!int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var page))
            {
                return Results.NotFound("No such archive page.");
            }

            var site = Site(context);
            var from = (long)page * AtomPageSize;
            var pages = (Options.AtomItems + AtomPageSize - 1) / AtomPageSize;
            var items = Range(from, AtomPageSize, Options.AtomItems).Select(i => Item("atom", i, DateOf(i, Options.AtomItems)));
            var feed = new XElement(AtomNs + "feed",
                new XElement(AtomNs + "title", "Simulated archived feed"),
                new XElement(AtomNs + "id", "urn:monitor-simulator:archive-atom"),
                new XElement(AtomNs + "updated", Iso(DateOf((int)Math.Min(from, Options.AtomItems - 1), Options.AtomItems))),
                new XElement(AtomNs + "link", new XAttribute("rel", page == 0 ? "self" : "current"), new XAttribute("href", new Uri(site, "/archive/atom/0.xml").ToString())),
                page + 1 < pages ? new XElement(AtomNs + "link", new XAttribute("rel", "prev-archive"), new XAttribute("href", new Uri(site, $"/archive/atom/{page + 1}.xml").ToString())) : null,
                page > 0 ? new XElement(AtomNs + "link", new XAttribute("rel", "next-archive"), new XAttribute("href", new Uri(site, $"/archive/atom/{page - 1}.xml").ToString())) : null,
                items.Select(item => new XElement(AtomNs + "entry",
                    new XElement(AtomNs + "title", item.Title),
                    new XElement(AtomNs + "id", $"urn:monitor-simulator:{item.Id}"),
                    new XElement(AtomNs + "link", new XAttribute("href", new Uri(site, item.Path).ToString())),
                    new XElement(AtomNs + "published", Iso(item.Published)),
                    new XElement(AtomNs + "updated", Iso(item.Published)),
                    new XElement(AtomNs + "summary", item.Summary),
                    new XElement(AtomNs + "content", new XAttribute("type", "html"), string.Concat(item.Paragraphs.Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>"))))));
            return Xml(new XDocument(feed), "application/atom+xml; charset=utf-8");
        });
    }

    private IResult EpJson(IEnumerable<int> indexes) =>
        Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["data"] = indexes.Select(i => Item("ep", i, DateOf(i, Options.EpApiItems))).Select(item => new Dictionary<string, object>
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
                        ["title"] = new Dictionary<string, string> { ["en"] = $"{item.Title}. {string.Join(' ', item.Paragraphs)}" },
                    },
                },
            }).ToList(),
            ["@context"] = new object[]
            {
                new Dictionary<string, string> { ["data"] = "@graph", ["@base"] = "https://data.europarl.europa.eu/" },
                "https://data.europarl.europa.eu/api/v2/context.jsonld",
            },
        }), "application/ld+json; charset=utf-8");

    private void Count(HttpContext context) =>
        Requests.AddOrUpdate(context.Request.Path + context.Request.QueryString, 1, (_, n) => n + 1);

    private static IEnumerable<int> Range(long from, int size, int count) =>
        from >= count ? [] : Enumerable.Range((int)from, (int)Math.Min(size, count - from));

    private static int Int(HttpContext context, string name, int fallback) =>
        int.TryParse(context.Request.Query[name].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static Uri Site(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host}/");

    private static string Slug(string title) =>
        string.Join('-', title.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(6)).Replace(",", "", StringComparison.Ordinal);

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static IResult Xml(XDocument document, string contentType) =>
        Results.Bytes(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + document.ToString(SaveOptions.DisableFormatting)), contentType);
}
