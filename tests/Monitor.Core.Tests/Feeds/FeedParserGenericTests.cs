using System.Text;
using Monitor.Core.Feeds;
using static Monitor.Core.Tests.FixtureFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>The shapes "anything a user adds" comes in: RSS 0.9x/1.0/2.0 and Atom, with the usual defects.</summary>
public class FeedParserGenericTests
{
    private static string Rss(string items, string channelExtra = "") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel>
            <title>Test feed</title>
            <link>https://example.org/</link>
            {channelExtra}
            {items}
          </channel>
        </rss>
        """;

    private static FeedItem SingleRssItem(string item, string feedUrl = "https://example.org/feeds/news.xml") =>
        Assert.Single(ParseXml(Rss(item), feedUrl));

    [Fact]
    public void Relative_rss_links_are_resolved_against_the_feed_url_and_lose_their_locale_parameter()
    {
        var items = ParseXml(
            Rss("""
                <item><title>Root relative</title><link>/en/news-and-events/events/transcripts/2026/10/01/speech</link></item>
                <item><title>Path relative</title><link>news_1234.htm?selectedLocale=en</link></item>
                <item><title>Protocol relative</title><link>//www.nato.int/cps/en/natohq/opinions_1.htm</link></item>
                """),
            "https://www.nato.int/cps/en/natohq/rss.xml");

        Assert.Equal(
            [
                "https://www.nato.int/en/news-and-events/events/transcripts/2026/10/01/speech",
                "https://www.nato.int/cps/en/natohq/news_1234.htm",
                "https://www.nato.int/cps/en/natohq/opinions_1.htm",
            ],
            items.Select(i => i.Url));
    }

    [Fact]
    public void Relative_atom_links_honour_xml_base_and_prefer_the_alternate_link()
    {
        var items = ParseXml(
            """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.europarl.europa.eu/news/">
              <title>Atom</title>
              <entry>
                <id>tag:europarl.europa.eu,2026:1</id>
                <title>Alternate wins</title>
                <link rel="self" href="/api/1"/>
                <link href="en/press-room/20260716IPR46531"/>
                <updated>2026-07-16T10:00:00Z</updated>
              </entry>
              <entry xml:base="https://data.europarl.europa.eu/eli/">
                <id>tag:europarl.europa.eu,2026:2</id>
                <title>Only a self link</title>
                <link rel="self" href="dl/doc/A-10-2026-0204"/>
                <updated>2026-07-16T10:00:00Z</updated>
              </entry>
            </feed>
            """,
            "https://www.europarl.europa.eu/rss/feed.atom");

        Assert.Equal("https://www.europarl.europa.eu/news/en/press-room/20260716IPR46531", items[0].Url);
        Assert.Equal("https://data.europarl.europa.eu/eli/dl/doc/A-10-2026-0204", items[1].Url);
    }

    [Fact]
    public void An_item_without_guid_is_identified_by_its_absolute_link()
    {
        var item = SingleRssItem("<item><title>No guid</title><link>/news/42</link></item>");

        Assert.Equal("https://example.org/news/42", item.ExternalId);
        Assert.Equal(item.Url, item.ExternalId);
    }

    [Fact]
    public void A_permalink_guid_stands_in_for_a_missing_link()
    {
        var item = SingleRssItem("<item><title>Guid only</title><guid>https://example.org/news/7</guid></item>");

        Assert.Equal("https://example.org/news/7", item.ExternalId);
        Assert.Equal("https://example.org/news/7", item.Url);
    }

    [Fact]
    public void A_non_permalink_guid_is_never_used_as_the_url()
    {
        var item = SingleRssItem("""<item><title>Opaque guid</title><guid isPermaLink="false">IPR-COM_1_EN</guid></item>""");

        Assert.Equal("IPR-COM_1_EN", item.ExternalId);
        Assert.Equal("", item.Url);
    }

    [Fact]
    public void An_item_without_guid_and_link_gets_a_stable_hash_of_title_and_date()
    {
        const string item = "<item><title>Statement on Ukraine</title><pubDate>Tue, 01 Sep 2026 10:00:00 GMT</pubDate></item>";

        var first = SingleRssItem(item);
        var again = SingleRssItem(item);
        var otherDate = SingleRssItem(item.Replace("10:00:00", "11:00:00", StringComparison.Ordinal));
        var otherTitle = SingleRssItem(item.Replace("Ukraine", "Georgia", StringComparison.Ordinal));

        Assert.Matches("^sha256:[0-9a-f]{64}$", first.ExternalId);
        Assert.Equal(first.ExternalId, again.ExternalId);
        Assert.NotEqual(first.ExternalId, otherDate.ExternalId);
        Assert.NotEqual(first.ExternalId, otherTitle.ExternalId);
        Assert.Equal("", first.Url);
    }

    [Fact]
    public void Items_with_neither_title_nor_link_are_skipped()
    {
        var items = ParseXml(Rss("""
            <item><description>Only a description</description><guid isPermaLink="false">x1</guid></item>
            <item><title>  </title><link> </link><description>Blank title and link</description></item>
            <item><title>Kept</title></item>
            <item><link>https://example.org/kept-too</link></item>
            """));

        Assert.Equal(["Kept", ""], items.Select(i => i.Title));
        Assert.Equal("https://example.org/kept-too", items[1].Url);
    }

    public static TheoryData<string, DateTimeOffset> LenientDates() => new()
    {
        { "19 Sep. 2025 12:00:00 GMT", new DateTimeOffset(2025, 9, 19, 12, 0, 0, TimeSpan.Zero) },
        { "Fri, 19 Sept 2025 12:00 GMT", new DateTimeOffset(2025, 9, 19, 12, 0, 0, TimeSpan.Zero) },
        // A wrong weekday (20 June 2026 is a Saturday) does not make the date unreadable.
        { "Fri, 20 Jun 2026 09:15:00 GMT", new DateTimeOffset(2026, 6, 20, 9, 15, 0, TimeSpan.Zero) },
        { "Tue, 21 Sep 2021 13:07:46 +0200", new DateTimeOffset(2021, 9, 21, 11, 7, 46, TimeSpan.Zero) },
        { "Mon, 06 Oct 2025 09:30:00 CEST", new DateTimeOffset(2025, 10, 6, 7, 30, 0, TimeSpan.Zero) },
        { "Wednesday, 24 June 2026 13:51:31 UT", new DateTimeOffset(2026, 6, 24, 13, 51, 31, TimeSpan.Zero) },
        { "24 Jun 26 13:51 EST", new DateTimeOffset(2026, 6, 24, 18, 51, 0, TimeSpan.Zero) },
        { "Jun 24, 2026 1:51:31 PM", new DateTimeOffset(2026, 6, 24, 13, 51, 31, TimeSpan.Zero) },
        { "01 October 2026", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero) },
        { "2026-09-02T16:24:04.157Z", new DateTimeOffset(2026, 9, 2, 16, 24, 4, 157, TimeSpan.Zero) },
        { "2026-09-02T18:24:04+02:00", new DateTimeOffset(2026, 9, 2, 16, 24, 4, TimeSpan.Zero) },
        { "2026-09-02 16:24:04", new DateTimeOffset(2026, 9, 2, 16, 24, 4, TimeSpan.Zero) },
        { "2026-09-02", new DateTimeOffset(2026, 9, 2, 0, 0, 0, TimeSpan.Zero) },
    };

    [Theory]
    [MemberData(nameof(LenientDates))]
    public void Feed_dates_are_read_leniently_and_returned_in_utc(string raw, DateTimeOffset expected)
    {
        var item = SingleRssItem($"<item><title>Dated</title><link>/a</link><pubDate> {raw} </pubDate></item>");

        Assert.Equal(expected, item.PublishedAt);
        Assert.Equal(TimeSpan.Zero, item.PublishedAt!.Value.Offset);
        Assert.Equal(raw, item.PublishedRaw);
    }

    [Theory]
    [InlineData("sometime next week")]
    [InlineData("32 Jan 2026 10:00:00 GMT")]
    [InlineData("Fri, 17 Jul 2026 25:61:00 GMT")]
    [InlineData("17 Jul 2026 07:53:00 Mars/Olympus")]
    public void An_unreadable_date_gives_no_published_at_but_keeps_the_raw_text(string raw)
    {
        var item = SingleRssItem($"<item><title>Dated</title><link>/a</link><pubDate>{raw}</pubDate></item>");

        Assert.Null(item.PublishedAt);
        Assert.Equal(raw, item.PublishedRaw);
    }

    [Fact]
    public void Dublin_core_date_and_language_are_used_when_rss_has_no_pub_date()
    {
        var item = SingleRssItem("""
            <item><title>DC</title><link>/dc</link><dc:date>2026-03-01T08:00:00+01:00</dc:date><dc:language>fr-FR</dc:language></item>
            """);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 7, 0, 0, TimeSpan.Zero), item.PublishedAt);
        Assert.Equal("fr-fr", item.Language);
    }

    [Fact]
    public void Content_encoded_becomes_the_plain_text_body()
    {
        var item = SingleRssItem("""
            <item>
              <title>NATO &amp; the EU</title>
              <link>/full</link>
              <description>&lt;p&gt;Short &lt;b&gt;summary&lt;/b&gt;.&lt;/p&gt;</description>
              <content:encoded><![CDATA[<p>First   paragraph.</p><script>alert(1)</script><ul><li>One</li><li>Two&nbsp;&amp;&nbsp;three</li></ul>]]></content:encoded>
            </item>
            """);

        Assert.Equal("NATO & the EU", item.Title);
        Assert.Equal("Short summary.", item.Summary);
        Assert.Equal("First paragraph. One Two & three", item.Body);
    }

    [Fact]
    public void Rss_1_0_rdf_items_are_read_with_their_about_uri_and_dublin_core_date()
    {
        var items = ParseXml("""
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://www.europarl.europa.eu/thinktank/rss">
                <title>Think Tank</title>
                <link>https://www.europarl.europa.eu/thinktank/</link>
                <dc:language>en</dc:language>
              </channel>
              <item rdf:about="https://www.europarl.europa.eu/thinktank/en/document/EPRS_ATA(2022)729292">
                <title>Russia's war on Ukraine: NATO response</title>
                <link>https://www.europarl.europa.eu/thinktank/en/document/EPRS_ATA(2022)729292</link>
                <description>At a glance note.</description>
                <dc:date>2022-04-08T00:00:00Z</dc:date>
              </item>
              <item rdf:about="https://www.europarl.europa.eu/thinktank/en/document/2">
                <title>Second</title>
                <link>/thinktank/en/document/2</link>
              </item>
            </rdf:RDF>
            """);

        Assert.Equal(2, items.Count);
        Assert.Equal("https://www.europarl.europa.eu/thinktank/en/document/EPRS_ATA(2022)729292", items[0].ExternalId);
        Assert.Equal("Russia's war on Ukraine: NATO response", items[0].Title);
        Assert.Equal("At a glance note.", items[0].Summary);
        Assert.Equal(new DateTimeOffset(2022, 4, 8, 0, 0, 0, TimeSpan.Zero), items[0].PublishedAt);
        Assert.Equal("en", items[0].Language);
        Assert.Equal("https://example.org/thinktank/en/document/2", items[1].Url);
    }

    [Fact]
    public void Rss_0_91_items_without_guid_or_dates_are_read()
    {
        var items = ParseXml("""
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <rss version="0.91">
              <channel>
                <title>Old style</title>
                <link>https://example.org/</link>
                <description>Legacy feed</description>
                <language>en-us</language>
                <item>
                  <title>Allies meet in Brussels</title>
                  <link>https://example.org/2026/allies-meet.html</link>
                  <description>Defence ministers met today.</description>
                </item>
              </channel>
            </rss>
            """);

        var item = Assert.Single(items);
        Assert.Equal("https://example.org/2026/allies-meet.html", item.ExternalId);
        Assert.Null(item.PublishedAt);
        Assert.Null(item.PublishedRaw);
        Assert.Equal("en-us", item.Language);
    }

    [Fact]
    public void Atom_text_html_and_xhtml_constructs_all_become_plain_text()
    {
        var entry = Assert.Single(ParseXml("""
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>Atom</title>
              <entry>
                <id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>
                <title type="text">A &lt;b&gt; is not a tag in text</title>
                <link href="https://example.org/a"/>
                <published>2026-01-05T09:00:00+01:00</published>
                <updated>2026-01-06T09:00:00Z</updated>
                <summary type="html">&lt;p&gt;Escaped &lt;em&gt;HTML&lt;/em&gt;&lt;/p&gt;</summary>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Inline</p><p>XHTML   body</p></div></content>
              </entry>
            </feed>
            """));

        Assert.Equal("urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6", entry.ExternalId);
        Assert.Equal("A <b> is not a tag in text", entry.Title);
        Assert.Equal("Escaped HTML", entry.Summary);
        Assert.Equal("Inline XHTML body", entry.Body);
        // published wins over updated.
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero), entry.PublishedAt);
    }

    [Fact]
    public void A_latin_1_feed_is_decoded_by_its_declaration()
    {
        var xml = Rss("<item><title>Défense européenne</title><link>/d</link></item>")
            .Replace("UTF-8", "ISO-8859-1", StringComparison.Ordinal);

        var item = Assert.Single(ParseBytes(Encoding.Latin1.GetBytes(xml)));

        Assert.Equal("Défense européenne", item.Title);
    }

    [Fact]
    public void A_feed_declared_utf_8_but_written_in_windows_1252_is_still_read()
    {
        var bytes = Encoding.Latin1.GetBytes(Rss("<item><title>Sécurité</title><link>/s</link></item>"));

        var item = Assert.Single(ParseBytes(bytes));

        Assert.Equal("Sécurité", item.Title);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_invalid_byte_in_a_utf_8_feed_is_replaced_and_every_other_item_keeps_its_text(bool byteOrderMark)
    {
        var xml = Rss("""
            <item><title>Résolution du Parlement européen</title><link>/r</link></item>
            <item><title>Broken BAD title</title><link>/b</link></item>
            <item><title>Zaporizhzhia – Запоріжжя</title><link>/z</link></item>
            """);
        var utf8 = Encoding.UTF8.GetBytes(xml);
        var bad = utf8.AsSpan().IndexOf("BAD"u8);
        byte[] bytes = [.. byteOrderMark ? Encoding.UTF8.GetPreamble() : [], .. utf8[..bad], 0xFF, .. utf8[(bad + 3)..]];

        var items = ParseBytes(bytes);

        Assert.Equal(["Résolution du Parlement européen", "Broken \uFFFD title", "Zaporizhzhia – Запоріжжя"], items.Select(i => i.Title));
    }

    [Fact]
    public void A_feed_declared_windows_1252_is_decoded_by_its_declaration_even_with_a_byte_that_is_not_windows_1252()
    {
        var xml = Rss("<item><title>Défense – sécurité ÿ</title><link>/d</link></item>")
            .Replace("UTF-8", "windows-1252", StringComparison.Ordinal);
        var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(xml);

        var item = Assert.Single(ParseBytes(bytes));

        Assert.Equal("Défense – sécurité ÿ", item.Title);
    }

    [Fact]
    public void A_utf_16_feed_with_a_byte_order_mark_is_read()
    {
        var xml = Rss("<item><title>Zaporizhzhia – Запоріжжя</title><link>/z</link></item>")
            .Replace("UTF-8", "UTF-16", StringComparison.Ordinal);

        var item = Assert.Single(ParseBytes([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(xml)]));

        Assert.Equal("Zaporizhzhia – Запоріжжя", item.Title);
    }

    [Fact]
    public void Elements_of_other_namespaces_are_not_mistaken_for_the_items_own()
    {
        var item = SingleRssItem("""
            <item xmlns:media="http://search.yahoo.com/mrss/">
              <media:title>Photo caption</media:title>
              <title>Real title</title>
              <link>/r</link>
            </item>
            """);

        Assert.Equal("Real title", item.Title);
    }

    [Fact]
    public void The_channel_language_is_lower_cased_onto_every_item()
    {
        var items = ParseXml(Rss("<item><title>a</title></item><item><title>b</title></item>", "<language>EN</language>"));

        Assert.All(items, i => Assert.Equal("en", i.Language));
    }

    [Fact]
    public void A_feed_with_no_items_gives_an_empty_list()
    {
        Assert.Empty(ParseXml(Rss("")));
    }
}
