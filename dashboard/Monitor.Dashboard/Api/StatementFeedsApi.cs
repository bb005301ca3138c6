using System.Globalization;
using System.Security.Cryptography;
using System.ServiceModel.Syndication;
using System.Text;
using Monitor.Contracts;
using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data.History;
using Monitor.Data.SavedSearches;
using Monitor.Data.Sources;

namespace Monitor.Dashboard.Api;

/// <summary>
/// Statements as Atom 1.0, newest first, at most <see cref="FeedSize"/>: per topic (<c>/feeds/topics/{id}</c>) and per
/// source (<c>/feeds/sources/{id}</c>) under the read rule of the rest of the dashboard (anyone when
/// <c>Auth:AnonymousRead</c> is on, otherwise a signed-in user or an API token), and per saved search
/// (<c>/feeds/saved/{token}</c>) with no sign-in: the secret token in the URL is the credential, as for the alert feeds.
/// Each answer carries an ETag (of its body) and Last-Modified (its newest statement); a matching If-None-Match is 304.
/// </summary>
public static class StatementFeedsApi
{
    public const int FeedSize = 50;
    public const string SavedPath = "/feeds/saved";
    public const string TopicPath = "/feeds/topics";
    public const string SourcePath = "/feeds/sources";
    private const int MaxTokenLength = 128;

    public static WebApplication MapStatementFeedsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet($"{SavedPath}/{{token}}", SavedFeed).AllowAnonymous().WithTags("Saved searches")
            .WithSummary($"A saved search's newest {FeedSize} statements as Atom; the secret token in the URL is the credential")
            .Produces(StatusCodes.Status200OK, contentType: "application/atom+xml").ProducesProblem(StatusCodes.Status404NotFound);
        var read = app.MapGroup("/feeds").RequireAuthorization(MonitorPolicies.Read).WithTags("Feeds");
        read.MapGet("/topics/{id}", TopicFeed).WithSummary($"A topic's newest {FeedSize} statements as Atom")
            .Produces(StatusCodes.Status200OK, contentType: "application/atom+xml").ProducesProblem(StatusCodes.Status404NotFound);
        read.MapGet("/sources/{id}", SourceFeed).WithSummary($"A source's newest {FeedSize} statements as Atom")
            .Produces(StatusCodes.Status200OK, contentType: "application/atom+xml").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> SavedFeed(
        string token, HttpContext http, SavedSearchStore searches, HistoryStore history, TopicFile topics, SourceStore sources, CancellationToken cancellationToken)
    {
        // The URL is a secret: keep it out of shared caches and out of the Referer of the links in the feed.
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (token.Length > MaxTokenLength
            || await searches.FindByFeedTokenHashAsync(SubscriptionsApi.HashFeedToken(token), cancellationToken) is not { } saved)
        {
            return NotFound("Unknown feed", "There is no saved-search feed at this address; its token may have been rotated.");
        }

        var (query, _) = SavedSearchQuery.Parse(saved.Query, topics, saved.UserId);
        if (query is null)
        {
            // Stored when valid; a topic since removed from the topic file makes it invalid.
            return NotFound("Feed unavailable", $"The saved search '{saved.Name}' no longer is a valid query; open it on the history page and save it again.");
        }

        var site = Site(http);
        return await AnswerAsync(http, history, sources, query.Filter, new FeedHead(
            $"urn:monitor:saved-search:{saved.Id.ToString(CultureInfo.InvariantCulture)}", saved.Name,
            $"Statements of the Monitor saved search '{saved.Name}', newest first.", site + query.HistoryPageUrl(), saved.UpdatedAt), cancellationToken);
    }

    private static async Task<IResult> TopicFeed(
        string id, HttpContext http, HistoryStore history, TopicFile topics, SourceStore sources, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "private, max-age=60";
        if (topics.Topics.FirstOrDefault(t => t.Id == id) is not { } topic)
        {
            return NotFound("Unknown topic", $"There is no topic '{id}'; /api/topics lists the {topics.Topics.Count} topic ids.");
        }

        var site = Site(http);
        return await AnswerAsync(http, history, sources, new HistoryFilter { Topics = [topic.Id] }, new FeedHead(
            $"urn:monitor:topic:{topic.Id}", $"{topic.Title} · Monitor", $"Statements tagged '{topic.Title}', newest first.",
            $"{site}/topic.html?id={Uri.EscapeDataString(topic.Id)}", DateTimeOffset.UnixEpoch), cancellationToken);
    }

