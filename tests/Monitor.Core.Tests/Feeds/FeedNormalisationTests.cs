using Monitor.Core.Feeds;

namespace Monitor.Core.Tests.Feeds;

/// <summary>The shared normalisation helpers: canonical URLs, Brussels dates, EP references.</summary>
public class FeedNormalisationTests
{
    [Theory]
    [InlineData("https://WWW.NATO.INT/cps/en/natohq/news_1.htm?selectedLocale=en", "https://www.nato.int/cps/en/natohq/news_1.htm")]
    [InlineData("https://www.europarl.europa.eu/news/en?utm_source=x&utm_medium=rss&page=2#top", "https://www.europarl.europa.eu/news/en?page=2")]
    [InlineData("https://example.org/a?fbclid=1&gclid=2&id=7&msclkid=3", "https://example.org/a?id=7")]
    [InlineData("http://example.org:80/a", "http://example.org/a")]
    [InlineData("https://example.org:8443/a", "https://example.org:8443/a")]
    [InlineData("/relative/path?x=1", "https://www.nato.int/relative/path?x=1")]
    [InlineData("mailto:press@nato.int", "")]
    [InlineData("javascript:alert(document.cookie)", "")]
    [InlineData("data:text/html,<script>alert(1)</script>", "")]
    [InlineData("file:///etc/passwd", "")]
    [InlineData("   ", "")]
    public void Canonical_urls_are_absolute_http_without_tracking_locale_or_fragment(string link, string expected)
    {
        Assert.Equal(expected, FeedUrls.Canonical(new Uri("https://www.nato.int/"), link));
    }

    [Theory]
    [InlineData("01 October 2026", 2026, 9, 30, 22)]
    [InlineData("1 October 2026", 2026, 9, 30, 22)]
    [InlineData("15 January 2026", 2026, 1, 14, 23)]
    [InlineData("2024-02-28", 2024, 2, 27, 23)]
    [InlineData("29 March 2026", 2026, 3, 28, 23)] // the day summer time starts: midnight is still CET
    public void Day_only_dates_start_at_brussels_midnight(string raw, int year, int month, int day, int hour)
    {
        Assert.Equal(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero), BrusselsTime.ParseDay(raw));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("31 February 2026")]
    [InlineData("October 2026")]
    [InlineData("soon")]
    public void Unreadable_day_dates_are_null(string? raw)
    {
        Assert.Null(BrusselsTime.ParseDay(raw));
    }

    [Fact]
    public void A_wall_clock_time_skipped_by_the_spring_change_moves_forward()
    {
        // 29 March 2026 02:30 does not exist in Brussels; 03:30 CEST is 01:30 UTC.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), BrusselsTime.FromWallClock(new DateTime(2026, 3, 29, 2, 30, 0)));
    }

    [Theory]
    [InlineData("TA-10-2025-0279", "TA-10-2025-0279")]
    [InlineData("T10-0279/2025", "TA-10-2025-0279")]
    [InlineData("A10-0177/2026", "A-10-2026-0177")]
    [InlineData("B10-0380/2026", "B-10-2026-0380")]
    [InlineData("RC-B10-0217/2026", "RC-10-2026-0217")]
    [InlineData("a-9-2023-0389", "A-9-2023-0389")]
    [InlineData("P9_TA(2024)0104", null)]
    [InlineData("Agenda", null)]
    public void Ep_document_ids_in_any_written_form_give_the_api_form(string value, string? expected)
    {
        Assert.Equal(expected, EpReferences.FromDocumentId(value));
    }

    [Theory]
    [InlineData("https://www.europarl.europa.eu/news/en/press-room/20260716IPR46531/", null, "20260716IPR46531")]
    [InlineData("https://www.europarl.europa.eu/news/en/agenda", "IPR-COM_IPR-2026-07-16-46531_EN", "20260716IPR46531")]
    [InlineData("https://www.europarl.europa.eu/news/en/agenda", "TST_TST-2021-09-09-11812_EN", null)]
    public void Press_release_codes_come_from_the_link_or_the_guid(string url, string? guid, string? expected)
    {
        Assert.Equal(expected, EpReferences.PressReleaseCode(url, guid));
    }

    [Fact]
    public void Ep_guids_lose_only_their_language_suffix()
    {
        Assert.Equal("TST_TST-2021-09-09-11812", EpReferences.WithoutLanguageSuffix("TST_TST-2021-09-09-11812_EN"));
        Assert.Equal("RR_A-10-2026-0177_v02-00", EpReferences.WithoutLanguageSuffix("RR_A-10-2026-0177_v02-00_EN"));
        Assert.Equal("no-suffix", EpReferences.WithoutLanguageSuffix("no-suffix"));
        Assert.Equal("nl", EpReferences.LanguageOf("OJPL_OJQ-10-2026-07-07_POJ-20260624_NL"));
    }

    [Fact]
    public void Full_text_is_wanted_only_for_summary_items_on_pages_the_extractor_reads()
    {
        var nato = new FeedItem("/en/x", "https://www.nato.int/en/x", "T", "S", "", null, null, "en");
        var withBody = nato with { Body = "The whole speech." };
        var doceo = nato with { Url = "https://www.europarl.europa.eu/doceo/document/TA-10-2025-0279_EN.html" };
        var api = nato with { Url = "https://data.europarl.europa.eu/api/v2/plenary-documents/QOB-10-2026-0012" };

        Assert.True(FeedAdapters.WantsFullText(FeedAdapters.NatoJson, nato));
        Assert.False(FeedAdapters.WantsFullText(FeedAdapters.NatoJson, withBody));
        Assert.False(FeedAdapters.WantsFullText(FeedAdapters.NatoJson, nato with { Url = "" }));
        Assert.True(FeedAdapters.WantsFullText(FeedAdapters.EpRss, doceo));
        Assert.True(FeedAdapters.WantsFullText(FeedAdapters.EpApi, doceo));
        Assert.False(FeedAdapters.WantsFullText(FeedAdapters.EpApi, api));
        Assert.False(FeedAdapters.WantsFullText(FeedAdapters.Rss, doceo));
        Assert.False(FeedAdapters.WantsFullText(FeedAdapters.EpThinkTank, doceo));
    }

    [Theory]
    [InlineData("https://evil.example/x")]
    [InlineData("https://nato.int.evil.example/x")]
    [InlineData("http://127.0.0.1:5088/articles/1")]
    [InlineData("https://www.europarl.europa.eu/thinktank/en/x")]
    public void A_nato_json_item_linking_to_a_page_the_extractor_does_not_read_is_not_fetched(string url)
    {
        var item = new FeedItem("/en/x", url, "T", "S", "", null, null, "en");

        Assert.False(ArticleExtractor.Reads(new Uri(url)));
        Assert.False(FeedAdapters.WantsFullText(FeedAdapters.NatoJson, item));
    }
}
