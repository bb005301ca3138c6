using System.Globalization;
using Monitor.Core.Alerts;
using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data.SavedSearches;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/saved-searches</c>: the signed-in user's named history queries (any role). Each opens the history page with
/// its query, is an Atom feed (<see cref="StatementFeedsApi"/>) whose secret URL is shown when created or rotated, and
/// gives the draft of an alert subscription with the same filters (a 400 naming those a subscription cannot carry).
/// Another user's ids answer 404, exactly like missing ones.
/// </summary>
public static partial class SavedSearchesApi
{
    public const string Path = "/api/saved-searches";
    public const int MaxNameLength = 100;
    public const int MaxPerUser = 100;

    /// <summary>The body of POST (name and query required) and PUT (name required; a query replaces the saved one).</summary>
    /// <param name="Query">The query string of GET /api/statements, e.g. "q=sanctions&amp;topics=sanctions&amp;from=2026-01-01".</param>
    public sealed record SavedSearchRequest(string? Name, string? Query);

    /// <param name="Query">The canonical query string of GET /api/statements.</param>
    /// <param name="HistoryUrl">The history page with this query (its "To" is inclusive, so a date-only 'to' shows the day before).</param>
    public sealed record SavedSearchView(long Id, string Name, string Query, string HistoryUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        /// <summary>The Atom feed's URL with its secret token: only in the answer that created or rotated it.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string? FeedUrl { get; init; }
    }

