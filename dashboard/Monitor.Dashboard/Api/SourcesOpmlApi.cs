using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Monitor.Core.Feeds;
using Monitor.Dashboard.Auth;
using Monitor.Data.Sources;
using Monitor.Hosting.Net;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/admin/opml</c>: the sources as OPML 2.0 (GET, the subscription list every feed reader imports), and an
/// import of such a file (POST) that checks every feed URL's host against the network guard before it saves it and
/// reports, outline by outline, what it added, skipped (a duplicate) or refused and why. Admins only.
/// </summary>
public static partial class SourcesOpmlApi
{
    public const string Path = "/api/admin/opml";

    /// <summary>The largest import accepted (the request body, raw OPML or JSON).</summary>
    public const int MaxImportBytes = 1024 * 1024;

    public const int DefaultIntervalSeconds = 300;

    public sealed record ImportRequest(string? Opml);

    /// <param name="Result"><c>added</c>, <c>skipped</c> or <c>refused</c>.</param>
    public sealed record ImportLine(int Line, string? Url, string? Name, string Result, string? SourceId, string? Reason);

    public sealed record ImportReport(int Added, int Skipped, int Refused, IReadOnlyList<ImportLine> Lines);

    public static WebApplication MapSourcesOpml(this WebApplication app)
    {
        var admin = app.MapGroup(Path).RequireAuthorization(MonitorPolicies.Admin);
        admin.MapGet("/", Export);
        admin.MapPost("/", Import);
        return app;
    }

    private static async Task<IResult> Export(SourceStore sources, TimeProvider time, CancellationToken cancellationToken)
    {
        var rows = await sources.ListAsync(cancellationToken);
        var opml = Opml.Write(rows.Select(s => new OpmlSource(s.Id, s.Name, s.Url, s.Adapter, s.PollIntervalSeconds, s.Enabled)), time.GetUtcNow());
        return TypedResults.File(Encoding.UTF8.GetBytes(opml), "text/x-opml; charset=utf-8", "monitor-sources.opml");
    }

    private static async Task<IResult> Import(HttpRequest request, SourceStore sources, SourceAdminStore store, NetworkGuard guard, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxImportBytes)
        {
            return TooBig(request.ContentLength.Value);
        }

        var body = await ReadCappedAsync(request.Body, cancellationToken);
        if (body is null)
        {
            return TooBig(null);
        }

