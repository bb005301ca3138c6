using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

public sealed record TestFeedItem(string Guid, string Title, string Description, DateTimeOffset Published);

/// <summary>How the test feed answers: properly, or in one of the ways real sites fail or attack.</summary>
public enum FeedBehaviour
{
    Feed,
    ServerError,
    HtmlPage,
    AcceptedEmpty,

    /// <summary>HTTP 204 No Content.</summary>
    NoContent,

    /// <summary>HTTP 200 with no body at all.</summary>
    EmptyOk,

    /// <summary>HTTP 200 with the EP Open Data Portal's error-in-body JSON.</summary>
    ErrorBody,

    /// <summary>A 50 MB body streamed without a Content-Length.</summary>
    HugeBody,

    /// <summary>A 50 MB body with its Content-Length announced.</summary>
    HugeBodyAnnounced,

    /// <summary>Headers at once, then one byte of body every half second, forever.</summary>
    SlowLoris,

    /// <summary>/feed.xml redirects to /loop/1, which redirects to /loop/2, which redirects back to /loop/1.</summary>
    RedirectLoop,

    /// <summary>A 302 to <see cref="FeedServer.RedirectTarget"/>.</summary>
    Redirect,

    /// <summary>HTTP 429 with Retry-After in seconds (<see cref="FeedServer.RetryAfterSeconds"/>).</summary>
    TooManyRequests,

    /// <summary>HTTP 503 with Retry-After as an HTTP date (<see cref="FeedServer.RetryAfterSeconds"/> from now).</summary>
    UnavailableWithDate,
}