    private static async Task<IResult> SourceFeed(
        string id, HttpContext http, HistoryStore history, SourceStore sources, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "private, max-age=60";
        if ((await sources.ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == id) is not { } source)
        {
            return NotFound("Unknown source", $"There is no source '{id}'; /api/sources lists them.");
        }

        var site = Site(http);
        return await AnswerAsync(http, history, sources, new HistoryFilter { Sources = [source.Id] }, new FeedHead(
            $"urn:monitor:source:{source.Id}", $"{(string.IsNullOrWhiteSpace(source.Name) ? source.Id : source.Name)} · Monitor",
            $"Statements of the source '{source.Id}', newest first.", $"{site}/sources.html#source-{Uri.EscapeDataString(source.Id)}", DateTimeOffset.UnixEpoch),
            cancellationToken);
    }

    /// <summary>What a statement feed says of itself; <see cref="Empty"/> is its time while it has no entry.</summary>
    private sealed record FeedHead(string Id, string Title, string Description, string PageUrl, DateTimeOffset Empty);

    private static async Task<IResult> AnswerAsync(
        HttpContext http, HistoryStore history, SourceStore sources, HistoryFilter filter, FeedHead head, CancellationToken cancellationToken)
    {
        var page = await history.SearchAsync(filter, HistorySort.Date, FeedSize, null, cancellationToken);
        var names = (await sources.ListAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        var body = Render(page.Items, head, Site(http), names);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..32]}\"";
        http.Response.Headers.ETag = etag;
        var updated = Updated(page.Items, head.Empty);
        http.Response.Headers.LastModified = updated.ToString("R", CultureInfo.InvariantCulture);
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Any(t => t == etag || t == "*")))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Text(body, AtomWriter.ContentType, Encoding.UTF8);
    }

    private static DateTimeOffset Updated(IReadOnlyList<StatementStored> statements, DateTimeOffset empty) =>
        statements.Count == 0 ? empty : statements.Max(s => s.StoredAt);

    /// <summary>The Atom document: one entry per statement (its latest revision), in the order given.</summary>
    private static string Render(IReadOnlyList<StatementStored> statements, FeedHead head, string site, IReadOnlyDictionary<string, string> sourceNames)
    {
        var feed = new SyndicationFeed
        {
            Id = head.Id,
            Title = new TextSyndicationContent(head.Title),
            Description = new TextSyndicationContent(head.Description),
            Generator = "Monitor",
            LastUpdatedTime = Updated(statements, head.Empty),
            Items = statements.Select(s => Entry(s, site, sourceNames)).ToList(),
        };
        feed.Links.Add(new SyndicationLink(new Uri(head.PageUrl, UriKind.Absolute), "alternate", "Monitor", "text/html", 0));
        return AtomWriter.Write(feed);
    }

    private static SyndicationItem Entry(StatementStored statement, string site, IReadOnlyDictionary<string, string> sourceNames)
    {
        var id = statement.StatementId.ToString(CultureInfo.InvariantCulture);
        var item = new SyndicationItem
        {
            Id = $"urn:monitor:statement:{id}",
            Title = new TextSyndicationContent(string.IsNullOrWhiteSpace(statement.Title) ? $"Statement {id}" : statement.Title),
            LastUpdatedTime = statement.StoredAt,
            PublishDate = statement.PublishedAt ?? statement.DiscoveredAt,
        };
        if (!string.IsNullOrWhiteSpace(statement.Summary))
        {
            item.Summary = new TextSyndicationContent(statement.Summary);
        }

        item.Authors.Add(new SyndicationPerson { Name = sourceNames.TryGetValue(statement.SourceId, out var name) && !string.IsNullOrWhiteSpace(name) ? name : statement.SourceId });
        if (Uri.TryCreate(statement.Url, UriKind.Absolute, out var original) && original.Scheme is "http" or "https")
        {
            item.Links.Add(new SyndicationLink(original, "alternate", "The original", "text/html", 0));
        }

        item.Links.Add(new SyndicationLink(new Uri($"{site}/statement.html?id={id}", UriKind.Absolute), "related", "In Monitor", "text/html", 0));
        foreach (var topic in statement.Topics)
        {
            item.Categories.Add(new SyndicationCategory(topic.TopicId));
        }

        return item;
    }

    private static string Site(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private static IResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}
