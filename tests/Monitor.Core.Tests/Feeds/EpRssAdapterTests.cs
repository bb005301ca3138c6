using Monitor.Contracts;
using Monitor.Core.Feeds;
using static Monitor.Core.Tests.Feeds.AdapterFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>ep-rss and ep-thinktank over the real EP RSS payloads, plus inline items for the feeds with no sample.</summary>
public class EpRssAdapterTests
{
    private const string PlenaryNl = "https://www.europarl.europa.eu/rss/doc/plenary/nl.xml";
    private const string TopStories = "https://www.europarl.europa.eu/rss/doc/top-stories/en.xml";

    [Fact]
    public void Snippets_get_ids_without_language_suffix_and_the_press_release_code()
    {
        var items = ParseFile(FeedAdapters.EpRss, "feeds", "ep_rss_items_2026_snippets.xml", PlenaryNl);

        Assert.Equal(
            ["20260716IPR46531", "RR_A-10-2026-0177_v02-00", "OJPL_OJQ-10-2026-07-07_POJ-20260624"],
            items.Select(i => i.ExternalId));
        Assert.Equal(
            [
                "https://www.europarl.europa.eu/news/en/press-room/20260716IPR46531/",
                "https://www.europarl.europa.eu/doceo/document/A-10-2026-0177_EN.html",
                "https://www.europarl.europa.eu/doceo/document/OJQ-10-2026-07-07_NL.html",
            ],
            items.Select(i => i.Url));
    }

    [Fact]
    public void Snippets_get_types_references_and_languages_from_links_and_guids_not_the_dutch_labels()
    {
        var items = ParseFile(FeedAdapters.EpRss, "feeds", "ep_rss_items_2026_snippets.xml", PlenaryNl);

        Assert.Equal([DocumentTypes.PressRelease, DocumentTypes.Declaration, DocumentTypes.News], items.Select(i => i.DocumentType));
        Assert.Equal(["20260716IPR46531", "A-10-2026-0177", "OJQ-10-2026-07-07"], items.Select(i => i.DocumentReference));
        // The press release sits in a Dutch feed but its guid says _EN (and its title is English).
        Assert.Equal(["en", "en", "nl"], items.Select(i => i.Language));
        Assert.Equal(new DateTimeOffset(2026, 7, 17, 7, 53, 0, TimeSpan.Zero), items[0].PublishedAt);
        Assert.Equal("Fri, 17 Jul 2026 07:53:00 GMT", items[0].PublishedRaw);
    }

    [Fact]
    public void Escaped_html_description_gives_text_and_sanitised_html_without_the_credit_line()
    {
        var item = Assert.Single(ParseFile(FeedAdapters.EpRss, "feeds", "ep_rss_top-stories_en_2021.xml", TopStories));

        Assert.Equal("TST_TST-2021-09-09-11812", item.ExternalId);
        Assert.Equal(DocumentTypes.News, item.DocumentType);
        Assert.Equal("TST_TST-2021-09-09-11812", item.DocumentReference); // the guid without its language suffix
        Assert.Equal(
            "The most important EU debate of the year, looking at last year’s achievements as well as plans and vision "
            + "for the future, took place on 15 September.",
            item.Summary);
        Assert.NotNull(item.BodyHtml);
        Assert.StartsWith(
            "<img src=\"https://www.europarl.europa.eu/resources/library/images/20210913PHT12318/20210913PHT12318-ms.jpg\"",
            item.BodyHtml);
        Assert.EndsWith("took place on 15 September.", item.BodyHtml);
        Assert.DoesNotContain("©", item.BodyHtml);
        Assert.True(FeedAdapters.WantsFullText(FeedAdapters.EpRss, item));
    }

    [Fact]
    public void Texts_adopted_get_the_same_reference_as_the_ep_api_gives_them()
    {
        const string rss = """
            <rss version="2.0"><channel><title>Texts adopted</title><language>EN</language>
            <item><title>Implementation of the CFSP - annual report 2025 - T10-0279/2025</title>
              <link>https://www.europarl.europa.eu/doceo/document/TA-10-2025-0279_EN.html</link>
              <guid isPermaLink="false">TA_TA-10-2025-0279_EN</guid><pubDate>Wed, 10 Dec 2025 12:00:00 GMT</pubDate></item>
            <item><title>Situation in Venezuela - T10-0280/2025</title><link>https://www.europarl.europa.eu/plenary/en/texts-adopted.html</link>
              <pubDate>Wed, 10 Dec 2025 12:00:00 GMT</pubDate></item>
            </channel></rss>
            """;
        const string apiJson = """
            {"data": [{"id": "eli/dl/doc/TA-10-2025-0279", "type": "Work", "work_type": "def/ep-document-types/TEXT_ADOPTED",
              "identifier": "TA-10-2025-0279", "label": "T10-0279/2025"}]}
            """;

        var fromRss = ParseText(FeedAdapters.EpRss, rss, "https://www.europarl.europa.eu/rss/doc/texts-adopted/en.xml");
        var fromApi = Assert.Single(ParseText(FeedAdapters.EpApi, apiJson, "https://data.europarl.europa.eu/api/v2/adopted-texts/feed"));

        Assert.Equal(["TA-10-2025-0279", "TA-10-2025-0280"], fromRss.Select(i => i.DocumentReference));
        Assert.Equal("TA-10-2025-0279", fromApi.DocumentReference);
        Assert.All(fromRss, i => Assert.Equal(DocumentTypes.TextAdopted, i.DocumentType));
        Assert.Equal("TA_TA-10-2025-0279", fromRss[0].ExternalId);
        Assert.Equal(fromApi.Url, fromRss[0].Url);
    }

