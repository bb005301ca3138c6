using Monitor.Core.Feeds;
using static Monitor.Core.Tests.FixtureFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>The real payloads in Fixtures/feeds (see its README for where each came from).</summary>
public class FeedParserFixtureTests
{
    private const string EpPlenaryRss = "https://www.europarl.europa.eu/rss/doc/plenary/nl.xml";
    private const string EpTopStoriesRss = "https://www.europarl.europa.eu/rss/doc/top-stories/en.xml";
    private const string EpPlenaryAtom = "https://data.europarl.europa.eu/api/v2/plenary-documents/feed";

    public static TheoryData<string> XmlFixtures() => [.. XmlFixtureNames()];

    private static string[] XmlFixtureNames() =>
        [.. Directory.GetFiles(PathOf("feeds"), "*.xml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void The_fixture_folder_holds_the_three_xml_feeds_these_tests_describe()
    {
        Assert.Equal(
            ["ep_api_v2_plenary-documents_feed.atom.xml", "ep_rss_items_2026_snippets.xml", "ep_rss_top-stories_en_2021.xml"],
            XmlFixtureNames());
    }

    [Theory]
    [MemberData(nameof(XmlFixtures))]
    public void Every_xml_fixture_parses_into_items_with_ids_absolute_links_titles_and_dates(string fixture)
    {
        var items = ParseFeedFixture(fixture, "https://www.europarl.europa.eu/rss/doc/any/en.xml");

        Assert.NotEmpty(items);
        Assert.All(items, item =>
        {
            Assert.False(string.IsNullOrWhiteSpace(item.ExternalId));
            Assert.True(Uri.TryCreate(item.Url, UriKind.Absolute, out var url), item.Url);
            Assert.Equal(Uri.UriSchemeHttps, url!.Scheme);
            Assert.False(string.IsNullOrWhiteSpace(item.Title));
            Assert.Equal(item.Title.Trim(), item.Title);
            Assert.DoesNotContain("  ", item.Title + item.Summary + item.Body);
            Assert.DoesNotContain("<", item.Summary + item.Body);
            Assert.NotNull(item.PublishedAt);
            Assert.Equal(TimeSpan.Zero, item.PublishedAt!.Value.Offset);
            Assert.NotNull(item.PublishedRaw);
        });
        Assert.Equal(items.Count, items.Select(i => i.ExternalId).Distinct().Count());
    }

    [Fact]
    public void Ep_rss_guid_keeps_its_value_and_description_becomes_plain_text()
    {
        var item = Assert.Single(ParseFeedFixture("ep_rss_top-stories_en_2021.xml", EpTopStoriesRss));

        Assert.Equal("TST_TST-2021-09-09-11812_EN", item.ExternalId);
        Assert.Equal("https://www.europarl.europa.eu/news/en/headlines/priorities/soteu2021", item.Url);
        Assert.Equal("Top story - State of the European Union Debate 2021 - Addressing Europeans' concerns", item.Title);
        // The <img>, the <br />s and the "Source : © European Union, 2021 - EP" credit line are gone.
        Assert.Equal(
            "The most important EU debate of the year, looking at last year’s achievements as well as plans and vision "
            + "for the future, took place on 15 September.",
            item.Summary);
        Assert.Equal("", item.Body);
        Assert.Equal(new DateTimeOffset(2021, 9, 13, 13, 3, 26, TimeSpan.Zero), item.PublishedAt);
        Assert.Equal("Mon, 13 Sep 2021 13:03:26 GMT", item.PublishedRaw);
        Assert.Equal("en", item.Language);
    }

    [Fact]
    public void Ep_rss_snippets_give_three_items_in_feed_order_with_their_guids_and_gmt_dates()
    {
        var items = ParseFeedFixture("ep_rss_items_2026_snippets.xml", EpPlenaryRss);

        Assert.Equal(
            ["IPR-COM_IPR-2026-07-16-46531_EN", "RR_A-10-2026-0177_v02-00_EN", "OJPL_OJQ-10-2026-07-07_POJ-20260624_NL"],
            items.Select(i => i.ExternalId));
        Assert.Equal(
            [
                new DateTimeOffset(2026, 7, 17, 7, 53, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 6, 24, 13, 51, 31, TimeSpan.Zero),
                new DateTimeOffset(2026, 6, 24, 13, 50, 40, TimeSpan.Zero),
            ],
            items.Select(i => i.PublishedAt!.Value));
        Assert.All(items, i => Assert.Equal("nl", i.Language));
    }

    [Fact]
    public void Ep_press_release_without_description_has_an_empty_summary_and_its_link_as_url()
    {
        var press = ParseFeedFixture("ep_rss_items_2026_snippets.xml", EpPlenaryRss)[0];

        Assert.Equal("Press release - EU-China relations: Foreign Affairs Committee to visit Beijing", press.Title);
        Assert.Equal("https://www.europarl.europa.eu/news/en/press-room/20260716IPR46531/", press.Url);
        Assert.Equal("", press.Summary);
        Assert.Equal("Fri, 17 Jul 2026 07:53:00 GMT", press.PublishedRaw);
    }

    [Fact]
    public void Ep_plenary_description_with_an_escaped_line_break_becomes_one_line_of_text()
    {
        var items = ParseFeedFixture("ep_rss_items_2026_snippets.xml", EpPlenaryRss);

        Assert.Equal(
            "RECOMMENDATION on the draft Council decision on the Euro-Mediterranean Aviation Agreement Committee on Transport and Tourism",
            items[1].Summary);
        Assert.Equal("https://www.europarl.europa.eu/doceo/document/A-10-2026-0177_EN.html", items[1].Url);
        Assert.Equal("Ontwerpagenda - Dinsdag 7 juli 2026 - Straatsburg", items[2].Title);
        Assert.Equal("Agenda plenaire vergadering", items[2].Summary);
    }

    [Fact]
    public void Ep_atom_feed_gives_eight_entries_identified_by_their_eli_and_linked_to_the_alternate_link()
    {
        var items = ParseFeedFixture("ep_api_v2_plenary-documents_feed.atom.xml", EpPlenaryAtom);

        Assert.Equal(8, items.Count);
        var first = items[0];
        Assert.Equal("https://data.europarl.europa.eu/eli/dl/doc/A-10-2026-0204", first.ExternalId);
        Assert.Equal("https://data.europarl.europa.eu/api/v2/plenary-documents/A-10-2026-0204", first.Url);
        Assert.StartsWith(
            "RECOMMENDATION on the draft Council decision on the conclusion of the Agreement between the European Union and the Swiss Confederation",
            first.Title);
        Assert.EndsWith("terrorist offences and serious crime", first.Title);
        Assert.Equal(new DateTimeOffset(2026, 9, 2, 16, 24, 4, 157, TimeSpan.Zero), first.PublishedAt);
        Assert.Equal("2026-09-02T16:24:04.157Z", first.PublishedRaw);
        Assert.Equal("en", first.Language);
        Assert.Equal("", first.Summary);
        Assert.Equal("", first.Body);
        Assert.Equal("https://data.europarl.europa.eu/eli/dl/doc/B-10-2025-0445", items[^1].ExternalId);
        Assert.Equal(new DateTimeOffset(2026, 8, 13, 12, 12, 5, 824, TimeSpan.Zero), items[^1].PublishedAt);
    }

    [Fact]
    public void Ep_atom_titles_keep_typographic_quotes_and_non_ascii_names()
    {
        var items = ParseFeedFixture("ep_api_v2_plenary-documents_feed.atom.xml", EpPlenaryAtom);

        Assert.Equal("JOINT MOTION FOR A RESOLUTION on shortcomings and deficiencies of the ‘Amnesty Law’ in Venezuela", items[2].Title);
        Assert.Contains("Anna Bryłka", items[4].Title);
        Assert.Contains("Enikő Győri, Nikola Bartůšek, António Tânger Corrêa", items[4].Title);
    }

    [Theory]
    [InlineData("nato_transcripts_search.json")]
    [InlineData("ep_api_v2_jsonld_item_shapes.json")]
    [InlineData("ep_openapi_v2_spec.json")]
    public void Json_fixtures_are_not_feeds(string fixture)
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseFeedFixture(fixture, "https://www.nato.int/search.json"));

        Assert.Contains("JSON", ex.Message);
    }
}