        string text;
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                text = JsonSerializer.Deserialize<ImportRequest>(body, JsonSerializerOptions.Web)?.Opml ?? "";
            }
            catch (JsonException ex)
            {
                return SourcesAdminApi.Invalid("Invalid JSON", $"Send the OPML file as the body, or JSON {{\"opml\": \"<opml …>\"}}: {ex.Message}");
            }
        }
        else
        {
            text = Encoding.UTF8.GetString(body);
        }

        IReadOnlyList<OpmlOutline> outlines;
        try
        {
            outlines = Opml.Read(text);
        }
        catch (OpmlFormatException ex)
        {
            return SourcesAdminApi.Invalid("Not OPML", ex.Message);
        }

        var existing = await sources.ListAsync(cancellationToken);
        var ids = existing.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var urls = existing.ToDictionary(s => Normalize(s.Url), s => s.Id, StringComparer.Ordinal);
        var lines = new List<ImportLine>();
        var now = time.GetUtcNow();
        foreach (var outline in outlines)
        {
            lines.Add(await ImportOneAsync(outline, store, guard, ids, urls, now, cancellationToken));
        }

        var report = new ImportReport(lines.Count(l => l.Result == "added"), lines.Count(l => l.Result == "skipped"), lines.Count(l => l.Result == "refused"), lines);
        LogImported(loggers.CreateLogger(typeof(SourcesOpmlApi)), report.Added, report.Skipped, report.Refused);
        return TypedResults.Ok(report);
    }

    private static async Task<ImportLine> ImportOneAsync(OpmlOutline outline, SourceAdminStore store, NetworkGuard guard, HashSet<string> ids,
        Dictionary<string, string> urls, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ImportLine Line(string result, string? id, string? reason) => new(outline.Line, outline.XmlUrl, outline.Text, result, id, reason);

        if (outline.XmlUrl is null)
        {
            return Line("refused", null, "the outline has no xmlUrl (the feed's address)");
        }

        if (!Uri.TryCreate(outline.XmlUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Line("refused", null, "xmlUrl is not an absolute http or https URL");
        }

        if (urls.TryGetValue(Normalize(url.AbsoluteUri), out var duplicate))
        {
            return Line("skipped", duplicate, $"duplicate: source '{duplicate}' has this URL");
        }

        if (outline.Adapter is { } named && !FeedAdapters.IsKnown(named))
        {
            return Line("refused", null, $"monitor:adapter '{named}' is not a feed adapter; known: {string.Join(", ", FeedAdapters.Names)}");
        }

        if (outline.PollIntervalSeconds is < SourcesAdminApi.MinIntervalSeconds or > SourcesAdminApi.MaxIntervalSeconds)
        {
            return Line("refused", null, $"monitor:interval must be from {SourcesAdminApi.MinIntervalSeconds} to {SourcesAdminApi.MaxIntervalSeconds} seconds");
        }

        // The guard that every poll connects through, asked before anything is saved: no connection is opened here.
        string? refusal;
        try
        {
            refusal = await guard.CheckHostAsync(url.Host, cancellationToken);
        }
        catch (SocketException ex)
        {
            refusal = $"{url.Host} could not be resolved: {ex.Message}";
        }

        if (refusal is not null)
        {
            return Line("refused", null, refusal);
        }

        var id = outline.Id is { } given && SourcesAdminApi.IdPattern().IsMatch(given) ? given : SourceProbe.SuggestId(outline.Text, url, ids);
        if (ids.Contains(id))
        {
            return Line("skipped", id, $"duplicate: a source with id '{id}' exists already");
        }

        var adapter = (outline.Adapter ?? DefaultAdapter(url)).ToLowerInvariant();
        var name = string.IsNullOrWhiteSpace(outline.Text) ? id : outline.Text.Length > 200 ? outline.Text[..200] : outline.Text;
        var source = new SourceDefinition(id, name, url.AbsoluteUri, adapter, outline.PollIntervalSeconds ?? DefaultIntervalSeconds);
        if (!await store.AddAsync(source, now, cancellationToken))
        {
            return Line("skipped", id, $"duplicate: a source with id '{id}' exists already");
        }

        if (outline.Enabled == false)
        {
            await store.SetEnabledAsync(id, false, now, cancellationToken);
        }

        ids.Add(id);
        urls[Normalize(url.AbsoluteUri)] = id;
        return Line("added", id, outline.Enabled == false ? $"added paused, as adapter '{adapter}'" : $"added as adapter '{adapter}'");
    }

    /// <summary>A feed reader's outline names no adapter: the institution's own for its hosts, else the generic RSS/Atom one.</summary>
    private static string DefaultAdapter(Uri url) =>
        FeedDiscovery.AdapterOrder(url)[0] is var first && first == FeedAdapters.NatoJson ? FeedAdapters.Rss : FeedDiscovery.AdapterOrder(url)[0];

    private static string Normalize(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? uri.AbsoluteUri : url.Trim();

    private static async Task<byte[]?> ReadCappedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxImportBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult TooBig(long? announced) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too big",
            detail: $"The import is larger than {MaxImportBytes:N0} bytes{(announced is { } n ? $" ({n:N0})" : "")}; split the OPML file (at most {Opml.MaxOutlines} feeds a file).");

    [LoggerMessage(Level = LogLevel.Information, Message = "OPML import through the admin API: {Added} added, {Skipped} skipped, {Refused} refused")]
    private static partial void LogImported(ILogger logger, int added, int skipped, int refused);
}
