using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Monitor.FeedSimulator;

/// <summary>
/// The simulator's HTTP control API, for a simulator run on its own (<c>monitor simulate</c>):
/// <list type="bullet">
/// <item><c>GET /control/feeds</c>: every feed with its url, fault, version and request counts</item>
/// <item><c>POST /control/feeds</c> <c>{"id":"x","shape":"Rss","items":5}</c>: add a feed</item>
/// <item><c>DELETE /control/feeds/{id}</c></item>
/// <item><c>POST /control/feeds/{id}/items?count=N</c>: publish N new statements</item>
/// <item><c>POST /control/feeds/{id}/fault/{fault}?delayMs=&amp;target=</c>: misbehave (a <see cref="FeedFault"/> name)</item>
/// <item><c>POST /control/feeds/{id}/heal</c></item>
/// <item><c>POST /control/rate?itemsPerMinute=R</c>: new items per minute over all feeds</item>
/// </list>
/// </summary>
public static class SimulatorControlApi
{
    public sealed record FeedView(string Id, FeedShape Shape, Uri Url, FeedFault Fault, long Version, int Items, long Requests, long NotModified);

    public sealed record AddFeedRequest(string Id, FeedShape Shape = FeedShape.Rss, int Items = 5);

    public static FeedView View(SimulatedFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return new(feed.Id, feed.Shape, feed.Url, feed.Fault, feed.Version, feed.AllItems.Count, feed.Requests, feed.NotModified);
    }

    internal static void MapSimulatorControl(this IEndpointRouteBuilder app, FeedSimulator simulator)
    {
        var control = app.MapGroup("/control");
        control.MapGet("/feeds", () => simulator.Feeds.Select(View));
        control.MapPost("/feeds", (AddFeedRequest request) => Try(() =>
        {
            var feed = simulator.AddFeed(request.Id, request.Shape, Math.Clamp(request.Items, 0, 1000));
            return Results.Created(feed.Url, View(feed));
        }));
        control.MapDelete("/feeds/{id}", (string id) => simulator.RemoveFeed(id) ? Results.NoContent() : NotFound(id));
        control.MapPost("/feeds/{id}/items", (string id, int? count) => Try(() =>
            Results.Ok(simulator.Publish(id, Math.Clamp(count ?? 1, 1, 1000)))));
        control.MapPost("/feeds/{id}/fault/{fault}", (string id, string fault, int? delayMs, string? target) => Try(() =>
        {
            if (!Enum.TryParse<FeedFault>(fault, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Results.Problem(statusCode: 400, title: "Unknown fault",
                    detail: $"'{fault}' is not a fault; known: {string.Join(", ", Enum.GetNames<FeedFault>())}.");
            }

            Uri? redirect = null;
            if (target is not null && !Uri.TryCreate(target, UriKind.Absolute, out redirect))
            {
                return Results.Problem(statusCode: 400, title: "Bad redirect target", detail: $"'{target}' is not an absolute URL.");
            }

            simulator.Break(id, parsed, delayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, redirect);
            return Results.Ok(View(simulator[id]));
        }));
        control.MapPost("/feeds/{id}/heal", (string id) => Try(() =>
        {
            simulator.Heal(id);
            return Results.Ok(View(simulator[id]));
        }));
        control.MapPost("/rate", (double itemsPerMinute) => Try(() =>
        {
            simulator.SetRate(itemsPerMinute);
            return Results.Ok(new { itemsPerMinute });
        }));
    }

    private static IResult Try(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (KeyNotFoundException ex)
        {
            return Results.Problem(statusCode: 404, title: "Unknown feed", detail: ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return Results.Problem(statusCode: ex is InvalidOperationException ? 409 : 400, title: "Rejected", detail: ex.Message);
        }
    }

    private static IResult NotFound(string id) => Results.Problem(statusCode: 404, title: "Unknown feed", detail: $"No simulated feed '{id}'.");
}
