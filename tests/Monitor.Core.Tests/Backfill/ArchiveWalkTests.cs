using System.Text;
using Monitor.Core.Backfill;
using Monitor.Core.Feeds;
using Monitor.Core.Tests.Feeds;

namespace Monitor.Core.Tests.Backfill;

public sealed class ArchiveWalkTests
{
    private const string NatoUrl = "https://www.nato.int/content/nato/en/news-and-events/events/transcripts/jcr:content/root/container/general_search_copy.search.json?searchText=&searchType=wcm&sortBy=dateDesc&pageSize=15&page=1&languages=en";
    private static readonly DateOnly Since = new(2022, 1, 1);
    private static readonly DateOnly Until = new(2026, 11, 30);

    [Fact]
    public void A_NATO_walk_pages_the_saved_search_URL_by_its_page_parameter_and_stops_on_a_page_older_than_the_start()
    {
        var first = ArchiveWalk.First("nato-json", new Uri(NatoUrl), Since, Until);
        Assert.Equal("1", ArchiveWalk.Query(first, "page"));
        Assert.Equal("dateDesc", ArchiveWalk.Query(first, "sortBy"));

        // The saved real page (four transcripts of 30 September and 1 October 2026) is inside the range: go on to page 2.
        var body = AdapterFiles.Bytes("feeds", "nato_transcripts_search.json");
        var items = AdapterFiles.ParseBytes("nato-json", body, NatoUrl);
        var second = ArchiveWalk.Next("nato-json", first, items, body, Since, Until);
        Assert.NotNull(second);
        Assert.Equal("2", ArchiveWalk.Query(second!, "page"));
        Assert.Equal("15", ArchiveWalk.Query(second!, "pageSize"));

        // The same page when the backfill starts after those dates: the walk is over.
        Assert.Null(ArchiveWalk.Next("nato-json", second!, items, body, new DateOnly(2026, 10, 1), Until));
        Assert.Null(ArchiveWalk.Next("nato-json", second!, [], [], Since, Until));
    }

