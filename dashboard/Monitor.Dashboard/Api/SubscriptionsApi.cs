using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Core.Alerts;
using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data.Accounts;
using Monitor.Data.Alerts;
using Monitor.Data.Sources;
using Monitor.Hosting.Net;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/subscriptions</c>: the signed-in analyst's (or admin's) own alert rules, their feed token and webhook secret
/// (shown once, when created or rotated), and their email and webhook deliveries (<see cref="DeliveriesApi"/> replays a
/// dead one). Another user's ids answer 404, exactly like missing ones.
/// </summary>
public static partial class SubscriptionsApi
{
    public const string Path = "/api/subscriptions";
    public const string FeedPath = "/feeds/alerts";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string KindsDescription =
        "'kind': 'statements' (default: each stored statement matching topics, sources, documentTypes, minScore, query, driftOnly), "
        + "'spike' (a topic's volume: topics, spikeWindowHours and spikeFactor required), 'briefing' (the weekly living briefing, of its topics), "
        + "or 'event' (once per event, when NATO and the EP have both spoken on an event carrying one of its topics, none: any event; "
        + "includeHistory for events whose latest statement is more than 7 days old; the alert links to /event.html?id=N). "
        + "A field that does not apply to the kind, or a bad value, is a 400 problem naming the field.";

    public sealed record FeedUrlView(string FeedUrl);

    public sealed record WebhookSecretView(string WebhookSecret);

