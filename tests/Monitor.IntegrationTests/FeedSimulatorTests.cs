using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Monitor.FeedSimulator;
using Simulator = Monitor.FeedSimulator.FeedSimulator;

namespace Monitor.IntegrationTests;

/// <summary>The feed simulator over real HTTP: its shapes, conditional GET, faults, healing and control API.</summary>
public sealed class FeedSimulatorTests : IAsyncLifetime
{
    private Simulator _simulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _simulator = await Simulator.StartAsync();
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task Each_shape_lists_its_items_newest_first_in_the_shape_of_the_real_feed()
    {
        var rss = _simulator.AddFeed("rss", FeedShape.Rss, 3);
        var atom = _simulator.AddFeed("atom", FeedShape.Atom, 3);
        var nato = _simulator.AddFeed("nato", FeedShape.NatoJson, 3);
        var epAtom = _simulator.AddFeed("ep-atom", FeedShape.EpApiAtom, 3);
        var epJson = _simulator.AddFeed("ep-json", FeedShape.EpApiJsonLd, 3);

        var rssItems = XDocument.Parse(await _http.GetStringAsync(rss.Url)).Descendants("item").ToList();
        XNamespace a = "http://www.w3.org/2005/Atom";
        var atomEntries = XDocument.Parse(await _http.GetStringAsync(atom.Url)).Descendants(a + "entry").ToList();
        using var natoJson = JsonDocument.Parse(await _http.GetStringAsync(nato.Url));
        var epEntries = XDocument.Parse(await _http.GetStringAsync(epAtom.Url)).Descendants(a + "entry").ToList();
        using var epLd = JsonDocument.Parse(await _http.GetStringAsync(epJson.Url));

        Assert.Equal(rss.Listed.Select(i => i.Id + "_EN"), rssItems.Select(i => (string)i.Element("guid")!));
        Assert.Equal(atom.Listed.Select(i => i.Title), atomEntries.Select(e => (string)e.Element(a + "title")!));
        var pages = natoJson.RootElement.GetProperty("pages").EnumerateArray().ToList();
        Assert.Equal(3, pages.Count);
        Assert.Matches(@"^\d{2} [A-Z][a-z]+ \d{4}$", pages[0].GetProperty("pageDate").GetString());
        Assert.Equal(epAtom.Listed.Select(i => $"{_simulator.BaseAddress}eli/dl/doc/{i.Reference}"), epEntries.Select(e => (string)e.Element(a + "id")!));
        var data = epLd.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(epJson.Listed.Select(i => i.Reference), data.Select(d => d.GetProperty("identifier").GetString()));
        Assert.True(rss.Listed[0].Number > rss.Listed[2].Number);

        // The article page of an item carries its paragraphs in NATO's rich-text block.
        var page = await _http.GetStringAsync(new Uri(_simulator.BaseAddress, nato.Listed[0].Path));
        Assert.Contains("ca04-rich-text", page, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(nato.Listed[0].Paragraphs[0]), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conditional_get_is_answered_304_until_an_item_is_added()
    {
        var feed = _simulator.AddFeed("cond", FeedShape.Rss, 2);
        using var first = await _http.GetAsync(feed.Url);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        using var byEtag = await SendAsync(feed.Url, r => r.Headers.IfNoneMatch.Add(etag));
        using var byDate = await SendAsync(feed.Url, r => r.Headers.IfModifiedSince = lastModified);
        _simulator.Publish(feed.Id);
        using var changed = await SendAsync(feed.Url, r => r.Headers.IfNoneMatch.Add(etag));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, byEtag.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal(2, feed.NotModified);
        Assert.Equal(4, feed.Requests);
    }

    [Theory]
    [InlineData(FeedFault.ServerError, HttpStatusCode.InternalServerError)]
    [InlineData(FeedFault.AcceptedEmpty, HttpStatusCode.Accepted)]
    [InlineData(FeedFault.NoContent, HttpStatusCode.NoContent)]
    [InlineData(FeedFault.RedirectLoop, HttpStatusCode.Found)]
    [InlineData(FeedFault.RedirectToPrivate, HttpStatusCode.Found)]
    [InlineData(FeedFault.MalformedXml, HttpStatusCode.OK)]
    [InlineData(FeedFault.HtmlPage, HttpStatusCode.OK)]
    [InlineData(FeedFault.ErrorBody, HttpStatusCode.OK)]
    public async Task A_fault_answers_as_the_real_sites_fail_and_heal_restores_the_feed(FeedFault fault, HttpStatusCode status)
    {
        var feed = _simulator.AddFeed("faulty", FeedShape.Rss, 1);
        feed.Break(fault);

        using var broken = await _http.GetAsync(feed.Url);
        var body = await broken.Content.ReadAsStringAsync();
        feed.Heal();
        using var healed = await _http.GetAsync(feed.Url);

        Assert.Equal(status, broken.StatusCode);
        switch (fault)
        {
            case FeedFault.RedirectLoop:
                Assert.Equal(feed.Url, broken.Headers.Location);
                break;
            case FeedFault.RedirectToPrivate:
                Assert.Equal(new Uri("http://10.0.0.1/feed.xml"), broken.Headers.Location);
                break;
            case FeedFault.MalformedXml:
                Assert.ThrowsAny<System.Xml.XmlException>(() => XDocument.Parse(body));
                break;
            case FeedFault.HtmlPage:
                Assert.StartsWith("text/html", broken.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
                break;
            case FeedFault.ErrorBody:
                Assert.Equal("error", XDocument.Parse(body).Root!.Name.LocalName);
                break;
            default:
                Assert.True(fault != FeedFault.AcceptedEmpty || body.Length == 0);
                break;
        }

        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
        Assert.Single(XDocument.Parse(await healed.Content.ReadAsStringAsync()).Descendants("item"));
    }

    [Fact]
    public async Task A_huge_body_streams_50_MB_and_a_slow_feed_waits()
    {
        var huge = _simulator.AddFeed("huge", FeedShape.Rss, 1);
        huge.Break(FeedFault.HugeBody);
        var slow = _simulator.AddFeed("slow", FeedShape.Rss, 1);
        slow.Break(FeedFault.Slow, TimeSpan.FromMilliseconds(700));

        using var response = await _http.GetAsync(huge.Url, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        for (int read; (read = await stream.ReadAsync(buffer)) > 0;)
        {
            total += read;
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var late = await _http.GetAsync(slow.Url);

        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(total > 50L * 1024 * 1024, $"only {total} bytes");
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(650), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task The_control_api_adds_feeds_publishes_breaks_heals_and_explains_mistakes()
    {
        using var added = await _http.PostAsJsonAsync("control/feeds", new { id = "ctl", shape = "Atom", items = 2 });
        using var published = await _http.PostAsync(new Uri("control/feeds/ctl/items?count=3", UriKind.Relative), null);
        using var broken = await _http.PostAsync(new Uri("control/feeds/ctl/fault/ServerError", UriKind.Relative), null);
        using var feedWhileBroken = await _http.GetAsync(_simulator["ctl"].Url);
        using var healed = await _http.PostAsync(new Uri("control/feeds/ctl/heal", UriKind.Relative), null);
        using var unknownFault = await _http.PostAsync(new Uri("control/feeds/ctl/fault/Gremlins", UriKind.Relative), null);
        using var unknownFeed = await _http.PostAsync(new Uri("control/feeds/nope/heal", UriKind.Relative), null);
        using var duplicate = await _http.PostAsJsonAsync("control/feeds", new { id = "ctl", shape = "Rss" });

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(5, _simulator["ctl"].AllItems.Count);
        Assert.Equal(HttpStatusCode.InternalServerError, feedWhileBroken.StatusCode);
        Assert.Equal(FeedFault.None, _simulator["ctl"].Fault);
        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownFault.StatusCode);
        Assert.Contains("Gremlins", await unknownFault.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownFeed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task Items_are_added_at_the_chosen_rate_to_each_feed_in_turn()
    {
        var a = _simulator.AddFeed("rate-a", FeedShape.Rss, 0);
        var b = _simulator.AddFeed("rate-b", FeedShape.Rss, 0);

        _simulator.SetRate(600); // 10 a second
        await Task.Delay(1500);
        _simulator.SetRate(0);
        var total = a.AllItems.Count + b.AllItems.Count;

        Assert.InRange(total, 8, 20);
        Assert.InRange(a.AllItems.Count - b.AllItems.Count, -1, 1);
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        configure(request);
        return await _http.SendAsync(request);
    }
}
