using System.Globalization;
using System.Text.Json;
using Monitor.Dashboard.Auth;
using Monitor.Data.Alerts;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/alerts</c>: the signed-in user's inbox, every alert their subscriptions raised (pushed in-app or not), newest
/// first, with read marks. Another user's alert ids answer 404, exactly like missing ones.
/// </summary>
public static class InboxApi
{
    public const string Path = "/api/alerts";
    public const int DefaultLimit = 50;

    /// <param name="Detail">Kind "spike": the counts; kind "briefing": the week, its counts and its Markdown (JSON objects); otherwise null.</param>
    public sealed record AlertView(
        long Id, long SubscriptionId, string SubscriptionName, string Kind, long? StatementId, int? Revision, string? TopicId,
        string Title, string Url, IReadOnlyList<string> MatchedTopics, JsonElement? Detail, DateTimeOffset TriggeredAt, DateTimeOffset? ReadAt)
    {
        public static AlertView From(InboxAlert inbox)
        {
            ArgumentNullException.ThrowIfNull(inbox);
            var a = inbox.Alert;
            return new(a.Id, a.SubscriptionId, inbox.SubscriptionName, a.Kind, a.StatementId, a.Revision, a.TopicId, a.Title, a.Url,
                a.MatchedTopics, ParseDetail(a.Detail), a.TriggeredAt, a.ReadAt);
        }

        private static JsonElement? ParseDetail(string? detail)
        {
            if (string.IsNullOrWhiteSpace(detail))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(detail);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return JsonSerializer.SerializeToElement(detail);
            }
        }
    }

    public sealed record UnreadCountView(long Count);

    public static WebApplication MapInboxApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var alerts = app.MapGroup(Path).RequireAuthorization(MonitorPolicies.SignedIn).WithTags("Inbox");
        alerts.MapGet("/", List);
        alerts.MapGet("/unread-count", async (HttpContext http, InboxStore inbox, CancellationToken ct) =>
            new UnreadCountView(await inbox.UnreadCountAsync(http.User.UserId(), ct)));
        alerts.MapPost("/read-all", async (HttpContext http, InboxStore inbox, TimeProvider time, CancellationToken ct) =>
        {
            await inbox.MarkAllReadAsync(http.User.UserId(), time.GetUtcNow(), ct);
            return TypedResults.NoContent();
        });
        alerts.MapGet("/{id:long}", Get);
        alerts.MapPost("/{id:long}/read", MarkRead);
        return app;
    }

    /// <param name="unread">"true": only unread alerts.</param>
    /// <param name="limit">1 to 200, default 50.</param>
    /// <param name="before">An alert id: only older alerts (the last id of the previous page).</param>
    private static async Task<IResult> List(string? unread, string? limit, string? before, HttpContext http, InboxStore inbox, CancellationToken cancellationToken)
    {
        if (unread is not (null or "true" or "false"))
        {
            return Invalid("Invalid unread", $"'unread' must be 'true' or 'false'; got '{unread}'.");
        }

        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > InboxStore.MaxLimit))
        {
            return Invalid("Invalid limit", $"'limit' must be a whole number from 1 to {InboxStore.MaxLimit}; got '{limit}'.");
        }

        long? beforeId = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return Invalid("Invalid before", $"'before' must be an alert id (a positive whole number); got '{before}'.");
            }

            beforeId = id;
        }

        var alerts = await inbox.ListAsync(http.User.UserId(), unread == "true", count, beforeId, cancellationToken);
        return TypedResults.Ok(alerts.Select(AlertView.From));
    }

    private static async Task<IResult> Get(long id, HttpContext http, InboxStore inbox, CancellationToken cancellationToken) =>
        await inbox.GetAsync(id, http.User.UserId(), cancellationToken) is { } alert ? TypedResults.Ok(AlertView.From(alert)) : NotFound(id);

    private static async Task<IResult> MarkRead(long id, HttpContext http, InboxStore inbox, TimeProvider time, CancellationToken cancellationToken) =>
        await inbox.MarkReadAsync(id, http.User.UserId(), time.GetUtcNow(), cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static IResult Invalid(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static IResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown alert", detail: $"You have no alert {id}.");
}