    public static WebApplication MapSubscriptionsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var subscriptions = app.MapGroup(Path).RequireAuthorization(MonitorPolicies.Subscribe).WithTags("Subscriptions");
        subscriptions.MapGet("/", List);
        subscriptions.MapPost("/", Create).Accepts<SubscriptionRequest>("application/json").Produces<SubscriptionView>(StatusCodes.Status201Created)
            .WithSummary("Creates an alert rule of the signed-in user").WithDescription(KindsDescription);
        subscriptions.MapGet("/{id:long}", Get);
        subscriptions.MapPut("/{id:long}", Update).Accepts<SubscriptionRequest>("application/json").Produces<SubscriptionView>()
            .WithSummary("Replaces one of the signed-in user's alert rules").WithDescription(KindsDescription);
        subscriptions.MapDelete("/{id:long}", Delete);
        subscriptions.MapPost("/{id:long}/feed-token", RotateFeedToken);
        subscriptions.MapPost("/{id:long}/webhook-secret", RotateWebhookSecret);
        subscriptions.MapGet("/{id:long}/deliveries", Deliveries);
        return app;
    }

    private static async Task<IEnumerable<SubscriptionView>> List(HttpContext http, SubscriptionStore store, CancellationToken cancellationToken) =>
        (await store.ListForUserAsync(http.User.UserId(), cancellationToken)).Select(SubscriptionView.From);

    private static async Task<IResult> Get(long id, HttpContext http, SubscriptionStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, http.User.UserId(), cancellationToken) is { } subscription
            ? TypedResults.Ok(SubscriptionView.From(subscription))
            : NotFound(id);

    private static async Task<IResult> Create(HttpContext http, SubscriptionStore store, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        var (draft, problem) = await ReadAndValidateAsync(http, userId, services, cancellationToken);
        if (problem is not null)
        {
            return Invalid(problem);
        }

        var now = services.Time.GetUtcNow();
        var token = NewFeedToken();
        var secret = draft!.WebhookUrl is null ? null : NewWebhookSecret();
        var id = await store.AddAsync(draft with
        {
            UserId = userId, FeedTokenHash = HashFeedToken(token), WebhookSecret = secret, CreatedAt = now, UpdatedAt = now,
        }, cancellationToken);
        LogCreated(services.Logger, id, userId, draft.Kind);
        var created = await store.GetAsync(id, userId, cancellationToken);
        return TypedResults.Created($"{Path}/{id}", SubscriptionView.From(created!) with { FeedUrl = FeedUrl(http.Request, token), WebhookSecret = secret });
    }

    private static async Task<IResult> Update(long id, HttpContext http, SubscriptionStore store, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        if (await store.GetAsync(id, userId, cancellationToken) is not { } existing)
        {
            return NotFound(id);
        }

        var (draft, problem) = await ReadAndValidateAsync(http, userId, services, cancellationToken, existing);
        if (problem is not null)
        {
            return Invalid(problem);
        }

        var now = services.Time.GetUtcNow();
        if (!await store.UpdateAsync(draft! with { Id = id, UserId = userId, UpdatedAt = now }, cancellationToken))
        {
            return NotFound(id);
        }

        // A webhook added to a subscription that had none gets its secret now, shown in this answer once.
        string? secret = null;
        if (draft!.WebhookUrl is not null && existing.WebhookSecret is null)
        {
            secret = NewWebhookSecret();
            await store.SetWebhookSecretAsync(id, userId, secret, now, cancellationToken);
        }

        var updated = await store.GetAsync(id, userId, cancellationToken);
        return updated is null ? NotFound(id) : TypedResults.Ok(SubscriptionView.From(updated) with { WebhookSecret = secret });
    }

    private static async Task<IResult> Delete(long id, HttpContext http, SubscriptionStore store, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        if (!await store.DeleteAsync(id, userId, cancellationToken))
        {
            return NotFound(id);
        }

        LogDeleted(services.Logger, id, userId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RotateFeedToken(long id, HttpContext http, SubscriptionStore store, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        var token = NewFeedToken();
        if (!await store.SetFeedTokenHashAsync(id, userId, HashFeedToken(token), services.Time.GetUtcNow(), cancellationToken))
        {
            return NotFound(id);
        }

        LogRotated(services.Logger, "feed token", id, userId);
        return TypedResults.Ok(new FeedUrlView(FeedUrl(http.Request, token)));
    }

    private static async Task<IResult> RotateWebhookSecret(long id, HttpContext http, SubscriptionStore store, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        if (await store.GetAsync(id, userId, cancellationToken) is not { } subscription)
        {
            return NotFound(id);
        }

        if (subscription.WebhookUrl is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No webhook",
                detail: $"Subscription {id} has no webhook, so it has no secret to rotate; set 'channels.webhook' first.");
        }

        var secret = NewWebhookSecret();
        if (!await store.SetWebhookSecretAsync(id, userId, secret, services.Time.GetUtcNow(), cancellationToken))
        {
            return NotFound(id);
        }

        LogRotated(services.Logger, "webhook secret", id, userId);
        return TypedResults.Ok(new WebhookSecretView(secret));
    }

    private static async Task<IResult> Deliveries(long id, string? state, HttpContext http, SubscriptionStore store, DeliveryStore deliveries, CancellationToken cancellationToken)
    {
        if (state is not (null or "pending" or "delivered" or "dead"))
        {
            return Invalid(new("Invalid state", $"'state' must be 'pending', 'delivered' or 'dead'; got '{state}'."));
        }

        var userId = http.User.UserId();
        if (await store.GetAsync(id, userId, cancellationToken) is null)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(await deliveries.ListAsync(id, userId, state, InboxStore.MaxLimit, cancellationToken));
    }

    private static async Task<(Subscription? Draft, RequestProblem? Problem)> ReadAndValidateAsync(
        HttpContext http, long userId, [AsParameters] Services services, CancellationToken cancellationToken, Subscription? existing = null)
    {
        SubscriptionRequest? request;
        try
        {
            request = http.Request.HasJsonContentType() && http.Request.ContentLength is not 0
                ? await http.Request.ReadFromJsonAsync<SubscriptionRequest>(Json, cancellationToken)
                : null;
        }
        catch (JsonException ex)
        {
            return (null, new("Invalid JSON", $"The body is not a valid subscription: {ex.Message}"));
        }

        var options = services.Options.Value;
        var sources = (await services.Sources.ListAsync(cancellationToken)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var owner = await services.Users.FindByIdAsync(userId, cancellationToken);
        var checks = new SubscriptionChecks(services.Topics, sources, options.Smtp.Enabled, owner?.Email, new WebhookTargetCheck(
            new NetworkGuard(options.AllowedNetworks, $"{AlertChannelOptions.SectionName}:AllowedNetworks"),
            (host, ct) => Dns.GetHostAddressesAsync(host, ct))) { Existing = existing };
        return await SubscriptionValidation.ValidateAsync(request, checks, cancellationToken);
    }

    /// <summary>32 random bytes, base64url: the secret in the feed's URL. Only its SHA-256 is stored.</summary>
    public static string NewFeedToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string HashFeedToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>32 random bytes, hex: the HMAC-SHA256 key webhook requests are signed with.</summary>
    private static string NewWebhookSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string FeedUrl(HttpRequest request, string token) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{FeedPath}/{token}";

    private static IResult Invalid(RequestProblem problem) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: problem.Title, detail: problem.Detail);

    private static IResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown subscription", detail: $"You have no subscription {id}.");

    /// <summary>What the handlers need beside the store, bound as one parameter.</summary>
    private sealed record Services(TopicFile Topics, SourceStore Sources, UserStore Users, IOptions<AlertChannelOptions> Options, TimeProvider Time, ILoggerFactory Loggers)
    {
        public ILogger Logger => Loggers.CreateLogger(typeof(SubscriptionsApi));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} ({Kind}) created by user {UserId}")]
    private static partial void LogCreated(ILogger logger, long subscriptionId, long userId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} deleted by user {UserId}")]
    private static partial void LogDeleted(ILogger logger, long subscriptionId, long userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Secret} of subscription {SubscriptionId} rotated by user {UserId}")]
    private static partial void LogRotated(ILogger logger, string secret, long subscriptionId, long userId);
}
