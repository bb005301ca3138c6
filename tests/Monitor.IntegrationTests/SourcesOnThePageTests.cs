using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Monitor.Core.Feeds;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>One embedded dashboard (SQLite, loopback 127.0.0.1/32 allowed for feeds) and a site of saved real feeds on 127.0.0.1.</summary>
public sealed class SourcesOnThePageFixture : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();

    public SavedFeedSite Site { get; private set; } = null!;

    public MonitorProcess Dashboard { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public Monitor.Data.Database Database => TestAccounts.Sqlite(_sqlite.Path);

    public async Task InitializeAsync()
    {
        Site = await SavedFeedSite.StartAsync();
        Dashboard = MonitorProcess.Create(Topology.Dashboard, new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = $"Data Source={_sqlite.Path}",
            ["Ingestion__UseDefaultSources"] = "false",
            ["Ingestion__AllowedNetworks__0"] = "127.0.0.1/32",
            ["Ingestion__MaxFeedBytes"] = "200000",
            ["Ingestion__RequestTimeout"] = "00:00:03",
        });
        await Dashboard.StartAsync();
        var (adminId, _) = await TestAccounts.CreateUserAsync(Database, "page-admin", "admin");
        Admin = TestAccounts.BearerClient(Dashboard.BaseAddress, await TestAccounts.CreateTokenAsync(Database, adminId));
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Dashboard.DisposeAsync();
        await Site.DisposeAsync();
        _sqlite.Dispose();
    }
}

/// <summary>
/// Sources managed from the page (issue 18): a URL looked at before it is saved (an HTML page's feed link followed, the
/// adapters tried, the first items previewed), every way it can be wrong a 400 that says which, an address the network
/// guard refuses refused before any connection; edit, poll history, OPML export and import; admins only.
/// </summary>
public sealed class SourcesOnThePageTests(SourcesOnThePageFixture fixture) : IClassFixture<SourcesOnThePageFixture>
{
    private HttpClient Admin => fixture.Admin;

    private SavedFeedSite Site => fixture.Site;

