using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitor.Core.Tagging;
using Monitor.Data.Events;
using Monitor.Dashboard.Auth;

namespace Monitor.Dashboard.Api;

/// <summary>
/// Events: statements of NATO and the EP on the same story, grouped by the Tagging worker (docs/events.md). A keyset-paged
/// list newest first, and one event in full. Bad input is a 400 ProblemDetails saying what is wrong.
/// </summary>
public static class EventsApi
{
    public const int MaxLimit = 200;

    public static WebApplication MapEventsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/events").WithTags("Events").RequireAuthorization(MonitorPolicies.Read);
        api.MapGet("", ListEvents).WithName("ListEvents")
            .WithSummary("Events newest first (by their latest statement's day), one keyset page at a time; topic=<id> keeps events with a statement carrying it, institution=both those where NATO and the EP both spoke")
            .WithDescription($"The body is the page. '{HistoryApi.NextCursorHeader}' carries the cursor of the next page (absent on the last).")
            .Produces<IReadOnlyList<EventSummary>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id:long}", GetEvent).WithName("GetEvent")
            .WithSummary("One event: its statements in date order with institution and reason, who spoke first per institution, its topics and merges; an event merged into another answers with the kept one")
            .Produces<EventDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ListEvents(
        HttpResponse response, EventQueries events, TopicFile topics,
        string? topic, string? institution, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (topic is not null && topics.Topics.All(t => t.Id != topic))
        {
            return BadRequest("Invalid filter", $"Unknown topic '{topic}'; /api/topics lists the {topics.Topics.Count} topic ids.");
        }

        if (institution is not null && !string.Equals(institution, "both", StringComparison.OrdinalIgnoreCase))
        {
            return BadRequest("Invalid filter", $"'institution' can only be 'both' (events where NATO and the EP both spoke); got '{institution}'.");
        }

        var take = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxLimit))
        {
            return BadRequest("Invalid limit", $"'limit' must be a whole number from 1 to {MaxLimit}; got '{limit}'.");
        }

        EventListPage page;
        try
        {
            page = await events.ListAsync(new EventFilter(topic, institution is not null), take, string.IsNullOrEmpty(cursor) ? null : cursor, cancellationToken);
        }
        catch (FormatException ex)
        {
            return BadRequest("Invalid cursor", ex.Message);
        }

        if (page.NextCursor is not null)
        {
            response.Headers[HistoryApi.NextCursorHeader] = page.NextCursor;
        }

        return TypedResults.Ok(page.Items);
    }

    private static async Task<IResult> GetEvent(long id, EventQueries events, CancellationToken cancellationToken) =>
        await events.GetAsync(id, cancellationToken) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such event", detail: $"There is no event {id}.");

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
