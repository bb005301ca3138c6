using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Monitor.FeedSimulator;

/// <summary>Serves the feeds (<c>/feeds/{id}.xml|json</c>) with conditional GET and faults, and the article pages.</summary>
internal static class SimulatedFeedEndpoints
{
    private const int HugeBodyBytes = 50 * 1024 * 1024;

    public static void MapSimulatedFeeds(this IEndpointRouteBuilder app, FeedSimulator simulator)
    {
        app.MapGet("/feeds/{file}", (HttpContext context, string file) =>
        {
            var id = Path.GetFileNameWithoutExtension(file);
            return simulator.TryGetFeed(id, out var feed)
                ? ServeAsync(context, feed)
                : Results.NotFound($"No simulated feed '{id}'.").ExecuteAsync(context);
        });

        // Article pages for full text, wherever an item's link points on the simulator.
        app.MapFallback((HttpContext context) => simulator.FindArticle(context.Request.Path.Value ?? "") is { } item
            ? Results.Content(FeedRenderer.ArticlePage(item), "text/html; charset=utf-8")
            : Results.NotFound("No such page on the feed simulator."));
    }

    private static async Task ServeAsync(HttpContext context, SimulatedFeed feed)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        var fault = feed.Fault;
        feed.CountRequest(notModified: fault is FeedFault.None or FeedFault.Slow && IsNotModified(context.Request, feed));
        switch (fault)
        {
            case FeedFault.Slow:
                await Task.Delay(feed.Delay, aborted);
                await ServeFeedAsync(context, feed);
                return;
            case FeedFault.SlowLoris:
                await TrickleAsync(response, aborted);
                return;
            case FeedFault.ServerError:
                response.StatusCode = StatusCodes.Status500InternalServerError;
                await response.WriteAsync("Internal Server Error: the simulated feed backend is down.", aborted);
                return;
            case FeedFault.AcceptedEmpty:
                response.StatusCode = StatusCodes.Status202Accepted;
                return;
            case FeedFault.NoContent:
                response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case FeedFault.MalformedXml:
                response.ContentType = "application/rss+xml; charset=utf-8";
                await response.WriteAsync("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Cut off</title><item><title>Half a stat", aborted);
                return;
            case FeedFault.HtmlPage:
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><h1>Please enable JavaScript and cookies to continue</h1></body></html>", aborted);
                return;
            case FeedFault.HugeBody:
                await HugeAsync(response, aborted);
                return;
            case FeedFault.RedirectLoop:
                response.StatusCode = StatusCodes.Status302Found;
                response.Headers.Location = feed.Url.ToString();
                return;
            case FeedFault.RedirectToPrivate:
                response.StatusCode = StatusCodes.Status302Found;
                response.Headers.Location = feed.RedirectTarget.ToString();
                return;
            case FeedFault.ErrorBody:
                await ErrorBodyAsync(response, feed, aborted);
                return;
            default:
                await ServeFeedAsync(context, feed);
                return;
        }
    }

    private static async Task ServeFeedAsync(HttpContext context, SimulatedFeed feed)
    {
        var response = context.Response;
        var (_, contentType, body) = feed.Render(FeedRenderer.Render);
        response.Headers.ETag = feed.ETag;
        response.Headers.LastModified = feed.LastChanged.ToString("R");
        if (IsNotModified(context.Request, feed))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>If-None-Match wins over If-Modified-Since, as RFC 9110 says.</summary>
    private static bool IsNotModified(HttpRequest request, SimulatedFeed feed)
    {
        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch is { Count: > 0 } tags)
        {
            return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Value == feed.ETag);
        }

        return headers.IfModifiedSince is { } since && since >= feed.LastChanged;
    }

    private static async Task TrickleAsync(HttpResponse response, CancellationToken aborted)
    {
        response.ContentType = "application/rss+xml; charset=utf-8";
        await response.Body.FlushAsync(aborted);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
        var bytes = Encoding.ASCII.GetBytes("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>");
        for (var i = 0; DateTimeOffset.UtcNow < deadline && !aborted.IsCancellationRequested; i++)
        {
            await response.Body.WriteAsync(bytes.AsMemory(i % bytes.Length, 1), aborted);
            await response.Body.FlushAsync(aborted);
            await Task.Delay(TimeSpan.FromSeconds(1), aborted);
        }
    }

    /// <summary>50 MB, chunked (no Content-Length), generated as it goes: a reader must cap it while streaming.</summary>
    private static async Task HugeAsync(HttpResponse response, CancellationToken aborted)
    {
        response.ContentType = "application/rss+xml; charset=utf-8";
        await response.WriteAsync("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Huge</title><!--", aborted);
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        for (var written = 0; written < HugeBodyBytes; written += chunk.Length)
        {
            await response.Body.WriteAsync(chunk, aborted);
        }

        await response.WriteAsync("--></channel></rss>", aborted);
    }

    /// <summary>200 and an error object where the feed should be, in the feed's own syntax.</summary>
    private static Task ErrorBodyAsync(HttpResponse response, SimulatedFeed feed, CancellationToken aborted)
    {
        if (feed.Shape is FeedShape.NatoJson or FeedShape.EpApiJsonLd)
        {
            response.ContentType = "application/ld+json; charset=utf-8";
            return response.WriteAsync("{\"error\":\"500 Internal Server Error from POST https://data.europarl.europa.eu/api/v2/ (simulated)\",\"@context\":{\"error\":\"https://data.europarl.europa.eu/def/error\"}}", aborted);
        }

        response.ContentType = "application/xml; charset=utf-8";
        return response.WriteAsync("<?xml version=\"1.0\"?><error><code>500</code><message>Internal error while building the feed (simulated)</message></error>", aborted);
    }
}