    [Fact]
    public async Task A_page_url_finds_the_feed_it_links_to_and_previews_its_first_items()
    {
        using var response = await Admin.PostAsJsonAsync("/api/admin/sources/probe", new { url = Site.NewsPage });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var expected = FeedAdapters.Parse("rss", new MemoryStream(SavedFeedSite.Payload(SavedFeedSite.AtomFeed)), Site.Feed(SavedFeedSite.AtomFeed));

        Assert.Equal("html", root.GetProperty("kind").GetString());
        Assert.Equal(Site.Feed(SavedFeedSite.AtomFeed).ToString(), root.GetProperty("feedUrl").GetString());
        Assert.Equal("rss", root.GetProperty("adapter").GetString());
        Assert.Equal(expected.Count, root.GetProperty("itemCount").GetInt32());
        var items = root.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(expected.Select(i => i.Title), items.Select(i => i.GetProperty("title").GetString()));
        Assert.Equal(expected[0].Url, items[0].GetProperty("url").GetString());
        Assert.Equal(expected[0].PublishedAt, items[0].GetProperty("publishedAt").GetDateTimeOffset());
        Assert.Equal("Plenary documents", root.GetProperty("suggestedName").GetString());
        Assert.Equal("plenary-documents", root.GetProperty("suggestedId").GetString());
        var candidates = root.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Contains("HTTP 404", candidates[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("rss", candidates[1].GetProperty("adapter").GetString());
    }

    [Fact]
    public async Task A_feed_url_is_previewed_as_a_feed()
    {
        using var response = await Admin.PostAsJsonAsync("/api/admin/sources/probe", new { url = Site.Feed(SavedFeedSite.RssFeed) });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("feed", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("itemCount").GetInt32());
        Assert.Empty(json.RootElement.GetProperty("candidates").EnumerateArray());
    }

    [Theory]
    [InlineData("nolinks", "Not a feed", "an HTML page that links to no RSS or Atom feed")]
    [InlineData("text", "Not a feed", "is neither a feed Monitor reads nor an HTML page")]
    [InlineData("big", "Too big", "more than MaxFeedBytes (200,000")]
    [InlineData("slow", "Timed out", "timed out after 3 s")]
    [InlineData("closed", "Fetch failed", "failed")]
    [InlineData("relative", "Invalid url", "absolute http or https URL")]
    public async Task A_url_that_cannot_be_a_source_is_a_400_that_says_why(string what, string title, string detail)
    {
        var url = what switch
        {
            "nolinks" => Site.NoLinksPage.ToString(),
            "text" => Site.TextFile.ToString(),
            "big" => Site.Big(300_000).ToString(),
            "slow" => Site.Slow(20).ToString(),
            "closed" => $"http://127.0.0.1:{MonitorProcess.FreePort()}/feed.xml",
            _ => "/feed.xml",
        };

        using var response = await Admin.PostAsJsonAsync("/api/admin/sources/probe", new { url });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, title, detail);
    }

    [Fact]
    public async Task An_address_the_guard_refuses_is_refused_before_any_connection()
    {
        // A real listener on 127.0.0.2, loopback but outside the allowed 127.0.0.1/32: it must see no connection.
        using var listener = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var probe = await Admin.PostAsJsonAsync("/api/admin/sources/probe", new { url = $"http://127.0.0.2:{port}/feed.xml" });
        using var mapped = await Admin.PostAsJsonAsync("/api/admin/sources/probe", new { url = $"http://[::ffff:127.0.0.2]:{port}/feed.xml" });

        await AssertProblemAsync(probe, HttpStatusCode.BadRequest, "Address refused", "127.0.0.2 is a loopback address; allow it with Ingestion:AllowedNetworks");
        await AssertProblemAsync(mapped, HttpStatusCode.BadRequest, "Address refused", "(IPv4 127.0.0.2) is a loopback address");
        Assert.False(listener.Pending(), "the refused address was connected to");
    }

    [Fact]
    public async Task An_edited_source_polls_its_new_url_and_its_history_shows_each_poll()
    {
        var id = "edited-" + Guid.NewGuid().ToString("N")[..8];
        using (var added = await Admin.PostAsJsonAsync("/api/admin/sources", new { id, name = "To edit", url = Site.Feed(SavedFeedSite.AtomFeed), adapter = "rss", pollIntervalSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var first = (await WaitForPollsAsync(id, polls => polls.Any(p => p.GetProperty("outcome").GetString() == "success")))
            .Last(p => p.GetProperty("outcome").GetString() == "success");
        Assert.Equal(8, first.GetProperty("items").GetInt32());
        Assert.Equal(8, first.GetProperty("newItems").GetInt32());
        Assert.True(first.GetProperty("durationMs").GetInt64() >= 0);

        var gone = Site.Feed("gone.xml");
        using (var edited = await Admin.PutAsJsonAsync($"/api/admin/sources/{id}", new { name = "Edited", url = gone, adapter = "rss", pollIntervalSeconds = 2 }))
        {
            using var view = JsonDocument.Parse(await edited.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
            Assert.Equal(("Edited", gone.ToString()), (view.RootElement.GetProperty("name").GetString(), view.RootElement.GetProperty("url").GetString()));
        }

        var failed = (await WaitForPollsAsync(id, polls => polls[0].GetProperty("outcome").GetString() == "failure"))[0];
        Assert.Contains($"HTTP 404 Not Found from {gone}", failed.GetProperty("error").GetString(), StringComparison.Ordinal);

        using var badInterval = await Admin.PutAsJsonAsync($"/api/admin/sources/{id}", new { pollIntervalSeconds = 0 });
        using var badAdapter = await Admin.PutAsJsonAsync($"/api/admin/sources/{id}", new { adapter = "bogus" });
        using var unknown = await Admin.PutAsJsonAsync("/api/admin/sources/no-such-source", new { name = "x" });
        using var unknownPolls = await Admin.GetAsync(new Uri("/api/admin/sources/no-such-source/polls", UriKind.Relative));
        using var badLimit = await Admin.GetAsync(new Uri($"/api/admin/sources/{id}/polls?limit=500", UriKind.Relative));
        await AssertProblemAsync(badInterval, HttpStatusCode.BadRequest, "Invalid interval", "'pollIntervalSeconds' must be from 1");
        await AssertProblemAsync(badAdapter, HttpStatusCode.BadRequest, "Unknown adapter", "'bogus' is not a feed adapter");
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "Unknown source", "no source with id 'no-such-source'");
        await AssertProblemAsync(unknownPolls, HttpStatusCode.NotFound, "Unknown source", "no source with id 'no-such-source'");
        await AssertProblemAsync(badLimit, HttpStatusCode.BadRequest, "Invalid limit", "'limit' must be from 1 to 50");
        using var removed = await Admin.DeleteAsync(new Uri($"/api/admin/sources/{id}", UriKind.Relative));
    }

    [Fact]
    public async Task An_opml_import_reports_each_line_added_skipped_or_refused_and_the_export_lists_the_sources()
    {
        using var listener = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        listener.Start();
        var refusedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var existing = "opml-existing-" + Guid.NewGuid().ToString("N")[..6];
        var rssUrl = Site.Feed(SavedFeedSite.RssFeed) + "?" + existing;
        using (var added = await Admin.PostAsJsonAsync("/api/admin/sources", new { id = existing, name = "Existing", url = rssUrl, adapter = "ep-rss", pollIntervalSeconds = 600 }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var newUrl = Site.Feed(SavedFeedSite.AtomFeed) + "?" + existing;
        var opml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0">
              <head><title>From a feed reader</title></head>
              <body>
                <outline text="Same as existing" type="rss" xmlUrl="{rssUrl}"/>
                <outline text="Plenary {existing}" type="rss" xmlUrl="{newUrl}" htmlUrl="{Site.NewsPage}"/>
                <outline text="Plenary again" type="rss" xmlUrl="{newUrl}"/>
                <outline text="Private" type="rss" xmlUrl="http://10.1.2.3/feed.xml"/>
                <outline text="Other loopback" type="rss" xmlUrl="http://127.0.0.2:{refusedPort}/feed.xml"/>
                <outline text="Ftp" type="rss" xmlUrl="ftp://127.0.0.1/feed.xml"/>
                <outline text="No address"/>
              </body>
            </opml>
            """;

        using var response = await Admin.PostAsync(new Uri("/api/admin/opml", UriKind.Relative), new StringContent(opml, Encoding.UTF8, "text/x-opml"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var report = JsonDocument.Parse(body);
        var lines = report.RootElement.GetProperty("lines").EnumerateArray()
            .Select(l => (Line: l.GetProperty("line").GetInt32(), Result: l.GetProperty("result").GetString(), Reason: l.GetProperty("reason").GetString() ?? "")).ToList();

        Assert.Equal((1, 2, 4), (report.RootElement.GetProperty("added").GetInt32(), report.RootElement.GetProperty("skipped").GetInt32(), report.RootElement.GetProperty("refused").GetInt32()));
        Assert.Equal([5, 6, 7, 8, 9, 10, 11], lines.Select(l => l.Line));
        Assert.Equal(["skipped", "added", "skipped", "refused", "refused", "refused", "refused"], lines.Select(l => l.Result));
        Assert.Contains($"source '{existing}' has this URL", lines[0].Reason, StringComparison.Ordinal);
        Assert.Contains("added as adapter 'rss'", lines[1].Reason, StringComparison.Ordinal);
        Assert.Contains("duplicate", lines[2].Reason, StringComparison.Ordinal);
        Assert.Contains("10.1.2.3 is a private address", lines[3].Reason, StringComparison.Ordinal);
        Assert.Contains("127.0.0.2 is a loopback address", lines[4].Reason, StringComparison.Ordinal);
        Assert.Contains("not an absolute http or https URL", lines[5].Reason, StringComparison.Ordinal);
        Assert.Contains("no xmlUrl", lines[6].Reason, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "the refused address was connected to");

        using var export = await Admin.GetAsync(new Uri("/api/admin/opml", UriKind.Relative));
        var exported = Opml.Read(await export.Content.ReadAsStringAsync());
        Assert.Equal("text/x-opml", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("monitor-sources.opml", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName);
        var mine = exported.Single(o => o.Id == existing);
        Assert.Equal(("Existing", rssUrl, "ep-rss", 600, true), (mine.Text, mine.XmlUrl, mine.Adapter, mine.PollIntervalSeconds!.Value, mine.Enabled!.Value));
        Assert.Contains(exported, o => o.XmlUrl == newUrl && o.Text == $"Plenary {existing}");
    }

    [Fact]
    public async Task An_import_that_is_not_opml_or_too_big_is_refused_whole()
    {
        using var notOpml = await Admin.PostAsync(new Uri("/api/admin/opml", UriKind.Relative), new StringContent("<rss version=\"2.0\"/>", Encoding.UTF8, "text/xml"));
        using var json = await Admin.PostAsJsonAsync("/api/admin/opml", new { opml = "not xml" });
        using var big = await Admin.PostAsync(new Uri("/api/admin/opml", UriKind.Relative), new StringContent(new string(' ', 1024 * 1024 + 1), Encoding.UTF8, "text/xml"));

        await AssertProblemAsync(notOpml, HttpStatusCode.BadRequest, "Not OPML", "the root element is <rss>");
        await AssertProblemAsync(json, HttpStatusCode.BadRequest, "Not OPML", "not well-formed XML");
        await AssertProblemAsync(big, HttpStatusCode.RequestEntityTooLarge, "Too big", "larger than 1,048,576 bytes");
    }

    [Fact]
    public async Task Only_an_admin_may_look_at_edit_read_the_history_of_export_or_import_sources()
    {
        var (viewerId, _) = await TestAccounts.CreateUserAsync(fixture.Database, "page-analyst-" + Guid.NewGuid().ToString("N")[..6], "analyst");
        using var analyst = TestAccounts.BearerClient(fixture.Dashboard.BaseAddress, await TestAccounts.CreateTokenAsync(fixture.Database, viewerId));
        using var anonymous = new HttpClient { BaseAddress = fixture.Dashboard.BaseAddress };
        var requestsBefore = Site.Requests.GetValueOrDefault("/news.html");

        foreach (var client in new[] { analyst, anonymous })
        {
            var expected = client == analyst ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized;
            using var probe = await client.PostAsJsonAsync("/api/admin/sources/probe", new { url = Site.NewsPage });
            using var edit = await client.PutAsJsonAsync("/api/admin/sources/any", new { name = "x" });
            using var polls = await client.GetAsync(new Uri("/api/admin/sources/any/polls", UriKind.Relative));
            using var export = await client.GetAsync(new Uri("/api/admin/opml", UriKind.Relative));
            using var import = await client.PostAsync(new Uri("/api/admin/opml", UriKind.Relative), new StringContent("<opml version=\"2.0\"><body/></opml>", Encoding.UTF8, "text/xml"));
            Assert.All(new[] { probe, edit, polls, export, import }, r => Assert.Equal(expected, r.StatusCode));
        }

        Assert.Equal(requestsBefore, Site.Requests.GetValueOrDefault("/news.html"));
    }

    private async Task<List<JsonElement>> WaitForPollsAsync(string id, Func<List<JsonElement>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var polls = (await Admin.GetFromJsonAsync<JsonElement>($"/api/admin/sources/{id}/polls?limit=50")).EnumerateArray().Select(p => p.Clone()).ToList();
            if (polls.Count > 0 && condition(polls))
            {
                return polls;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the poll history of {id} did not get there within 30 s: {JsonSerializer.Serialize(polls)}");
            await Task.Delay(200);
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
