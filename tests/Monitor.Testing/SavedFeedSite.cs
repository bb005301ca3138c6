using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

/// <summary>
/// A small web site on 127.0.0.1 built from saved real feeds (tests/Monitor.Core.Tests/Fixtures/feeds): HTML pages that
/// link to them with <c>&lt;link rel="alternate"&gt;</c>, the feeds themselves, and the ways a URL given as a source goes
/// wrong (a page with no feed link, a text file, a body over a cap, an answer that never comes).
/// </summary>
public sealed class SavedFeedSite : IAsyncDisposable
{
    /// <summary>The EP Open Data plenary-documents Atom feed, 8 entries.</summary>
    public const string AtomFeed = "ep_api_v2_plenary-documents_feed.atom.xml";

    /// <summary>EP RSS items of 2026, 3 items.</summary>
    public const string RssFeed = "ep_rss_items_2026_snippets.xml";

    private readonly LoopbackServer _server;

    private SavedFeedSite(LoopbackServer server) => _server = server;

    /// <summary>/news.html: a page whose first feed link is broken (404) and whose second is the Atom feed.</summary>
    public Uri NewsPage => _server.Url("/news.html");

    /// <summary>/press.html: a page linking (relatively) to the RSS feed only.</summary>
    public Uri PressPage => _server.Url("/press/index.html");

    public Uri NoLinksPage => _server.Url("/about.html");

    public Uri TextFile => _server.Url("/robots.txt");

    /// <summary>A feed of <paramref name="bytes"/> bytes (a valid RSS head, then padding).</summary>
    public Uri Big(int bytes) => _server.Url($"/big.xml?bytes={bytes}");

    /// <summary>Answers after <paramref name="seconds"/> seconds.</summary>
    public Uri Slow(int seconds) => _server.Url($"/slow.xml?seconds={seconds}");

    public Uri Feed(string name) => _server.Url($"/feeds/{name}");

    /// <summary>Requests served, by path.</summary>
    public IReadOnlyDictionary<string, int> Requests => _requests.ToDictionary();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);

    public static byte[] Payload(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "feeds", name));

    public static async Task<SavedFeedSite> StartAsync()
    {
        SavedFeedSite? site = null;
        var server = await LoopbackServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                site?._requests.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
                await next(context);
            });
            app.MapGet("/news.html", () => Html("""
                <!doctype html><html lang="en"><head><title>Plenary news</title>
                <link rel="alternate" type="application/rss+xml" title="Old feed" href="/feeds/gone.xml">
                <link rel="alternate" type="application/atom+xml" title="Plenary documents" href="/feeds/ep_api_v2_plenary-documents_feed.atom.xml">
                </head><body><h1>News</h1></body></html>
                """));
            app.MapGet("/press/index.html", () => Html("""
                <!doctype html><html lang="en"><head><title>Press room</title>
                <link rel="alternate" type="application/rss+xml" href="../feeds/ep_rss_items_2026_snippets.xml">
                </head><body><h1>Press</h1></body></html>
                """));
            app.MapGet("/about.html", () => Html("<!doctype html><html lang=\"en\"><head><title>About</title></head><body>No feed here.</body></html>"));
            app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow:\n", "text/plain"));
            app.MapGet("/feeds/{name}", (string name) =>
                name is AtomFeed or RssFeed ? Results.Bytes(Payload(name), name.EndsWith(".atom.xml", StringComparison.Ordinal) ? "application/atom+xml" : "application/rss+xml")
                    : Results.NotFound());
            app.MapGet("/big.xml", (int bytes) =>
            {
                var head = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title><!-- ";
                return Results.Bytes(Encoding.UTF8.GetBytes(head + new string('x', Math.Max(0, bytes - head.Length)) + " --></channel></rss>"), "application/rss+xml");
            });
            app.MapGet("/slow.xml", async (int seconds, CancellationToken cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                return Results.Bytes(Payload(RssFeed), "application/rss+xml");
            });
        }, graceful: false);
        site = new SavedFeedSite(server);
        return site;
    }

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
