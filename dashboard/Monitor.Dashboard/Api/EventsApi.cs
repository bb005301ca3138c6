using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitor.Core.Entities;
using Monitor.Core.Tagging;
using Monitor.Core.Text;
using Monitor.Data.Events;
using Monitor.Dashboard.Auth;

namespace Monitor.Dashboard.Api;

/// <summary>
/// Events: statements of NATO and the EP on the same story, grouped by the Tagging worker (docs/events.md). A keyset-paged
/// list newest first, and one event in full. Bad input is a 400 ProblemDetails saying what is wrong.
/// </summary>
public static partial class EventsApi
{
    public const int MaxLimit = 200;

    public static WebApplication MapEventsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/events").WithTags("Events").RequireAuthorization(MonitorPolicies.Read);
        api.MapGet("", ListEvents).WithName("ListEvents")
            .WithSummary("Events newest first (by their latest statement's day), one keyset page at a time. Filters (AND): topics=<ids> (or topic=<id>) events with a statement carrying one of them; entity=<ids> events whose statements name every one; from/to (ISO dates, to exclusive) events with a day in that range; institution=nato|ep|both; q=<words> words the title contains")
            .WithDescription($"The body is the page. '{HistoryApi.NextCursorHeader}' carries the cursor of the next page (absent on the last).")
            .Produces<IReadOnlyList<EventSummary>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id:long}", GetEvent).WithName("GetEvent")
            .WithSummary("One event: its statements in date order with institution and reason, who spoke first per institution, its topics and merges; an event merged into another answers with the kept one")
            .Produces<EventDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>At most this many title words in <c>q</c>.</summary>
    public const int MaxTitleWords = 8;

    private static async Task<IResult> ListEvents(
        HttpResponse response, EventQueries events, TopicFile topicFile,
        string? topic, string? topics, string? entity, string? from, string? to, string? q,
        string? institution, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        var (filter, error) = ToFilter(topicFile, topic, topics, entity, from, to, q, institution);
        if (filter is null)
        {
            return BadRequest("Invalid filter", error!);
        }

        var take = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxLimit))
        {
            return BadRequest("Invalid limit", $"'limit' must be a whole number from 1 to {MaxLimit}; got '{limit}'.");
        }

        EventListPage page;
        try
        {
            page = await events.ListAsync(filter, take, string.IsNullOrEmpty(cursor) ? null : cursor, cancellationToken);
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

    /// <summary>The events list's filter, or the first problem with the request (for a 400).</summary>
    internal static (EventFilter? Filter, string? Error) ToFilter(
        TopicFile topicFile, string? topic, string? topicsParam, string? entity, string? from, string? to, string? q, string? institution)
    {
        var topicIds = List(topicsParam);
        if (!string.IsNullOrWhiteSpace(topic))
        {
            topicIds.Add(topic.Trim());
        }

        if (topicIds.FirstOrDefault(t => topicFile.Topics.All(known => known.Id != t)) is { } badTopic)
        {
            return (null, $"Unknown topic '{badTopic}'; /api/topics lists the {topicFile.Topics.Count} topic ids.");
        }

        var entities = List(entity);
        var gazetteer = Gazetteer.LoadDefault();
        if (entities.FirstOrDefault(e => gazetteer.Find(e) is null) is { } badEntity)
        {
            return (null, $"Unknown entity '{badEntity}'; entity ids are lower case, like 'ukraine', 'council-of-the-eu', 'jens-stoltenberg' (docs/entities.md).");
        }

        var institutions = institution?.Trim().ToLowerInvariant() switch
        {
            null or "" or "any" => EventInstitutions.Any,
            "nato" => EventInstitutions.Nato,
            "ep" => EventInstitutions.Ep,
            "both" => EventInstitutions.Both,
            _ => (EventInstitutions?)null,
        };
        if (institutions is null)
        {
            return (null, $"'institution' must be 'nato', 'ep' or 'both' (events where NATO and the EP both spoke); got '{institution}'.");
        }

        // Events are days: a date-time is taken at its UTC day (from: that day on; to: before that day, or the next
        // day when it has a time after midnight, so a statement's range and its events' range agree).
        if (!QueryDate.TryParse(from, "from", false, out var fromAt, out var error) || !QueryDate.TryParse(to, "to", false, out var toAt, out error))
        {
            return (null, error);
        }

        if (fromAt is not null && toAt is not null && fromAt >= toAt)
        {
            return (null, $"'from' ({from}) must be before 'to' ({to}).");
        }

        var words = q is null ? [] : TitleWord().Matches(q.ToLowerInvariant()).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        if (!string.IsNullOrWhiteSpace(q) && words.Count == 0)
        {
            return (null, $"'q' has no word to look for in event titles; got '{q}'.");
        }

        if (words.Count > MaxTitleWords)
        {
            return (null, $"'q' may name at most {MaxTitleWords} words for events (each must be in the title); got {words.Count}.");
        }

        return (new EventFilter
        {
            Topics = topicIds,
            Entities = entities,
            Institutions = institutions.Value,
            FromDay = fromAt is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : null,
            ToDay = toAt is { } t ? DayAtOrAfter(t) : null,
            TitleWords = words,
        }, null);
    }

    private static DateOnly DayAtOrAfter(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return at.UtcDateTime.TimeOfDay == TimeSpan.Zero ? day : day.AddDays(1);
    }

    private static List<string> List(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex TitleWord();

    private static async Task<IResult> GetEvent(long id, EventQueries events, CancellationToken cancellationToken) =>
        await events.GetAsync(id, cancellationToken) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such event", detail: $"There is no event {id}.");

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
