using System.Globalization;
using Monitor.Core.Backfill;
using Monitor.Core.Feeds;
using Monitor.Dashboard.Auth;
using Monitor.Data.Backfill;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/admin/backfills</c>: start a backfill of a source's archive back to a date, list them with their progress,
/// pause, resume and cancel one. Ingestion claims a running backfill at its next tick and checkpoints every page, so
/// a pause takes effect after the page in hand. Admins only.
/// </summary>
public static partial class BackfillAdminApi
{
    public const string Path = "/api/admin/backfills";

    /// <summary>The earliest start date accepted: the archives this was built for start in 2022; older ones are allowed back to 1990.</summary>
    public static readonly DateOnly Earliest = new(1990, 1, 1);

    public sealed record StartBackfillRequest(string? SourceId, string? Since, string? Until);

    /// <summary>A backfill and its progress. Rate is items found per second of walking; the ETA extrapolates how far back the walk has come.</summary>
    public sealed record BackfillView(
        long Id, string SourceId, string Since, string Until, string State, int Pages, long ItemsFound, long ItemsPublished, long ItemsStored,
        double? RatePerSecond, double? EtaSeconds, double? Progress, string? ReachedDay, int Failures, string? LastError, string? NextUrl,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt, bool Claimed);

    public static WebApplication MapBackfillAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup(Path).RequireAuthorization(MonitorPolicies.Admin);
        admin.MapGet("/", List);
        admin.MapGet("/{id:long}", Get);
        admin.MapPost("/", Start);
        admin.MapPost("/{id:long}/pause", (long id, BackfillStore store, TimeProvider time, CancellationToken ct) =>
            Move(id, [BackfillStates.Running], BackfillStates.Paused, store, time, ct));
        admin.MapPost("/{id:long}/resume", (long id, BackfillStore store, TimeProvider time, CancellationToken ct) =>
            Move(id, [BackfillStates.Paused, BackfillStates.Failed], BackfillStates.Running, store, time, ct));
        admin.MapPost("/{id:long}/cancel", (long id, BackfillStore store, TimeProvider time, CancellationToken ct) =>
            Move(id, [BackfillStates.Running, BackfillStates.Paused, BackfillStates.Failed], BackfillStates.Cancelled, store, time, ct));
        return app;
    }

    private static async Task<IEnumerable<BackfillView>> List(BackfillStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var views = new List<BackfillView>();
        foreach (var job in await store.ListAsync(100, cancellationToken))
        {
            views.Add(await ViewAsync(job, store, time, cancellationToken));
        }

        return views;
    }

    private static async Task<IResult> Get(long id, BackfillStore store, TimeProvider time, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } job ? TypedResults.Ok(await ViewAsync(job, store, time, cancellationToken)) : Unknown(id);

    private static async Task<IResult> Start(StartBackfillRequest? request, BackfillStore store, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.SourceId) || string.IsNullOrWhiteSpace(request.Since))
        {
            return Invalid("Missing fields", "Send a JSON body: {\"sourceId\": \"nato-news\", \"since\": \"2022-01-01\", \"until\": \"2022-12-31\" (optional, default today)}.");
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryDay(request.Since, out var since) || since < Earliest || since > today)
        {
            return Invalid("Invalid start date", $"'since' must be a date yyyy-MM-dd between {Earliest:yyyy-MM-dd} and today; got '{request.Since}'.");
        }

        var until = today;
        if (!string.IsNullOrWhiteSpace(request.Until) && (!TryDay(request.Until, out until) || until < since))
        {
            return Invalid("Invalid end date", $"'until' must be a date yyyy-MM-dd on or after 'since' ({since:yyyy-MM-dd}); got '{request.Until}'.");
        }

        var sourceId = request.SourceId.Trim();
        if (await store.FindSourceAsync(sourceId, cancellationToken) is not { } source)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source", detail: $"There is no source with id '{sourceId}'.");
        }

        if (ArchiveWalk.Unsupported(source.Adapter) is { } why)
        {
            return Invalid("No archive to walk", $"Source '{sourceId}' (adapter {source.Adapter}): {why}.");
        }

        if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var url))
        {
            return Invalid("Invalid source URL", $"Source '{sourceId}' has no absolute URL ('{source.Url}').");
        }

        var job = await store.StartAsync(sourceId, since, until, ArchiveWalk.First(source.Adapter, url, since, until), time.GetUtcNow(), cancellationToken);
        if (job is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Backfill running",
                detail: $"Source '{sourceId}' has a backfill running or paused already; resume or cancel it first.");
        }

        LogStarted(loggers.CreateLogger(typeof(BackfillAdminApi)), job.Id, sourceId, job.SinceDay, job.UntilDay);
        return TypedResults.Created($"{Path}/{job.Id}", await ViewAsync(job, store, time, cancellationToken));
    }

    private static async Task<IResult> Move(long id, string[] from, string to, BackfillStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } job)
        {
            return Unknown(id);
        }

        if (!await store.SetStateAsync(id, from, to, time.GetUtcNow(), cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible now",
                detail: $"Backfill {id} is {job.State}; it can be moved to {to} only from {string.Join(" or ", from)}.");
        }

        return TypedResults.Ok(await ViewAsync((await store.GetAsync(id, cancellationToken))!, store, time, cancellationToken));
    }

    private static async Task<BackfillView> ViewAsync(BackfillJob job, BackfillStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var from = BrusselsTime.StartOfDay(job.Since);
        var to = BrusselsTime.StartOfDay(job.Until.AddDays(1));
        var stored = await store.StoredCountAsync(job.SourceId, from, to, cancellationToken);
        double? rate = job.RunMs > 0 ? job.ItemsFound / (job.RunMs / 1000.0) : null;

        // How far back the walk has come, as a share of the range; the time left is extrapolated from the time spent.
        double? progress = job.State == BackfillStates.Done ? 1
            : job.ReachedAt is { } reached ? Math.Clamp((to - reached) / (to - from), 0, 1) : null;
        double? eta = job.State == BackfillStates.Running && progress is > 0 and < 1 ? job.RunMs / 1000.0 * (1 - progress.Value) / progress.Value : null;
        var now = time.GetUtcNow();
        return new BackfillView(job.Id, job.SourceId, job.SinceDay, job.UntilDay, job.State, job.Pages, job.ItemsFound, job.ItemsPublished, stored,
            rate, eta, progress, job.ReachedAt is { } r ? DateOnly.FromDateTime(r.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            job.Failures, job.LastError, job.NextUrl, job.CreatedAt, job.UpdatedAt, job.FinishedAt,
            job.LeaseOwner is not null && job.NotBefore <= now);
    }

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static IResult Invalid(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static IResult Unknown(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown backfill", detail: $"There is no backfill with id {id}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} of {SourceId} started ({Since} to {Until})")]
    private static partial void LogStarted(ILogger logger, long backfillId, string sourceId, string since, string until);
}
