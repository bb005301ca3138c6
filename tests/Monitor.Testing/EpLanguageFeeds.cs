using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Monitor.Contracts;
using Monitor.Core.Feeds;
using Monitor.Core.Statements;

namespace Monitor.Testing;

/// <summary>
/// The EP press-release feeds in English, French and German (tests/Monitor.Core.Tests/Fixtures/languages, after the
/// real feeds' structure) served on 127.0.0.1 at the EP's paths, <c>/rss/doc/press-releases/&lt;lang&gt;.xml</c>
/// (<c>en-later</c>: the English feed a day later), and read as Ingestion reads them: fetched over HTTP, parsed by the
/// <c>ep-rss</c> adapter, made into <see cref="StatementDiscovered"/>s.
/// </summary>
public sealed class EpLanguageFeeds : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly HttpClient _client = new();

    private EpLanguageFeeds(LoopbackServer server) => _server = server;

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "languages", name);

    /// <summary>
    /// Starts the server. localLinks: the items' links point at this server instead of europarl.europa.eu (same paths),
    /// for tests that run Ingestion, which would otherwise fetch the real EP pages for their full text.
    /// </summary>
    public static async Task<EpLanguageFeeds> StartAsync(bool localLinks = false)
    {
        Uri? self = null;
        var server = await LoopbackServer.StartAsync(app => app.MapGet("/rss/doc/press-releases/{name}.xml", async (string name) =>
        {
            var path = PathOf($"press-releases-{name}.xml");
            if (!name.All(c => char.IsAsciiLetterLower(c) || c == '-') || !File.Exists(path))
            {
                return Results.NotFound();
            }

            var xml = await File.ReadAllTextAsync(path);
            return Results.Text(localLinks ? xml.Replace("https://www.europarl.europa.eu/", self!.ToString(), StringComparison.Ordinal) : xml,
                "application/rss+xml; charset=utf-8");
        }));
        self = server.BaseAddress;
        return new EpLanguageFeeds(server);
    }

    /// <summary>The feed of one language ("en", "fr", "de", "en-later") on the loopback server.</summary>
    public Uri FeedUrl(string name) => _server.Url($"/rss/doc/press-releases/{name}.xml");

    /// <summary>One poll of a language feed as source <paramref name="sourceId"/>: the statements Ingestion would publish.</summary>
    public async Task<IReadOnlyList<StatementDiscovered>> ReadAsync(string sourceId, string name, DateTimeOffset at)
    {
        var url = FeedUrl(name);
        using var response = await _client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        return [.. FeedAdapters.Parse(FeedAdapters.EpRss, body, url).Select(item => Discovered(sourceId, item, at))];
    }

    /// <summary>As FeedPoller makes them (workers/Monitor.Ingestion/Polling/FeedPoller.cs).</summary>
    public static StatementDiscovered Discovered(string sourceId, FeedItem item, DateTimeOffset at) =>
        new(sourceId, item.ExternalId, item.Url, item.Title, item.Summary, item.Body, item.PublishedAt, item.Language,
            ContentHash.Compute(item.Title, item.Summary, item.Body), at)
        {
            DocumentType = item.DocumentType ?? DocumentTypes.News,
            BodyHtml = item.BodyHtml,
            PublishedRaw = item.PublishedRaw,
            DocumentReference = item.DocumentReference,
        };

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }
}