    [Fact]
    public void An_EP_API_walk_reads_the_collection_list_a_year_at_a_time_newest_first()
    {
        var first = ArchiveWalk.First("ep-api", new Uri("https://data.europarl.europa.eu/api/v2/adopted-texts/feed?timeframe=one-week"), Since, Until);
        Assert.Equal("https://data.europarl.europa.eu/api/v2/adopted-texts?year=2026&format=application%2Fld%2Bjson&offset=0&limit=50", first.AbsoluteUri);
        var full = Enumerable.Range(0, 50).Select(i => Item(i.ToString(System.Globalization.CultureInfo.InvariantCulture), new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero))).ToList();
        var next = ArchiveWalk.Next("ep-api", first, full, [], Since, Until)!;
        Assert.Equal("50", ArchiveWalk.Query(next, "offset"));
        var lastOf2026 = ArchiveWalk.Next("ep-api", next, full.Take(3).ToList(), [], Since, Until)!;
        Assert.Equal("2025", ArchiveWalk.Query(lastOf2026, "year"));
        Assert.Equal("0", ArchiveWalk.Query(lastOf2026, "offset"));
        var in2022 = ArchiveWalk.WithQuery(lastOf2026, ("year", "2022"));
        Assert.Null(ArchiveWalk.Next("ep-api", in2022, [], [], Since, Until));
    }

    [Fact]
    public void A_Think_Tank_walk_goes_back_a_calendar_month_at_a_time_and_clips_the_last_window_at_the_start()
    {
        var source = new Uri("https://www.europarl.europa.eu/thinktank/en/research/advanced-search/rss?startDate=01/01/2026");
        var first = ArchiveWalk.First("ep-thinktank", source, new DateOnly(2026, 9, 15), new DateOnly(2026, 11, 20));
        Assert.Equal("01/11/2026", ArchiveWalk.Query(first, "startDate"));
        Assert.Equal("20/11/2026", ArchiveWalk.Query(first, "endDate"));
        var october = ArchiveWalk.Next("ep-thinktank", first, [], [], new DateOnly(2026, 9, 15), new DateOnly(2026, 11, 20))!;
        Assert.Equal("01/10/2026", ArchiveWalk.Query(october, "startDate"));
        Assert.Equal("31/10/2026", ArchiveWalk.Query(october, "endDate"));
        var september = ArchiveWalk.Next("ep-thinktank", october, [], [], new DateOnly(2026, 9, 15), new DateOnly(2026, 11, 20))!;
        Assert.Equal("15/09/2026", ArchiveWalk.Query(september, "startDate"));
        Assert.Null(ArchiveWalk.Next("ep-thinktank", september, [], [], new DateOnly(2026, 9, 15), new DateOnly(2026, 11, 20)));
    }

    [Fact]
    public void An_RSS_or_Atom_walk_follows_RFC_5005_prev_archive_then_next_links_of_the_feed_never_of_an_entry()
    {
        const string archived = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
              <link rel="current" href="https://example.org/feed.xml"/>
              <link rel="prev-archive" href="/archive/2025-12.xml"/>
              <entry><title>e</title><id>urn:1</id><updated>2026-01-01T00:00:00Z</updated><link rel="next" href="/wrong.xml"/></entry>
            </feed>
            """;
        var page = new Uri("https://example.org/archive/2026-01.xml");
        Assert.Equal("https://example.org/archive/2025-12.xml", ArchiveWalk.Rfc5005Link(Encoding.UTF8.GetBytes(archived), page)!.AbsoluteUri);

        const string paged = """
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
              <atom:link rel="next" href="https://example.org/feed.xml?page=2"/>
              <item><title>i</title><pubDate>Thu, 01 Jan 2026 00:00:00 GMT</pubDate></item></channel></rss>
            """;
        var body = Encoding.UTF8.GetBytes(paged);
        var items = AdapterFiles.ParseBytes("rss", body, "https://example.org/feed.xml");
        Assert.Equal("https://example.org/feed.xml?page=2", ArchiveWalk.Next("rss", new Uri("https://example.org/feed.xml"), items, body, Since, Until)!.AbsoluteUri);

        // Every item older than the start ends the walk; so does a feed without paging.
        Assert.Null(ArchiveWalk.Next("rss", new Uri("https://example.org/feed.xml"), items, body, new DateOnly(2026, 6, 1), Until));
        Assert.Null(ArchiveWalk.Rfc5005Link(AdapterFiles.Bytes("feeds", "ep_rss_top-stories_en_2021.xml"), new Uri("https://www.europarl.europa.eu/rss/doc/top-stories/en.xml")));
    }

    [Fact]
    public void EP_RSS_has_no_archive_and_says_where_to_backfill_instead()
    {
        Assert.False(ArchiveWalk.Supports("ep-rss"));
        Assert.Contains("ep-api", ArchiveWalk.Unsupported("ep-rss"), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ArchiveWalk.First("ep-rss", new Uri("https://www.europarl.europa.eu/rss/doc/press-releases/en.xml"), Since, Until));
        Assert.Throws<ArgumentException>(() => ArchiveWalk.First("nato-json", new Uri(NatoUrl), Until, Since));
    }

    [Fact]
    public void The_range_is_whole_Brussels_days()
    {
        var day = new DateOnly(2022, 1, 1);
        Assert.True(ArchiveWalk.InRange(Item("a", new DateTimeOffset(2021, 12, 31, 23, 0, 0, TimeSpan.Zero)), day, day));
        Assert.False(ArchiveWalk.InRange(Item("b", new DateTimeOffset(2021, 12, 31, 22, 59, 0, TimeSpan.Zero)), day, day));
        Assert.False(ArchiveWalk.InRange(Item("c", new DateTimeOffset(2022, 1, 1, 23, 0, 0, TimeSpan.Zero)), day, day));
        Assert.False(ArchiveWalk.InRange(Item("d", null), day, day));
    }

    private static FeedItem Item(string id, DateTimeOffset? at) => new(id, "", "t", "", "", at, null, "en");
}
