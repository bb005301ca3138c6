using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Monitor.Core.Feeds;

namespace Monitor.Core.Backfill;

/// <summary>
/// How each source kind's archive is walked, page by page, back to a date: which URL comes first, and given a page's
/// URL and what it held, which comes next (null: the walk is over). The whole state of a walk is the next page's
/// URL, so a backfill's checkpoint is one string and a restarted walk asks for exactly the page it had not finished.
/// Pure: values in, values out.
/// </summary>
/// <remarks>
/// Newest first everywhere, so the statements an analyst asks about first (the recent months) arrive first.
/// <list type="bullet">
/// <item><c>nato-json</c>: the site search sorted by date, newest first, <c>page=1, 2, …</c> (the page parameter is
/// in the saved real request URL; no date filter is known, so pages newer than <c>until</c> are read and skipped). The
/// walk ends on an empty page or a page whose oldest item is older than <c>since</c>.</item>
/// <item><c>ep-api</c>: the collection's list endpoint (<c>/api/v2/&lt;collection&gt;?year=Y&amp;offset=O&amp;limit=50</c>,
/// JSON-LD), a year at a time from <c>until</c>'s year back to <c>since</c>'s; a short page ends a year. From the
/// API's OpenAPI spec; no saved real list response confirms it.</item>
/// <item><c>ep-thinktank</c>: the advanced-search RSS with <c>startDate</c>/<c>endDate</c> (dd/MM/yyyy), one calendar
/// month at a time back to <c>since</c>. The startDate parameter is in the live source's URL; endDate is not
/// confirmed by a saved payload.</item>
/// <item><c>rss</c> (any RSS/Atom): RFC 5005: the feed's <c>prev-archive</c> link (archived feeds), else its
/// <c>next</c> link (paged feeds), until there is none or a page holds nothing newer than <c>since</c>.</item>
/// <item><c>ep-rss</c>: none. The EP's RSS feeds list only their latest items; their documents are backfilled through
/// the ep-api sources (the same document reference makes them one statement).</item>
/// </list>
/// </remarks>
public static class ArchiveWalk
{
    /// <summary>Items per page asked of the EP Open Data API (its list endpoints allow up to 50... per the spec's limit50).</summary>
    public const int EpApiPageSize = 50;

    private const string ThinkTankDate = "dd/MM/yyyy";

    public static bool Supports(string adapter) => Unsupported(adapter) is null;

    /// <summary>Why an adapter's archive cannot be walked, or null when it can.</summary>
    public static string? Unsupported(string adapter) => adapter?.ToLowerInvariant() switch
    {
        FeedAdapters.NatoJson or FeedAdapters.EpApi or FeedAdapters.EpThinkTank or FeedAdapters.Rss => null,
        FeedAdapters.EpRss => "EP RSS feeds list only their latest items and have no archive to page through; backfill these documents through an ep-api source (the same document reference makes them one statement)",
        _ => $"Unknown adapter '{adapter}'",
    };

    /// <summary>The first page of the archive of a source with this URL, for statements published in [since, until].</summary>
    public static Uri First(string adapter, Uri sourceUrl, DateOnly since, DateOnly until)
    {
        ArgumentNullException.ThrowIfNull(sourceUrl);
        if (Unsupported(adapter) is { } why)
        {
            throw new ArgumentException(why, nameof(adapter));
        }

        if (until < since)
        {
            throw new ArgumentException($"The end date {until:yyyy-MM-dd} is before the start date {since:yyyy-MM-dd}", nameof(until));
        }

        return adapter.ToLowerInvariant() switch
        {
            FeedAdapters.NatoJson => WithQuery(sourceUrl, ("page", "1")),
            FeedAdapters.EpApi => EpApiPage(sourceUrl, until.Year, 0),
            FeedAdapters.EpThinkTank => ThinkTankWindow(sourceUrl, MonthStart(until), until, since),
            _ => sourceUrl,
        };
    }

