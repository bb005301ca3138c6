using System.Text;
using Monitor.Core.Feeds;

namespace Monitor.Core.Tests.Feeds;

/// <summary>Adding a source by URL: an HTML page's feed links, and which adapters read a body, on the saved real feeds.</summary>
public sealed class FeedDiscoveryTests
{
    private static readonly Uri Page = new("https://www.example.org/news/index.html");

    [Fact]
    public void A_pages_rss_and_atom_links_are_found_resolved_and_in_page_order()
    {
        const string Html = """
            <!doctype html><html><head><title> Example   news </title>
            <link rel="stylesheet" href="/site.css">
            <link rel="alternate" type="application/rss+xml" title="All news" href="/feeds/all.xml">
            <link rel="alternate" hreflang="fr" type="application/atom+xml; charset=utf-8" href="atom.xml">
            <link rel="alternate" type="text/html" href="/fr/">
            <link rel="alternate" type="application/rss+xml" href="/feeds/all.xml">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            <link rel="Alternate feed" type="application/RSS+XML" href="https://feeds.example.net/x">
            </head><body><a rel="alternate" type="application/rss+xml" href="/not-a-link-element.xml">x</a></body></html>
            """;

        var links = FeedDiscovery.FindFeedLinks(Html, Page);

        Assert.Equal(["https://www.example.org/feeds/all.xml", "https://www.example.org/news/atom.xml", "https://feeds.example.net/x"],
            links.Select(l => l.Url.ToString()));
        Assert.Equal("All news", links[0].Title);
        Assert.Equal("application/atom+xml", links[1].Type);
        Assert.Equal("Example news", FeedDiscovery.PageTitle(Html));
    }

    [Fact]
    public void A_base_element_moves_where_relative_links_point()
    {
        const string Html = """<html><head><base href="https://cdn.example.org/site/"><link rel="alternate" type="application/atom+xml" href="feed.atom"></head></html>""";

        Assert.Equal("https://cdn.example.org/site/feed.atom", Assert.Single(FeedDiscovery.FindFeedLinks(Html, Page)).Url.ToString());
    }

    [Fact]
    public void At_most_five_links_are_taken_from_a_page()
    {
        var html = "<html><head>" + string.Concat(Enumerable.Range(0, 20).Select(i => $"""<link rel="alternate" type="application/rss+xml" href="/f{i}.xml">""")) + "</head></html>";

        Assert.Equal(FeedDiscovery.MaxLinks, FeedDiscovery.FindFeedLinks(html, Page).Count);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html></html>", true)]
    [InlineData("\uFEFF  <!-- generated --><html lang=\"en\">", true)]
    [InlineData("<HEAD><title>x</title>", true)]
    [InlineData("<?xml version=\"1.0\"?><rss version=\"2.0\"></rss>", false)]
    [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", false)]
    [InlineData("{\"pages\":[]}", false)]
    public void Html_is_told_from_a_feed_by_its_first_markup(string start, bool html) =>
        Assert.Equal(html, FeedDiscovery.IsHtml(Encoding.UTF8.GetBytes(start)));

    [Fact]
    public void The_ep_rss_feed_reads_with_the_ep_adapter_first_and_the_others_too()
    {
        var content = File.ReadAllBytes(FixtureFiles.PathOf("feeds", "ep_rss_top-stories_en_2021.xml"));

        var (matches, _) = FeedDiscovery.TryAdapters(content, new Uri("https://www.europarl.europa.eu/rss/doc/top-stories/en.xml"));

        // The EP Open Data adapter reads RSS as well; the press room's own adapter comes first for its host.
        Assert.Equal([FeedAdapters.EpRss, FeedAdapters.EpApi, FeedAdapters.Rss], matches.Select(m => m.Adapter));
        Assert.StartsWith("Top story - State of the European Union Debate 2021", Assert.Single(matches[0].Items).Title, StringComparison.Ordinal);
        Assert.Equal("Top stories - European Parliament", FeedDiscovery.FeedTitle(content));
    }

    [Fact]
    public void The_nato_search_json_reads_only_with_the_nato_adapter()
    {
        var content = File.ReadAllBytes(FixtureFiles.PathOf("feeds", "nato_transcripts_search.json"));

        var (matches, failures) = FeedDiscovery.TryAdapters(content, new Uri("https://www.nato.int/content/nato/en/search.json"));

        Assert.Equal([FeedAdapters.NatoJson], matches.Select(m => m.Adapter));
        Assert.Equal(4, matches[0].Items.Count);
        Assert.Contains("JSON", failures[FeedAdapters.Rss], StringComparison.Ordinal);
        Assert.Null(FeedDiscovery.FeedTitle(content));
    }

    [Fact]
    public void The_ep_atom_feed_on_another_host_reads_with_the_generic_adapter()
    {
        var content = File.ReadAllBytes(FixtureFiles.PathOf("feeds", "ep_api_v2_plenary-documents_feed.atom.xml"));

        var (matches, _) = FeedDiscovery.TryAdapters(content, new Uri("http://127.0.0.1:5000/plenary.atom"));

        Assert.Equal(FeedAdapters.Rss, matches[0].Adapter);
        Assert.Equal(8, matches[0].Items.Count);
    }

    [Fact]
    public void A_page_is_read_by_no_adapter_and_each_says_why()
    {
        var (matches, failures) = FeedDiscovery.TryAdapters(Encoding.UTF8.GetBytes("<!doctype html><html><body>Hi</body></html>"), Page);

        Assert.Empty(matches);
        Assert.Equal(FeedDiscovery.AdapterOrder(Page), failures.Keys);
        Assert.All(failures.Values, message => Assert.False(string.IsNullOrWhiteSpace(message)));
    }
}