    [Theory]
    [InlineData("https://www.europarl.europa.eu/rss/doc/press-releases/en.xml", "https://www.europarl.europa.eu/news/en/agenda/briefing/2026-10-05", null, DocumentTypes.PressRelease)]
    [InlineData("https://www.europarl.europa.eu/rss/committee/afet/en.xml", "https://www.europarl.europa.eu/news/en/press-room/20261001IPR10001/", null, DocumentTypes.PressRelease)]
    [InlineData("https://www.europarl.europa.eu/rss/committee/afet/en.xml", "https://www.europarl.europa.eu/committees/en/afet/home/highlights", null, DocumentTypes.News)]
    [InlineData("https://www.europarl.europa.eu/rss/topic/906/en.xml", "https://www.europarl.europa.eu/news/en/headlines/security/20261001STO1", null, DocumentTypes.News)]
    [InlineData("https://www.europarl.europa.eu/rss/doc/plenary/en.xml", "https://www.europarl.europa.eu/doceo/document/CRE-10-2026-10-06-ITM-003_EN.html", "CRE_CRE-10-2026-10-06-ITM-003_EN", DocumentTypes.Speech)]
    [InlineData("https://www.europarl.europa.eu/rss/doc/plenary/en.xml", "https://www.europarl.europa.eu/doceo/document/B-10-2026-0380_EN.html", null, DocumentTypes.Declaration)]
    [InlineData("https://www.europarl.europa.eu/rss/doc/texts-adopted/en.xml", "https://www.europarl.europa.eu/plenary/en/texts-adopted.html", null, DocumentTypes.TextAdopted)]
    public void Document_type_by_link_guid_and_feed(string feedUrl, string link, string? guid, string expected)
    {
        var rss = $"""
            <rss version="2.0"><channel><title>EP</title>
            <item><title>Item</title><link>{link}</link>{(guid is null ? "" : $"<guid isPermaLink=\"false\">{guid}</guid>")}</item>
            </channel></rss>
            """;

        var item = Assert.Single(ParseText(FeedAdapters.EpRss, rss, feedUrl));

        Assert.Equal(expected, item.DocumentType);
    }

    [Fact]
    public void Think_tank_dates_are_brussels_midnight_written_as_gmt()
    {
        const string rss = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Think Tank - European Parliament</title><language>en</language>
            <item><title>Russia's war on Ukraine: EU support in 2025</title>
              <link>https://www.europarl.europa.eu/thinktank/en/document/EPRS_BRI(2025)772345</link>
              <description>Briefing by the European Parliamentary Research Service.</description>
              <pubDate>Thu, 18 Sep 2025 00:00:00 GMT</pubDate>
              <guid>https://www.europarl.europa.eu/thinktank/en/document/EPRS_BRI(2025)772345</guid></item>
            <item><title>Defence industrial base</title>
              <link>https://www.europarl.europa.eu/thinktank/en/document/EPRS_STU(2026)760001?utm_source=rss</link>
              <pubDate>Mon, 12 Jan 2026 00:00:00 GMT</pubDate></item>
            </channel></rss>
            """;

        var items = ParseText(FeedAdapters.EpThinkTank, rss, "https://www.europarl.europa.eu/thinktank/en/research/advanced-search/rss?startDate=01/09/2025");

        Assert.Equal(["EPRS_BRI(2025)772345", "EPRS_STU(2026)760001"], items.Select(i => i.ExternalId));
        Assert.Equal(["EPRS_BRI(2025)772345", "EPRS_STU(2026)760001"], items.Select(i => i.DocumentReference));
        // 18 September in Brussels (CEST) starts at 22:00 UTC on the 17th; 12 January (CET) at 23:00 UTC on the 11th.
        Assert.Equal(
            [new DateTimeOffset(2025, 9, 17, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 11, 23, 0, 0, TimeSpan.Zero)],
            items.Select(i => i.PublishedAt));
        Assert.Equal(["Thu, 18 Sep 2025 00:00:00 GMT", "Mon, 12 Jan 2026 00:00:00 GMT"], items.Select(i => i.PublishedRaw));
        Assert.All(items, i => Assert.Equal(DocumentTypes.Analysis, i.DocumentType));
        Assert.Equal("https://www.europarl.europa.eu/thinktank/en/document/EPRS_STU(2026)760001", items[1].Url);
        Assert.All(items, i => Assert.False(FeedAdapters.WantsFullText(FeedAdapters.EpThinkTank, i)));
    }
}
