using System.Diagnostics;
using System.Text;
using Monitor.Core.Feeds;
using static Monitor.Core.Tests.FixtureFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>What is not a feed is refused with a clear FeedFormatException, and no DTD is ever processed.</summary>
public class FeedParserRejectionTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    public void An_empty_body_is_not_a_feed(string body)
    {
        // The EP site often answers scripts with 202 and an empty body: a failed poll, never "no news".
        var ex = Assert.Throws<FeedFormatException>(() => ParseXml(body));

        Assert.Contains("empty", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("<!DOCTYPE html>\n<html lang=\"en\"><head><title>Access denied</title></head><body><p>Request blocked<br></body></html>")]
    [InlineData("<html><body>Service Unavailable</body></html>")]
    [InlineData("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>Error</title></head><body/></html>")]
    [InlineData("\n<!-- cache miss -->\n<!doctype HTML><html><body><p>Moved</p></body></html>")]
    public void An_html_page_is_not_a_feed(string html)
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseXml(html));

        Assert.Equal("Expected an RSS or Atom document but the root element is <html>", ex.Message);
    }

    [Theory]
    [InlineData("{\"pages\": []}")]
    [InlineData("[{\"title\": \"Speech \"}]")]
    public void A_json_body_is_not_a_feed(string json)
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseXml(json));

        Assert.StartsWith("Expected an RSS or Atom document but got JSON", ex.Message);
    }

    [Fact]
    public void Plain_text_is_not_a_feed()
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseXml("Service Unavailable"));

        Assert.Contains("not XML", ex.Message);
    }

    [Fact]
    public void An_xml_document_of_another_kind_is_named_by_its_root_element()
    {
        var ex = Assert.Throws<FeedFormatException>(() =>
            ParseXml("<?xml version=\"1.0\"?><error><code>500</code><message>Internal error</message></error>"));

        Assert.Equal("Expected an RSS or Atom document but the root element is <error>", ex.Message);
    }

    [Fact]
    public void A_truncated_feed_is_not_well_formed_xml()
    {
        var bytes = File.ReadAllBytes(PathOf("feeds", "ep_rss_top-stories_en_2021.xml"));

        var ex = Assert.Throws<FeedFormatException>(() => ParseBytes(bytes[..(bytes.Length / 2)]));

        Assert.StartsWith("The feed is not well-formed XML: ", ex.Message);
    }

    [Fact]
    public void Mismatched_tags_are_not_well_formed_xml()
    {
        var ex = Assert.Throws<FeedFormatException>(() =>
            ParseXml("<rss version=\"2.0\"><channel><item><title>x</item></channel></rss>"));

        Assert.StartsWith("The feed is not well-formed XML: ", ex.Message);
    }

    [Theory]
    [InlineData("""<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "{0}"> ]>""", "&xxe;")]
    [InlineData("""<!DOCTYPE rss [ <!ENTITY % remote SYSTEM "{0}"> %remote; ]>""", "x")]
    [InlineData("""<!DOCTYPE rss SYSTEM "{0}">""", "x")]
    public void An_xxe_document_throws_and_never_reveals_the_local_file(string doctype, string titleContent)
    {
        var secretFile = Path.Combine(Path.GetTempPath(), $"monitor-xxe-{Guid.NewGuid():N}.txt");
        var secret = $"TOP-SECRET-{Guid.NewGuid():N}";
        File.WriteAllText(secretFile, secret);
        try
        {
            var fileUri = new Uri(secretFile).AbsoluteUri;
            var xml = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                {string.Format(System.Globalization.CultureInfo.InvariantCulture, doctype, fileUri)}
                <rss version="2.0"><channel><title>t</title>
                  <item><title>{titleContent}</title><link>https://example.org/a</link><description>{titleContent}</description></item>
                </channel></rss>
                """;

            IReadOnlyList<FeedItem>? items = null;
            var ex = Assert.Throws<FeedFormatException>(() => items = ParseXml(xml));

            Assert.Null(items);
            Assert.DoesNotContain(secret, ex.ToString());
            Assert.Contains("DTD", ex.Message);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public void A_billion_laughs_document_throws_at_once_without_expanding_entities()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE rss [{entities}]>
            <rss version="2.0"><channel><item><title>&lol9;</title><link>https://example.org/</link></item></channel></rss>
            """;

        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<FeedFormatException>(() => ParseXml(xml));

        Assert.Contains("DTD", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void The_parser_leaves_the_callers_stream_open()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel/></rss>"));

        FeedParser.Parse(stream, new Uri("https://example.org/feed.xml"));

        Assert.True(stream.CanRead);
    }
}