/// <summary>An RSS 2.0 feed on 127.0.0.1 whose items a test changes while Monitor polls it.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly List<TestFeedItem> _items = [];

    private FeedServer()
    {
    }

    public Uri FeedUrl { get; private set; } = null!;

    /// <summary>Feed requests served; counted atomically, as concurrent polls arrive on several threads at once.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public FeedBehaviour Behaviour { get; set; } = FeedBehaviour.Feed;

    /// <summary>The feed sends an ETag and answers 304 to a matching If-None-Match.</summary>
    public bool SendsETag { get; set; }

    /// <summary>A Cache-Control max-age on the feed, when set.</summary>
    public int? MaxAgeSeconds { get; set; }

    /// <summary>Items link to article pages on this server (/articles/{guid}) instead of example.org.</summary>
    public bool LinksToArticles { get; set; }

    /// <summary>Article pages answer HTTP 500.</summary>
    public bool ArticlesFail { get; set; }

    public Uri? RedirectTarget { get; set; }

    public int RetryAfterSeconds { get; set; } = 120;

    /// <summary>Body bytes the misbehaving responses managed to write before the client hung up.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public int NotModifiedResponses => Volatile.Read(ref _notModifiedResponses);

    public int ArticleRequests => Volatile.Read(ref _articleRequests);

    private long _bytesSent;
    private int _requests;
    private int _notModifiedResponses;
    private int _articleRequests;

    public static async Task<FeedServer> StartAsync()
    {
        var server = new FeedServer();
        // Not graceful: a trickling or stalled answer is dropped at dispose, not waited for.
        server._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", server.ServeFeedAsync);
            app.MapGet("/loop/{n:int}", (int n) => Results.Redirect(n == 1 ? "/loop/2" : "/loop/1"));
            app.MapGet("/articles/{id}", (string id) =>
            {
                Interlocked.Increment(ref server._articleRequests);
                return server.ArticlesFail
                    ? Results.StatusCode(500)
                    : Results.Text($"<!DOCTYPE html><html><body><nav>Menu</nav><article>Full text of {id}.</article></body></html>", "text/html; charset=utf-8");
            });
        }, graceful: false);
        server.FeedUrl = server._server.Url("/feed.xml");
        return server;
    }

    public void Add(params TestFeedItem[] items)
    {
        lock (_items)
        {
            _items.AddRange(items);
        }
    }

    public void Replace(TestFeedItem item)
    {
        lock (_items)
        {
            _items.RemoveAll(i => i.Guid == item.Guid);
            _items.Add(item);
        }
    }

    private async Task ServeFeedAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var response = context.Response;
        switch (Behaviour)
        {
            case FeedBehaviour.ServerError:
                await Results.Problem("The feed backend is down", statusCode: 500).ExecuteAsync(context);
                return;
            case FeedBehaviour.HtmlPage:
                await Results.Text("<!DOCTYPE html><html><body><h1>Please enable JavaScript</h1></body></html>", "text/html").ExecuteAsync(context);
                return;
            case FeedBehaviour.AcceptedEmpty:
                response.StatusCode = 202;
                return;
            case FeedBehaviour.NoContent:
                response.StatusCode = 204;
                return;
            case FeedBehaviour.EmptyOk:
                response.ContentType = "application/rss+xml";
                response.ContentLength = 0;
                return;
            case FeedBehaviour.ErrorBody:
                await Results.Text("{\"error\": \"404 Not Found from POST https://data.europarl.europa.eu/...\", \"@context\": {\"error\": \"...\"}}", "application/ld+json").ExecuteAsync(context);
                return;
            case FeedBehaviour.HugeBody or FeedBehaviour.HugeBodyAnnounced:
                await WriteHugeAsync(context, Behaviour == FeedBehaviour.HugeBodyAnnounced);
                return;
            case FeedBehaviour.SlowLoris:
                await TrickleAsync(context);
                return;
            case FeedBehaviour.RedirectLoop:
                response.Redirect("/loop/1");
                return;
            case FeedBehaviour.Redirect:
                response.Redirect(RedirectTarget?.ToString() ?? "/feed.xml");
                return;
            case FeedBehaviour.TooManyRequests:
                response.StatusCode = 429;
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return;
            case FeedBehaviour.UnavailableWithDate:
                response.StatusCode = 503;
                response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(RetryAfterSeconds).ToString("r", CultureInfo.InvariantCulture);
                return;
        }

        var body = Render(new Uri($"{context.Request.Scheme}://{context.Request.Host}"));
        if (MaxAgeSeconds is { } maxAge)
        {
            response.Headers.CacheControl = $"max-age={maxAge.ToString(CultureInfo.InvariantCulture)}";
        }

        if (SendsETag)
        {
            var etag = $"\"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)))[..16]}\"";
            response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch.Contains(etag))
            {
                Interlocked.Increment(ref _notModifiedResponses);
                response.StatusCode = 304;
                return;
            }
        }

        await Results.Text(body, "application/rss+xml; charset=utf-8").ExecuteAsync(context);
    }

    private const int HugeBytes = 50 * 1024 * 1024;

    private async Task WriteHugeAsync(HttpContext context, bool announce)
    {
        context.Response.ContentType = "application/rss+xml";
        if (announce)
        {
            context.Response.ContentLength = HugeBytes;
        }

        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)' ');
        try
        {
            for (var sent = 0; sent < HugeBytes; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                Interlocked.Add(ref _bytesSent, chunk.Length);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client hung up: what this server is for.
        }
    }

    private async Task TrickleAsync(HttpContext context)
    {
        context.Response.ContentType = "application/rss+xml";
        try
        {
            await context.Response.StartAsync(context.RequestAborted);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync("<"u8.ToArray(), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Interlocked.Increment(ref _bytesSent);
                await Task.Delay(500, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client gave up, as it should.
        }
    }

    private string Render(Uri baseAddress)
    {
        lock (_items)
        {
            var feed = new XElement("rss", new XAttribute("version", "2.0"),
                new XElement("channel",
                    new XElement("title", "Test feed"),
                    new XElement("link", "http://127.0.0.1/"),
                    new XElement("description", "Statements written for Monitor's tests"),
                    _items.Select(i => new XElement("item",
                        new XElement("title", i.Title),
                        new XElement("link", LinksToArticles ? new Uri(baseAddress, $"/articles/{i.Guid}").ToString() : $"https://example.org/statements/{i.Guid}"),
                        new XElement("guid", new XAttribute("isPermaLink", "false"), i.Guid),
                        new XElement("pubDate", i.Published.ToString("r", CultureInfo.InvariantCulture)),
                        new XElement("description", i.Description)))));
            return "<?xml version=\"1.0\" encoding=\"utf-8\"?>" + feed.ToString(SaveOptions.DisableFormatting);
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
