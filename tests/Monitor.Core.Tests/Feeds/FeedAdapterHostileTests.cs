using Monitor.Core.Feeds;
using static Monitor.Core.Tests.Feeds.AdapterFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>The hostile corpus (Fixtures/hostile, see its README) through every adapter.</summary>
public class FeedAdapterHostileTests
{
    private const string FeedUrl = "https://www.europarl.europa.eu/rss/doc/any/en.xml";

    public static TheoryData<string, string> EveryHostileFileThroughEveryAdapter()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(FixtureFiles.PathOf("hostile")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (file!.EndsWith(".md", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var adapter in FeedAdapters.Names)
            {
                data.Add(file, adapter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryHostileFileThroughEveryAdapter))]
    public void Hostile_input_gives_items_or_a_readable_format_error_and_nothing_else(string file, string adapter)
    {
        try
        {
            var items = ParseFile(adapter, "hostile", file, FeedUrl);
            Assert.All(items, i =>
            {
                Assert.False(string.IsNullOrWhiteSpace(i.ExternalId));
                Assert.DoesNotContain("root:", i.Title + i.Summary, StringComparison.Ordinal);
                Assert.DoesNotContain("<script", i.BodyHtml ?? "", StringComparison.OrdinalIgnoreCase);
            });
            Assert.Equal(items.Count, items.Select(i => i.ExternalId).Distinct().Count());
        }
        catch (FeedFormatException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            Assert.DoesNotContain("root:", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("xxe_local_file.xml")]
    [InlineData("xxe_parameter_entity.xml")]
    [InlineData("billion_laughs.xml")]
    [InlineData("doctype_after_comment.xml")]
    public void Dtds_are_refused_by_every_xml_adapter_before_any_entity_is_read(string file)
    {
        foreach (var adapter in new[] { FeedAdapters.Rss, FeedAdapters.EpRss, FeedAdapters.EpApi, FeedAdapters.EpThinkTank })
        {
            var ex = Assert.Throws<FeedFormatException>(() => ParseFile(adapter, "hostile", file, FeedUrl));
            Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_feed_declared_utf8_but_written_in_windows_1252_is_read_as_windows_1252()
    {
        var item = Assert.Single(ParseFile(FeedAdapters.EpRss, "hostile", "declared_utf8_really_cp1252.xml", FeedUrl));

        Assert.Equal("Défense – sécurité", item.Title);
    }

    [Fact]
    public void A_feed_declared_latin1_but_written_in_utf8_is_read_as_utf8()
    {
        var item = Assert.Single(ParseFile(FeedAdapters.Rss, "hostile", "declared_latin1_really_utf8.xml", FeedUrl));

        Assert.Equal("Sécurité énergétique – Ukraine", item.Title);
    }

    [Fact]
    public void Invalid_utf8_bytes_are_decoded_without_losing_the_item()
    {
        var item = Assert.Single(ParseFile(FeedAdapters.Rss, "hostile", "invalid_utf8_bytes.xml", FeedUrl));

        Assert.Equal("f", item.ExternalId);
        Assert.StartsWith("Broken ", item.Title, StringComparison.Ordinal);
        Assert.EndsWith(" here", item.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_json_becomes_replacement_characters_and_the_item_is_kept()
    {
        var item = Assert.Single(ParseFile(FeedAdapters.NatoJson, "hostile", "json_invalid_utf8.json", "https://www.nato.int/search.json"));

        Assert.Equal("Caf\uFFFD \uFFFD talk", item.Title);
        Assert.Equal("/en/news-and-events/news/2026/10/03/cafe", item.ExternalId);
    }

    [Fact]
    public void Missing_and_bogus_dates_are_null_with_the_raw_string_kept()
    {
        var items = ParseFile(FeedAdapters.EpRss, "hostile", "dates_missing_and_bogus.xml", FeedUrl);

        Assert.Equal([null, null, null, new DateTimeOffset(2025, 9, 19, 12, 0, 0, TimeSpan.Zero)], items.Select(i => i.PublishedAt));
        Assert.Equal([null, "yesterday-ish", "Mon, 31 Feb 2026 10:00:00 GMT", "19 Sep. 2025 12:00:00 GMT"], items.Select(i => i.PublishedRaw));
    }

    [Fact]
    public void Duplicate_guids_keep_both_items_under_stable_ids_and_drop_exact_repeats()
    {
        const string feed = "https://www.example.org/feeds/news.xml";
        var first = ParseFile(FeedAdapters.Rss, "hostile", "guids_duplicate_and_missing.xml", feed);
        var again = ParseFile(FeedAdapters.Rss, "hostile", "guids_duplicate_and_missing.xml", feed);

        Assert.Equal(4, first.Count);
        Assert.Equal("same", first[0].ExternalId);
        Assert.StartsWith("same#", first[1].ExternalId, StringComparison.Ordinal);
        Assert.Matches("^sha256:[0-9a-f]{64}$", first[2].ExternalId);
        Assert.Equal(first.Select(i => i.ExternalId), again.Select(i => i.ExternalId));
    }

    [Fact]
    public void Relative_and_tracking_links_become_canonical_absolute_urls()
    {
        var items = ParseFile(FeedAdapters.Rss, "hostile", "guids_duplicate_and_missing.xml", "https://www.example.org/feeds/news.xml");

        Assert.Equal(
            ["https://www.example.org/news/1?id=1", "https://www.example.org/news/2", "", "https://www.example.org/news/3"],
            items.Select(i => i.Url));
        Assert.Equal("https://www.example.org/news/3", items[3].ExternalId);
    }

    [Fact]
    public void Scripts_handlers_styles_frames_and_javascript_urls_never_survive_in_body_html()
    {
        var item = Assert.Single(ParseFile(FeedAdapters.EpRss, "hostile", "script_in_description.xml", "https://www.example.org/feeds/news.xml"));

        Assert.Equal("Hostile markup", item.Title);
        // "click" and "more" are adjacent links with no space between them in the markup.
        Assert.Equal("Allies agree clickmore", item.Summary);
        var html = item.BodyHtml!;
        Assert.Contains("<p>Allies agree</p>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://www.example.org/more\">more</a>", html, StringComparison.Ordinal);
        foreach (var banned in new[] { "<script", "alert", "onclick", "onerror", "javascript:", "<style", "<iframe", "display:none" })
        {
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Links_that_are_not_web_pages_are_dropped_and_the_item_kept()
    {
        const string rss = """
            <rss version="2.0"><channel><title>Links</title>
            <item><title>Script link</title><link>javascript:alert(document.cookie)</link><guid isPermaLink="false">s1</guid></item>
            <item><title>File link</title><link>file:///etc/passwd</link></item>
            </channel></rss>
            """;

        foreach (var adapter in new[] { FeedAdapters.Rss, FeedAdapters.EpRss, FeedAdapters.EpThinkTank })
        {
            var items = ParseText(adapter, rss, FeedUrl);

            Assert.Equal(["", ""], items.Select(i => i.Url));
            Assert.Equal(2, items.Select(i => i.ExternalId).Distinct().Count());
            Assert.All(items, i => Assert.False(FeedAdapters.WantsFullText(adapter, i)));
        }

        var nato = Assert.Single(ParseText(FeedAdapters.NatoJson, """{"pages": [{"title": "T", "link": "javascript:alert(1)"}]}""", "https://www.nato.int/s.json"));
        Assert.Equal("", nato.Url);
        Assert.Matches("^sha256:", nato.ExternalId);
    }

    [Theory]
    [InlineData("json_array_root.json", "is a JSON array")]
    [InlineData("json_no_pages.json", "no \"pages\" array (it has: \"results\", \"total\")")]
    [InlineData("json_pages_not_array.json", "no \"pages\" array")]
    [InlineData("json_page_not_object.json", "page 1 is a JSON string")]
    [InlineData("json_truncated.json", "not valid JSON")]
    [InlineData("json_deep_nesting.json", "not valid JSON")]
    [InlineData("html_error_page.xml", "got markup")]
    [InlineData("empty.xml", "no content")]
    public void Nato_json_of_the_wrong_shape_is_a_format_error_that_says_what_is_wrong(string file, string expected)
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseFile(FeedAdapters.NatoJson, "hostile", file, "https://www.nato.int/search.json"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Expected NATO search JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nato_json_pages_with_fields_of_the_wrong_kind_are_skipped_or_read_leniently()
    {
        var item = Assert.Single(ParseFile(FeedAdapters.NatoJson, "hostile", "json_fields_wrong_types.json", "https://www.nato.int/search.json"));

        Assert.Equal("Good", item.Title);
        Assert.Null(item.PublishedAt);
        Assert.Equal("bogus", item.PublishedRaw);
    }

    [Theory]
    [InlineData("json_error_in_body.json", "error in the body: 404 Not Found from POST https://internal/sparql")]
    [InlineData("json_empty_with_error_context.json", "error context and no data")]
    [InlineData("json_problem_status.json", "status 503 in the body: Upstream timed out")]
    [InlineData("json_no_pages.json", "no \"data\" array")]
    [InlineData("json_page_not_object.json", "no \"data\" array")]
    public void Ep_api_error_bodies_sent_with_http_200_are_format_errors(string file, string expected)
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseFile(FeedAdapters.EpApi, "hostile", file, "https://data.europarl.europa.eu/api/v2/adopted-texts/feed"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_adapter_is_a_format_error_listing_the_known_ones()
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseText("nato-rss", "<rss/>", FeedUrl));

        Assert.Contains("rss, nato-json, ep-rss, ep-api, ep-thinktank", ex.Message, StringComparison.Ordinal);
    }
}