    /// <summary>
    /// The page after <paramref name="page"/>, or null when the walk is over. <paramref name="items"/> is what the
    /// page held, as its adapter read it; <paramref name="body"/> is its raw body (RFC 5005 links are read from it).
    /// </summary>
    public static Uri? Next(string adapter, Uri page, IReadOnlyList<FeedItem> items, byte[] body, DateOnly since, DateOnly until)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(items);
        var sinceStart = BrusselsTime.StartOfDay(since);
        switch (adapter.ToLowerInvariant())
        {
            case FeedAdapters.NatoJson:
            {
                if (items.Count == 0 || items.Any(i => i.PublishedAt < sinceStart))
                {
                    return null;
                }

                var number = int.TryParse(Query(page, "page"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
                return WithQuery(page, ("page", (number + 1).ToString(CultureInfo.InvariantCulture)));
            }

            case FeedAdapters.EpApi:
            {
                var year = int.Parse(Query(page, "year") ?? until.Year.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                var offset = int.Parse(Query(page, "offset") ?? "0", CultureInfo.InvariantCulture);
                var limit = int.Parse(Query(page, "limit") ?? EpApiPageSize.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                if (items.Count >= limit)
                {
                    return EpApiPage(page, year, offset + limit);
                }

                return year > since.Year ? EpApiPage(page, year - 1, 0) : null;
            }

            case FeedAdapters.EpThinkTank:
            {
                var start = DateOnly.ParseExact(Query(page, "startDate") ?? "", ThinkTankDate, CultureInfo.InvariantCulture);
                if (start <= since)
                {
                    return null;
                }

                var previousMonth = start.AddMonths(-1);
                return ThinkTankWindow(page, MonthStart(previousMonth), start.AddDays(-1), since);
            }

            default:
            {
                if (items.Count > 0 && items.All(i => i.PublishedAt is { } at && at < sinceStart))
                {
                    return null;
                }

                var link = Rfc5005Link(body, page);
                return link is null || link.AbsoluteUri == page.AbsoluteUri ? null : link;
            }
        }
    }

    /// <summary>Whether an item belongs to the backfill: published in [since, until] (Brussels days, both whole).</summary>
    public static bool InRange(FeedItem item, DateOnly since, DateOnly until)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.PublishedAt is { } at && at >= BrusselsTime.StartOfDay(since) && at < BrusselsTime.StartOfDay(until.AddDays(1));
    }

    /// <summary>
    /// The RFC 5005 link to follow from an RSS or Atom page: <c>prev-archive</c> (archived feeds, section 4), else
    /// <c>next</c> (paged feeds, section 3), from the feed's own links (Atom <c>feed/link</c>, RSS <c>channel/atom:link</c>),
    /// never an entry's. Null when there is none or the body is not XML.
    /// </summary>
    public static Uri? Rfc5005Link(byte[] body, Uri page)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(page);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }

        var root = document.Root;
        if (root is null)
        {
            return null;
        }

        XNamespace atom = "http://www.w3.org/2005/Atom";
        var container = root.Name.LocalName == "rss" ? root.Element("channel") : root;
        var links = container?.Elements().Where(e => e.Name.LocalName == "link" && (e.Name.Namespace == atom || root.Name.Namespace == atom)).ToList() ?? [];
        foreach (var rel in new[] { "prev-archive", "next" })
        {
            var href = links.FirstOrDefault(l => string.Equals((string?)l.Attribute("rel"), rel, StringComparison.OrdinalIgnoreCase))?.Attribute("href")?.Value;
            if (!string.IsNullOrWhiteSpace(href) && Uri.TryCreate(page, href.Trim(), out var url) && url.Scheme is "http" or "https")
            {
                return url;
            }
        }

        return null;
    }

    private static Uri EpApiPage(Uri sourceUrl, int year, int offset)
    {
        // The live source polls <collection>/feed; the archive is the collection's list endpoint.
        var builder = new UriBuilder(sourceUrl);
        var path = builder.Path.TrimEnd('/');
        if (path.EndsWith("/feed", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^"/feed".Length];
        }

        builder.Path = path;
        builder.Query = "";
        return WithQuery(builder.Uri,
            ("year", year.ToString(CultureInfo.InvariantCulture)),
            ("format", "application/ld+json"),
            ("offset", offset.ToString(CultureInfo.InvariantCulture)),
            ("limit", EpApiPageSize.ToString(CultureInfo.InvariantCulture)));
    }

    private static Uri ThinkTankWindow(Uri sourceUrl, DateOnly start, DateOnly end, DateOnly since) =>
        WithQuery(sourceUrl,
            ("startDate", (start < since ? since : start).ToString(ThinkTankDate, CultureInfo.InvariantCulture)),
            ("endDate", end.ToString(ThinkTankDate, CultureInfo.InvariantCulture)));

    private static DateOnly MonthStart(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>The URL with these query parameters set (replaced where present, appended otherwise), others kept in order.</summary>
    public static Uri WithQuery(Uri url, params (string Name, string Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(url);
        var pairs = Pairs(url).ToList();
        foreach (var (name, value) in values)
        {
            var index = pairs.FindIndex(p => p.Name == name);
            if (index >= 0)
            {
                pairs[index] = (name, value);
            }
            else
            {
                pairs.Add((name, value));
            }
        }

        var query = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            query.Append(query.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return new UriBuilder(url) { Query = query.ToString() }.Uri;
    }

    /// <summary>A query parameter's decoded value, or null.</summary>
    public static string? Query(Uri url, string name)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Pairs(url).Where(p => p.Name == name).Select(p => p.Value).FirstOrDefault();
    }

    private static IEnumerable<(string Name, string Value)> Pairs(Uri url) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            return eq < 0
                ? (Uri.UnescapeDataString(part), "")
                : (Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' ')));
        });
}
