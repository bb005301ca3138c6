using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Monitor.Contracts;
using Monitor.Core.Tagging;
using Monitor.Data.History;
using Monitor.Dashboard.Auth;

namespace Monitor.Dashboard.Api;

/// <summary>
/// The statement history: filtered, keyset-paged lists, one statement in full, charts and exports
/// (docs/history.md). Bad input is a 400 ProblemDetails saying what is wrong.
/// </summary>
public static class HistoryApi
{
    public const int MaxLimit = 500;
    public const string NextCursorHeader = "X-Next-Cursor";
    public const string TotalHeader = "X-Total-Count";
    public const string RankedAmongHeader = "X-Ranked-Among";

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    public static WebApplication MapHistoryApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/statements").WithTags("History").RequireAuthorization(MonitorPolicies.Read);
        api.MapGet("", ListStatements).WithName("ListStatements")
            .WithSummary("Statements matching the filters, newest first or best match first, one keyset page at a time")
            .WithDescription($"The body is the page. '{NextCursorHeader}' carries the cursor of the next page (absent on the last); with count=true, '{TotalHeader}' the total, exact up to {HistoryStore.TotalCap} and '{HistoryStore.TotalCap}+' beyond; with sort=relevance on PostgreSQL and more matches than it ranks, '{RankedAmongHeader}' says how many of the newest matches were ranked.")
            .Produces<IReadOnlyList<StatementStored>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id:long}", GetStatement).WithName("GetStatement")
            .WithSummary("One statement in full: text, tags with evidence, revisions with their changes, related statements of other sources")
            .Produces<StatementDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/export", Export).WithName("ExportStatements")
            .WithSummary("Every matching statement as CSV (format=csv) or NDJSON (format=ndjson), newest first, streamed")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/charts/topics", ChartTopics).WithName("ChartTopics")
            .WithSummary("Per topic and day or week (interval=day|week, weeks start on Monday, UTC), how many matching statements carry it")
            .Produces<IReadOnlyList<TopicCount>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/charts/institutions", ChartInstitutions).WithName("ChartInstitutions")
            .WithSummary("Per topic, institution (NATO, EP, Other: from the source id's prefix) and day or week (interval=day|week, weeks start on Monday, UTC), how many matching statements carry it")
            .Produces<IReadOnlyList<InstitutionCount>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/first-mentions", FirstMentions).WithName("FirstMentions")
            .WithSummary("For each topic and source, the first matching statement tagged with it")
            .Produces<IReadOnlyList<FirstMention>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/top-terms", TopTerms).WithName("TopTerms")
            .WithSummary($"The words most matching statements use in title and summary (over the newest {HistoryAggregates.TopTermsSample})")
            .Produces<IReadOnlyList<TermCount>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/entities", TopEntities).WithName("TopEntities")
            .WithSummary($"The entities (countries, organisations, people) most matching statements name, with how many name each (over the newest {HistoryStore.EntityFacetSample}); take 1-50, default 10")
            .Produces<IReadOnlyList<EntityCount>>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> ListStatements(
        [AsParameters] HistoryRequest request, HttpResponse response, HistoryStore store, TopicFile topics,
        string? limit, string? cursor, string? sort, string? count, CancellationToken cancellationToken)
    {
        var (filter, error) = request.ToFilter(topics);
        if (filter is null)
        {
            return BadRequest("Invalid filter", error!);
        }

        var take = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxLimit))
        {
            return BadRequest("Invalid limit", $"'limit' must be a whole number from 1 to {MaxLimit}; got '{limit}'.");
        }

        HistorySort order;
        switch (sort?.ToLowerInvariant())
        {
            case null or "" or "date":
                order = HistorySort.Date;
                break;
            case "relevance" when filter.Text is not null:
                order = HistorySort.Relevance;
                break;
            case "relevance":
                return BadRequest("Invalid sort", "'sort=relevance' needs a text query in 'q'.");
            default:
                return BadRequest("Invalid sort", $"'sort' must be 'date' or 'relevance'; got '{sort}'.");
        }

        HistoryCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            try
            {
                after = HistoryCursor.Decode(cursor, order);
            }
            catch (FormatException ex)
            {
                return BadRequest("Invalid cursor", ex.Message);
            }
        }

        var page = await store.SearchAsync(filter, order, take, after, cancellationToken);
        if (page.NextCursor is not null)
        {
            response.Headers[NextCursorHeader] = page.NextCursor;
        }

        if (page.RankedAmong is int rankedAmong)
        {
            response.Headers[RankedAmongHeader] = rankedAmong.ToString(CultureInfo.InvariantCulture);
        }

        if (string.Equals(count, "true", StringComparison.OrdinalIgnoreCase))
        {
            var total = await store.CountAsync(filter, cancellationToken);
            response.Headers[TotalHeader] = total.Count.ToString(CultureInfo.InvariantCulture) + (total.IsLowerBound ? "+" : "");
        }

        return TypedResults.Ok(page.Items);
    }

    private static async Task<IResult> GetStatement(long id, StatementDetailStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such statement", detail: $"There is no statement {id}.");

    private static Task<IResult> ChartTopics(
        [AsParameters] HistoryRequest request, HistoryAggregates aggregates, TopicFile topics, string? interval, CancellationToken cancellationToken) =>
        ChartAsync(request, topics, interval, (filter, bucket) => aggregates.CountTopicsAsync(filter, bucket, cancellationToken));

    private static Task<IResult> ChartInstitutions(
        [AsParameters] HistoryRequest request, HistoryAggregates aggregates, TopicFile topics, string? interval, CancellationToken cancellationToken) =>
        ChartAsync(request, topics, interval, (filter, bucket) => aggregates.CountInstitutionsAsync(filter, bucket, cancellationToken));

    /// <summary>A chart's filters and interval checked (a 400 saying which is wrong), then the counts.</summary>
    private static async Task<IResult> ChartAsync<T>(
        HistoryRequest request, TopicFile topics, string? interval, Func<HistoryFilter, ChartInterval, Task<T>> count)
    {
        var (filter, error) = request.ToFilter(topics);
        if (filter is null)
        {
            return BadRequest("Invalid filter", error!);
        }

        var bucket = ParseInterval(interval);
        return bucket is null
            ? BadRequest("Invalid interval", $"'interval' must be 'day' or 'week'; got '{interval}'.")
            : TypedResults.Ok(await count(filter, bucket.Value));
    }

    private static ChartInterval? ParseInterval(string? interval) => interval?.ToLowerInvariant() switch
    {
        null or "" or "day" => ChartInterval.Day,
        "week" => ChartInterval.Week,
        _ => null,
    };

    private static async Task<IResult> FirstMentions(
        [AsParameters] HistoryRequest request, HistoryAggregates aggregates, TopicFile topics, CancellationToken cancellationToken)
    {
        var (filter, error) = request.ToFilter(topics);
        return filter is null ? BadRequest("Invalid filter", error!) : TypedResults.Ok(await aggregates.FirstMentionsAsync(filter, cancellationToken));
    }

    private static async Task<IResult> TopTerms(
        [AsParameters] HistoryRequest request, HistoryAggregates aggregates, TopicFile topics, string? take, CancellationToken cancellationToken)
    {
        var (filter, error) = request.ToFilter(topics);
        if (filter is null)
        {
            return BadRequest("Invalid filter", error!);
        }

        var n = 25;
        if (take is not null && (!int.TryParse(take, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > 200))
        {
            return BadRequest("Invalid take", $"'take' must be a whole number from 1 to 200; got '{take}'.");
        }

        return TypedResults.Ok(await aggregates.TopTermsAsync(filter, n, cancellationToken));
    }

    private static async Task<IResult> TopEntities(
        [AsParameters] HistoryRequest request, HistoryStore store, TopicFile topics, string? take, CancellationToken cancellationToken)
    {
        var (filter, error) = request.ToFilter(topics);
        if (filter is null)
        {
            return BadRequest("Invalid filter", error!);
        }

        var n = 10;
        if (take is not null && (!int.TryParse(take, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > 50))
        {
            return BadRequest("Invalid take", $"'take' must be a whole number from 1 to 50; got '{take}'.");
        }

        return TypedResults.Ok(await store.TopEntitiesAsync(filter, n, cancellationToken));
    }

    private static async Task<IResult> Export(
        [AsParameters] HistoryRequest request, HttpContext context, HistoryStore store, TopicFile topics, IOptions<JsonOptions> json, string? format)
    {
        var (filter, error) = request.ToFilter(topics);
        if (filter is null)
        {
            return BadRequest("Invalid filter", error!);
        }

        var cancellationToken = context.RequestAborted;
        var statements = store.StreamAsync(filter, cancellationToken: cancellationToken);
        switch (format?.ToLowerInvariant())
        {
            case "csv":
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers.ContentDisposition = "attachment; filename=statements.csv";
                await WriteCsvAsync(context.Response.Body, statements, cancellationToken);
                return TypedResults.Empty;
            case "ndjson":
                context.Response.ContentType = "application/x-ndjson; charset=utf-8";
                context.Response.Headers.ContentDisposition = "attachment; filename=statements.ndjson";
                await WriteNdjsonAsync(context.Response.Body, statements, json.Value.SerializerOptions, cancellationToken);
                return TypedResults.Empty;
            default:
                return BadRequest("Invalid format", $"'format' must be 'csv' or 'ndjson'; got '{format}'.");
        }
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<StatementStored> statements, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, leaveOpen: true);
        await writer.WriteLineAsync(CsvExport.Header);
        var written = 0;
        await foreach (var s in statements.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(CsvExport.Row(s));
            if (++written % 200 == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
    }

    private static async Task WriteNdjsonAsync(Stream body, IAsyncEnumerable<StatementStored> statements, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        var written = 0;
        await foreach (var statement in statements.WithCancellation(cancellationToken))
        {
            await JsonSerializer.SerializeAsync(body, statement, options, cancellationToken);
            await body.WriteAsync(NewLine, cancellationToken);
            if (++written % 200 == 0)
            {
                await body.FlushAsync(cancellationToken);
            }
        }
    }

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
