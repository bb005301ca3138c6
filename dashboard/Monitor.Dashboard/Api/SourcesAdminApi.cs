using System.Text.RegularExpressions;
using Monitor.Core.Feeds;
using Monitor.Dashboard.Auth;
using Monitor.Data.Sources;
using Monitor.Ingestion.Polling;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/admin/sources</c>: list sources with their health, look at a URL before adding it (probe), add, edit,
/// pause, resume, remove, read a source's poll history; OPML export and import (<see cref="SourcesOpmlApi"/>).
/// Ingestion picks a change up at its next scheduler tick: sources live in the database. Admins only.
/// </summary>
public static partial class SourcesAdminApi
{
    public const string Path = "/api/admin/sources";
    public const int MinIntervalSeconds = 1;
    public const int MaxIntervalSeconds = 86_400;

    public sealed record AddSourceRequest(string? Id, string? Name, string? Url, string? Adapter, int? PollIntervalSeconds);

    public sealed record UpdateSourceRequest(string? Name, string? Url, string? Adapter, int? PollIntervalSeconds);

    public sealed record ProbeRequest(string? Url);

    /// <summary>Polls shown at most per request of a source's history.</summary>
    public const int DefaultPolls = 20;

    public static WebApplication MapSourcesAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup(Path).RequireAuthorization(MonitorPolicies.Admin);
        admin.MapGet("/", List);
        admin.MapGet("/{id}", Get);
        admin.MapPost("/", Add);
        admin.MapPost("/probe", Probe);
        admin.MapPut("/{id}", Update);
        admin.MapGet("/{id}/polls", Polls);
        admin.MapPost("/{id}/pause", (string id, SourceAdminStore store, SourceStore sources, TimeProvider time, CancellationToken ct) => SetEnabled(id, false, store, sources, time, ct));
        admin.MapPost("/{id}/resume", (string id, SourceAdminStore store, SourceStore sources, TimeProvider time, CancellationToken ct) => SetEnabled(id, true, store, sources, time, ct));
        admin.MapDelete("/{id}", Remove);
        app.MapSourcesOpml();
        return app;
    }

    private static async Task<IEnumerable<SourcesApi.SourceView>> List(SourceStore sources, CancellationToken cancellationToken) =>
        (await sources.ListAsync(cancellationToken)).Select(SourcesApi.View);

    private static async Task<IResult> Get(string id, SourceStore sources, CancellationToken cancellationToken) =>
        await FindAsync(sources, id, cancellationToken) is { } row ? TypedResults.Ok(SourcesApi.View(row)) : UnknownSource(id);

    private static async Task<IResult> Add(AddSourceRequest? request, SourceAdminStore store, SourceStore sources, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } problem)
        {
            return problem;
        }

        var source = new SourceDefinition(request!.Id!, string.IsNullOrWhiteSpace(request.Name) ? request.Id! : request.Name.Trim(), request.Url!.Trim(),
            (request.Adapter ?? FeedAdapters.Rss).ToLowerInvariant(), request.PollIntervalSeconds ?? 300);
        if (!await store.AddAsync(source, time.GetUtcNow(), cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Source exists",
                detail: $"A source with id '{source.Id}' exists already; remove it first or choose another id.");
        }

        LogAdded(loggers.CreateLogger(typeof(SourcesAdminApi)), source.Id, source.Url, source.Adapter);
        var row = await FindAsync(sources, source.Id, cancellationToken);
        return TypedResults.Created($"{Path}/{Uri.EscapeDataString(source.Id)}", SourcesApi.View(row!));
    }

    private static async Task<IResult> Probe(ProbeRequest? request, FeedFetcher fetcher, SourceStore sources, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Url) || !Uri.TryCreate(request.Url.Trim(), UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https"))
        {
            return Invalid("Invalid url", $"'url' must be an absolute http or https URL of a feed or of a page that links to one; got '{request?.Url}'.");
        }

        var taken = (await sources.ListAsync(cancellationToken)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        try
        {
            return TypedResults.Ok(await SourceProbe.ProbeAsync(fetcher, url, taken, cancellationToken));
        }
        catch (SourceProbeException ex)
        {
            return Invalid(ex.Title, ex.Message);
        }
    }

    private static async Task<IResult> Update(string id, UpdateSourceRequest? request, SourceAdminStore store, SourceStore sources, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return Invalid("Missing body", "Send a JSON body: {\"name\", \"url\", \"adapter\", \"pollIntervalSeconds\"}.");
        }

        if (await FindAsync(sources, id, cancellationToken) is not { } existing)
        {
            return UnknownSource(id);
        }

        var merged = new AddSourceRequest(id, request.Name ?? existing.Name, request.Url ?? existing.Url, request.Adapter ?? existing.Adapter,
            request.PollIntervalSeconds ?? existing.PollIntervalSeconds);
        if (Validate(merged) is { } problem)
        {
            return problem;
        }

        var source = new SourceDefinition(id, string.IsNullOrWhiteSpace(merged.Name) ? id : merged.Name.Trim(), merged.Url!.Trim(),
            merged.Adapter!.ToLowerInvariant(), merged.PollIntervalSeconds!.Value);
        if (!await store.UpdateAsync(source, time.GetUtcNow(), cancellationToken))
        {
            return UnknownSource(id);
        }

        LogUpdated(loggers.CreateLogger(typeof(SourcesAdminApi)), id, source.Url, source.Adapter, source.PollIntervalSeconds);
        return TypedResults.Ok(SourcesApi.View((await FindAsync(sources, id, cancellationToken))!));
    }

    private static async Task<IResult> Polls(string id, int? limit, SourceStore sources, SourcePollLog polls, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > SourcePollLog.Keep)
        {
            return Invalid("Invalid limit", $"'limit' must be from 1 to {SourcePollLog.Keep} (the polls kept per source); got {limit}.");
        }

        return await FindAsync(sources, id, cancellationToken) is null
            ? UnknownSource(id)
            : TypedResults.Ok(await polls.ListAsync(id, limit ?? DefaultPolls, cancellationToken));
    }

    private static async Task<IResult> SetEnabled(string id, bool enabled, SourceAdminStore store, SourceStore sources, TimeProvider time, CancellationToken cancellationToken) =>
        await store.SetEnabledAsync(id, enabled, time.GetUtcNow(), cancellationToken) && await FindAsync(sources, id, cancellationToken) is { } row
            ? TypedResults.Ok(SourcesApi.View(row))
            : UnknownSource(id);

    private static async Task<IResult> Remove(string id, SourceAdminStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await store.RemoveAsync(id, cancellationToken))
        {
            return UnknownSource(id);
        }

        LogRemoved(loggers.CreateLogger(typeof(SourcesAdminApi)), id);
        return TypedResults.NoContent();
    }

    internal static IResult? Validate(AddSourceRequest? request)
    {
        if (request is null)
        {
            return Invalid("Missing body", "Send a JSON body: {\"id\", \"name\", \"url\", \"adapter\", \"pollIntervalSeconds\"}.");
        }

        if (string.IsNullOrWhiteSpace(request.Id) || !IdPattern().IsMatch(request.Id))
        {
            return Invalid("Invalid id", $"'id' must be 1-64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit; got '{request.Id}'.");
        }

        if (string.IsNullOrWhiteSpace(request.Url) || !Uri.TryCreate(request.Url.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Invalid("Invalid url", $"'url' must be an absolute http or https URL, e.g. https://www.europarl.europa.eu/rss/doc/press-releases/en.xml; got '{request.Url}'.");
        }

        if (request.Adapter is not null && !FeedAdapters.IsKnown(request.Adapter))
        {
            return Invalid("Unknown adapter", $"'{request.Adapter}' is not a feed adapter; known: {string.Join(", ", FeedAdapters.Names)}.");
        }

        if (request.PollIntervalSeconds is < MinIntervalSeconds or > MaxIntervalSeconds)
        {
            return Invalid("Invalid interval", $"'pollIntervalSeconds' must be from {MinIntervalSeconds} to {MaxIntervalSeconds} (a day); got {request.PollIntervalSeconds}.");
        }

        return null;
    }

    private static async Task<SourceRow?> FindAsync(SourceStore sources, string id, CancellationToken cancellationToken) =>
        (await sources.ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == id);

    internal static IResult Invalid(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static IResult UnknownSource(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source", detail: $"There is no source with id '{id}'.");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    internal static partial Regex IdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} changed through the admin API: {Url} ({Adapter}, every {PollIntervalSeconds} s)")]
    private static partial void LogUpdated(ILogger logger, string sourceId, string url, string adapter, int pollIntervalSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} added through the admin API: {Url} ({Adapter})")]
    private static partial void LogAdded(ILogger logger, string sourceId, string url, string adapter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} removed through the admin API")]
    private static partial void LogRemoved(ILogger logger, string sourceId);
}
