using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitor.Contracts;
using Monitor.Data.History;
using Monitor.Dashboard.Auth;

namespace Monitor.Dashboard.Api;

/// <summary>
/// The live view's catch-up after a reconnect: what was stored while the client was away, in the shape the hub
/// pushes, oldest first. The client asks from (the newest stored time it has seen − 60 s) and drops what it already
/// has by (statementId, revision), so nothing is missed and nothing shown twice.
/// </summary>
public static class LiveApi
{
    public const int DefaultLimit = 200;

    public static WebApplication MapLiveApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/live").WithTags("Live").RequireAuthorization(MonitorPolicies.Read);
        api.MapGet("/since", Since).WithName("LiveSince")
            .WithSummary("Statements whose current revision was stored at or after 'after', oldest first by (storedAt, statementId): the live view's catch-up")
            .WithDescription($"'after' is an ISO 8601 date-time (UTC unless an offset is given); 'limit' 1 to {HistoryApi.MaxLimit} (default {DefaultLimit}). The body is one page of StatementStored, exactly as the hub pushes them; '{HistoryApi.NextCursorHeader}' carries the cursor of the next page (absent on the last). Keep 'after' the same while paging.")
            .Produces<IReadOnlyList<StatementStored>>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> Since(
        string? after, string? limit, string? cursor, HttpResponse response, HistoryStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(after))
        {
            return BadRequest("Invalid after", "'after' is required: the ISO 8601 date-time to catch up from, such as 2026-02-24T06:00:00Z.");
        }

        if (!DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var from))
        {
            return BadRequest("Invalid after", $"'after' must be an ISO 8601 date-time such as 2026-02-24T06:00:00Z; got '{after}'.");
        }

        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > HistoryApi.MaxLimit))
        {
            return BadRequest("Invalid limit", $"'limit' must be a whole number from 1 to {HistoryApi.MaxLimit}; got '{limit}'.");
        }

        LiveCursor? next = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            try
            {
                next = LiveCursor.Decode(cursor);
            }
            catch (FormatException ex)
            {
                return BadRequest("Invalid cursor", ex.Message);
            }
        }

        var page = await store.StoredSinceAsync(from, take, next, cancellationToken);
        if (page.NextCursor is not null)
        {
            response.Headers[HistoryApi.NextCursorHeader] = page.NextCursor;
        }

        return TypedResults.Ok(page.Items);
    }

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