    public static WebApplication MapSavedSearchesApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var saved = app.MapGroup(Path).RequireAuthorization(MonitorPolicies.SignedIn).WithTags("Saved searches");
        saved.MapGet("/", List).WithSummary("The signed-in user's saved searches, by name").Produces<IReadOnlyList<SavedSearchView>>();
        saved.MapPost("/", Create).WithSummary($"Saves a history query with a name (1 to {MaxNameLength} characters, unique per user; at most {MaxPerUser} per user)")
            .WithDescription("'query' is the query string of GET /api/statements: q, topics, topicMatch, minScore, sources, types, from, to, drift, language, "
                + "entity and sort, checked as that endpoint checks them. The answer (201) carries 'feedUrl', the Atom feed's secret address, this once.")
            .Produces<SavedSearchView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        saved.MapGet("/{id:long}", Get).Produces<SavedSearchView>().ProducesProblem(StatusCodes.Status404NotFound);
        saved.MapPut("/{id:long}", Update).WithSummary("Renames a saved search, and replaces its query when 'query' is given")
            .Produces<SavedSearchView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        saved.MapDelete("/{id:long}", Delete).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        saved.MapPost("/{id:long}/feed-token", RotateFeedToken).WithSummary("A new secret feed URL; the old one answers 404 from now on")
            .Produces<SubscriptionsApi.FeedUrlView>().ProducesProblem(StatusCodes.Status404NotFound);
        saved.MapGet("/{id:long}/alert-draft", AlertDraft)
            .WithSummary("The body of POST /api/subscriptions for an alert with this saved search's filters")
            .WithDescription("A 'statements' subscription of its topics, topicMatch, sources, types (documentTypes), minScore, q (query) and drift (driftOnly), "
                + "in-app only. A saved search with from, to, language or entity is a 400 naming them: an alert cannot carry them, and none is dropped.")
            .Produces<SubscriptionRequest>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> List(HttpContext http, SavedSearchStore store, TopicFile topics, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(http.User.UserId(), cancellationToken)).Select(s => View(s, topics)).ToList());

    private static async Task<IResult> Get(long id, HttpContext http, SavedSearchStore store, TopicFile topics, CancellationToken cancellationToken) =>
        await store.GetAsync(id, http.User.UserId(), cancellationToken) is { } saved ? TypedResults.Ok(View(saved, topics)) : NotFound(id);

    private static async Task<IResult> Create(
        SavedSearchRequest? body, HttpContext http, SavedSearchStore store, TopicFile topics, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (CheckName(body?.Name) is { } nameProblem)
        {
            return nameProblem;
        }

        if (body!.Query is null)
        {
            return Invalid("Invalid query", "'query' is required: the query string of GET /api/statements, e.g. \"q=sanctions&topics=sanctions\" (\"\" saves every statement).");
        }

        var (query, error) = SavedSearchQuery.Parse(body.Query, topics, http.User.UserId());
        if (query is null)
        {
            return Invalid("Invalid query", error!);
        }

        var userId = http.User.UserId();
        var name = body.Name!.Trim();
        var token = SubscriptionsApi.NewFeedToken();
        var (change, id) = await store.AddAsync(userId, name, query.ToString(), SubscriptionsApi.HashFeedToken(token), time.GetUtcNow(), MaxPerUser, cancellationToken);
        switch (change)
        {
            case SavedSearchChange.NameTaken:
                return NameTaken(name);
            case SavedSearchChange.LimitReached:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Too many saved searches",
                    detail: $"You have {MaxPerUser} saved searches, the most allowed; delete one first.");
        }

        LogCreated(loggers.CreateLogger(typeof(SavedSearchesApi)), id, userId);
        var created = await store.GetAsync(id, userId, cancellationToken);
        return TypedResults.Created($"{Path}/{id}", View(created!, topics) with { FeedUrl = FeedUrl(http.Request, token) });
    }

    private static async Task<IResult> Update(
        long id, SavedSearchRequest? body, HttpContext http, SavedSearchStore store, TopicFile topics, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        if (await store.GetAsync(id, userId, cancellationToken) is null)
        {
            return NotFound(id);
        }

        if (CheckName(body?.Name) is { } nameProblem)
        {
            return nameProblem;
        }

        string? canonical = null;
        if (body!.Query is not null)
        {
            var (query, error) = SavedSearchQuery.Parse(body.Query, topics, http.User.UserId());
            if (query is null)
            {
                return Invalid("Invalid query", error!);
            }

            canonical = query.ToString();
        }

        var name = body.Name!.Trim();
        switch (await store.UpdateAsync(id, userId, name, canonical, time.GetUtcNow(), cancellationToken))
        {
            case SavedSearchChange.NotFound:
                return NotFound(id);
            case SavedSearchChange.NameTaken:
                return NameTaken(name);
        }

        return await store.GetAsync(id, userId, cancellationToken) is { } updated ? TypedResults.Ok(View(updated, topics)) : NotFound(id);
    }

    private static async Task<IResult> Delete(long id, HttpContext http, SavedSearchStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, http.User.UserId(), cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<IResult> RotateFeedToken(long id, HttpContext http, SavedSearchStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var token = SubscriptionsApi.NewFeedToken();
        return await store.SetFeedTokenHashAsync(id, http.User.UserId(), SubscriptionsApi.HashFeedToken(token), time.GetUtcNow(), cancellationToken)
            ? TypedResults.Ok(new SubscriptionsApi.FeedUrlView(FeedUrl(http.Request, token)))
            : NotFound(id);
    }

    private static async Task<IResult> AlertDraft(long id, HttpContext http, SavedSearchStore store, TopicFile topics, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, http.User.UserId(), cancellationToken) is not { } saved)
        {
            return NotFound(id);
        }

        var (query, error) = SavedSearchQuery.Parse(saved.Query, topics, saved.UserId);
        if (query is null)
        {
            return Invalid("Invalid saved search", $"'{saved.Name}' no longer is a valid query: {error}");
        }

        var (draft, refused) = query.ToSubscription(saved.Name.Length <= SubscriptionValidation.MaxNameLength ? saved.Name : saved.Name[..SubscriptionValidation.MaxNameLength]);
        return draft is null ? Invalid("Cannot become an alert", refused!) : TypedResults.Ok(draft);
    }

    private static SavedSearchView View(SavedSearch saved, TopicFile topics)
    {
        // A stored query was valid when saved; one that no longer is (a topic removed since) still lists, as stored.
        var (query, _) = SavedSearchQuery.Parse(saved.Query, topics, saved.UserId);
        var historyUrl = query?.HistoryPageUrl() ?? (saved.Query.Length == 0 ? "/history.html" : $"/history.html?{saved.Query}");
        return new SavedSearchView(saved.Id, saved.Name, saved.Query, historyUrl, saved.CreatedAt, saved.UpdatedAt);
    }

    private static IResult? CheckName(string? name)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength
            ? Invalid("Invalid name", $"'name' must be 1 to {MaxNameLength} characters; got {(trimmed is null ? "none" : trimmed.Length.ToString(CultureInfo.InvariantCulture))}.")
            : null;
    }

    private static string FeedUrl(HttpRequest request, string token) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{StatementFeedsApi.SavedPath}/{token}";

    private static IResult Invalid(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static IResult NameTaken(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Name taken", detail: $"You already have a saved search named '{name}'; choose another name.");

    private static IResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown saved search", detail: $"You have no saved search {id}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved search {SavedSearchId} created by user {UserId}")]
    private static partial void LogCreated(ILogger logger, long savedSearchId, long userId);
}
