using Monitor.Core.Feeds;

namespace Monitor.Core.Tests.Feeds;

/// <summary>OPML 2.0 export and import: Monitor's own file round-trips, and other readers' files (nested, 1.0) read.</summary>
public sealed class OpmlTests
{
    [Fact]
    public void An_export_reads_back_as_the_same_sources()
    {
        OpmlSource[] sources =
        [
            new("ep-press", "EP press releases & news", "https://www.europarl.europa.eu/rss/doc/press-releases/en.xml", "ep-rss", 300, true),
            new("nato", "NATO <news>", "https://www.nato.int/search.json?a=1&b=2", "nato-json", 600, false),
        ];

        var text = Opml.Write(sources, new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero));
        var read = Opml.Read(text);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text, StringComparison.Ordinal);
        Assert.Contains("<opml version=\"2.0\"", text, StringComparison.Ordinal);
        Assert.Contains("type=\"rss\"", text, StringComparison.Ordinal);
        Assert.Equal(sources, read.Select(o => new OpmlSource(o.Id!, o.Text!, o.XmlUrl!, o.Adapter!, o.PollIntervalSeconds!.Value, o.Enabled!.Value)));
        Assert.Equal("https://www.europarl.europa.eu/", read[0].HtmlUrl);
        Assert.All(read, o => Assert.True(o.Line > 1));
    }

    [Fact]
    public void A_feed_readers_file_with_categories_reads_every_feed_with_its_line()
    {
        const string Text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="1.0">
              <head><title>Miniflux</title></head>
              <body>
                <outline text="Politics">
                  <outline type="rss" text="EP" title="European Parliament" xmlUrl="https://www.europarl.europa.eu/rss/doc/top-stories/en.xml" htmlUrl="https://www.europarl.europa.eu/"/>
                  <outline type="rss" title="No text" xmlUrl="http://127.0.0.1:9/a.xml"/>
                </outline>
                <outline text="A link with no feed"/>
              </body>
            </opml>
            """;

        var read = Opml.Read(Text);

        Assert.Equal(3, read.Count);
        Assert.Equal(("EP", 6), (read[0].Text, read[0].Line));
        Assert.Equal("No text", read[1].Text);
        Assert.Null(read[2].XmlUrl);
        Assert.Null(read[0].Adapter);
        Assert.Null(read[0].PollIntervalSeconds);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not xml at all", "not well-formed XML")]
    [InlineData("<rss version=\"2.0\"><channel/></rss>", "root element is <rss>")]
    [InlineData("<opml version=\"2.0\"><head/></opml>", "no <body>")]
    [InlineData("<!DOCTYPE opml [<!ENTITY x \"y\">]><opml version=\"2.0\"><body/></opml>", "DTD")]
    public void Anything_but_opml_is_refused_with_a_reason(string text, string reason)
    {
        var error = Assert.Throws<OpmlFormatException>(() => Opml.Read(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_feeds_than_the_limit_are_refused_whole()
    {
        var outlines = string.Concat(Enumerable.Range(0, Opml.MaxOutlines + 1).Select(i => $"""<outline type="rss" text="f{i}" xmlUrl="http://127.0.0.1/{i}.xml"/>"""));

        var error = Assert.Throws<OpmlFormatException>(() => Opml.Read($"<opml version=\"2.0\"><body>{outlines}</body></opml>"));

        Assert.Contains($"more than {Opml.MaxOutlines} feeds", error.Message, StringComparison.Ordinal);
        Assert.Equal(Opml.MaxOutlines, Opml.Read($"<opml version=\"2.0\"><body>{outlines[..outlines.LastIndexOf("<outline", StringComparison.Ordinal)]}</body></opml>").Count);
    }
}
