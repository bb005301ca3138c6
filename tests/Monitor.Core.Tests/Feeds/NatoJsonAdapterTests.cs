using Monitor.Contracts;
using Monitor.Core.Feeds;
using static Monitor.Core.Tests.Feeds.AdapterFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>nato-json over the real NATO search payload (Fixtures/feeds/nato_transcripts_search.json).</summary>
public class NatoJsonAdapterTests
{
    private const string SearchUrl =
        "https://www.nato.int/content/nato/en/news-and-events/events/transcripts/jcr:content/root/container/"
        + "general_search_copy.search.json?searchText=&searchType=wcm&sortBy=dateDesc&pageSize=15&page=1&languages=en";

    private static IReadOnlyList<FeedItem> Transcripts() =>
        ParseFile(FeedAdapters.NatoJson, "feeds", "nato_transcripts_search.json", SearchUrl);

    [Fact]
    public void Ids_are_the_link_paths_and_urls_are_absolute_on_www_nato_int()
    {
        var items = Transcripts();

        Assert.Equal(
            [
                "/en/news-and-events/events/transcripts/2026/10/01/speech-by-nato-secretary-general-mark-rutte-at-the-2026-international-award-ceremony-of-the-peace-of-westphalia",
                "/en/news-and-events/events/transcripts/2026/10/01/joint-press-conference-with-nato-secretary-general-mark-rutte-the-federal-chancellor-of-germany-friedrich-merz-and-the-prime-minister-of-the",
                "/en/news-and-events/events/transcripts/2026/09/30/remarks-by-nato-secretary-general-at-euronews-defence--space-summit",
                "/en/news-and-events/events/transcripts/2026/09/29/joint-press-conference-by-nato-secretary-general-mark-rutte-and-the-prime-minister-of-lithuania",
            ],
            items.Select(i => i.ExternalId));
        Assert.All(items, i => Assert.Equal("https://www.nato.int" + i.ExternalId, i.Url));
    }

    [Fact]
    public void Day_only_dates_are_the_start_of_that_day_in_brussels_and_the_raw_string_is_kept()
    {
        var items = Transcripts();

        // 1 October 2026 is summer time (UTC+2): the day starts at 22:00 UTC the day before.
        Assert.Equal(
            [
                new DateTimeOffset(2026, 9, 30, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 9, 30, 22, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 9, 29, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 9, 28, 22, 0, 0, TimeSpan.Zero),
            ],
            items.Select(i => i.PublishedAt));
        Assert.Equal(["01 October 2026", "01 October 2026", "30 September 2026", "29 September 2026"], items.Select(i => i.PublishedRaw));
    }

    [Fact]
    public void Generic_transcript_titles_are_kept_and_the_speaker_goes_into_the_summary()
    {
        var items = Transcripts();

        Assert.Equal(["Speech", "Joint press conference", "Remarks", "Joint press conference"], items.Select(i => i.Title));
        Assert.Equal(
            "Speech by NATO Secretary General Mark Rutte at the 2026 International Award Ceremony of the Peace of "
            + "Westphalia | Münster, Germany",
            items[0].Summary);
        Assert.Equal(
            "Joint press conference by NATO Secretary General Mark Rutte with Prime Minister of Lithuania Mindaugas Sinkevičius",
            items[3].Summary);
        Assert.All(items, i => Assert.Equal("", i.Body));
    }

    [Fact]
    public void Transcripts_are_speeches_in_english_that_want_their_full_text()
    {
        var items = Transcripts();

        Assert.All(items, i =>
        {
            Assert.Equal(DocumentTypes.Speech, i.DocumentType);
            Assert.Equal("en", i.Language);
            Assert.Null(i.DocumentReference);
            Assert.True(FeedAdapters.WantsFullText(FeedAdapters.NatoJson, i));
        });
    }

    [Theory]
    [InlineData("Transcript", "/en/x", DocumentTypes.Speech)]
    [InlineData("Press release", "/en/x", DocumentTypes.PressRelease)]
    [InlineData("Official text", "/en/x", DocumentTypes.Declaration)]
    [InlineData("News", "/en/x", DocumentTypes.News)]
    [InlineData("", "/en/news-and-events/official-texts-and-resources/official-texts/2026/07/08/summit-declaration", DocumentTypes.Declaration)]
    [InlineData(null, "/en/news-and-events/news/2026/10/02/allies-meet", DocumentTypes.News)]
    [InlineData(null, "/en/news-and-events/press-releases/2026/10/02/pr-2026-101", DocumentTypes.PressRelease)]
    [InlineData("Video", "/en/multimedia/video", null)]
    public void Document_type_comes_from_the_page_type_then_the_section(string? pageType, string path, string? expected)
    {
        var json = $$"""{"pages": [{"title": "T", "pageType": {{(pageType is null ? "null" : $"\"{pageType}\"")}}, "link": "{{path}}", "pageDate": "02 October 2026"}]}""";

        var item = Assert.Single(ParseText(FeedAdapters.NatoJson, json, "https://www.nato.int/search.json"));

        Assert.Equal(expected, item.DocumentType);
    }

    [Fact]
    public void Locale_and_tracking_parameters_leave_the_id_and_the_url()
    {
        const string json = """
            {"pages": [{"title": "News", "description": "Allies meet", "pageType": "News",
              "link": "/en/news-and-events/news/2026/10/02/allies-meet?selectedLocale=en&utm_source=x#top", "pageDate": "2 October 2026"}]}
            """;

        var item = Assert.Single(ParseText(FeedAdapters.NatoJson, json, "https://www.nato.int/search.json"));

        Assert.Equal("/en/news-and-events/news/2026/10/02/allies-meet", item.ExternalId);
        Assert.Equal("https://www.nato.int/en/news-and-events/news/2026/10/02/allies-meet", item.Url);
        Assert.Equal("Allies meet", item.Summary);
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 22, 0, 0, TimeSpan.Zero), item.PublishedAt);
    }
}
