using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data.Triage;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/marks</c>: the signed-in user's triage of statements (docs/dashboard.md, "Triage"): read, starred, labels and a
/// note, and "mark read up to here" over the history's filters. Every call reads and writes the caller's own marks only;
/// an unknown statement is a 404, bad input a 400 saying what is wrong.
/// </summary>
public static class TriageApi
{
    public const string Path = "/api/marks";

    public sealed record LabelsRequest(IReadOnlyList<string?>? Labels);

    public sealed record NoteRequest(string? Note);

    public static WebApplication MapTriageApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var marks = app.MapGroup(Path).RequireAuthorization(MonitorPolicies.SignedIn).WithTags("Triage");
        marks.MapGet("", Lookup).WithName("LookupMarks")
            .WithSummary($"The caller's marks on the given statements (ids=1,2,3; at most {StatementMarkStore.MaxLookup}); statements without any are left out")
            .Produces<IReadOnlyList<StatementMark>>().ProducesProblem(StatusCodes.Status400BadRequest);
        marks.MapGet("/labels", async (HttpContext http, StatementMarkStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.LabelsAsync(http.User.UserId(), ct))).WithName("ListLabels")
            .WithSummary("The caller's labels, each with how many statements carry it");
        marks.MapPost("/read-up-to", ReadUpTo).WithName("MarkReadUpTo")
            .WithSummary($"Marks read every statement matching the history filters (the query string of /api/statements) dated at or before a statement (statement=id) or a time (at=ISO 8601), at most {StatementMarkStore.MarkReadCap} per call; 'more' says to call again")
            .Produces<MarkReadResult>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        marks.MapGet("/{id:long}", Get).WithName("GetMark").Produces<StatementMark>().ProducesProblem(StatusCodes.Status404NotFound);
        marks.MapPut("/{id:long}/read", (long id, HttpContext http, StatementMarkStore store, TimeProvider time, CancellationToken ct) =>
            Write(id, http, store, ct, () => store.SetReadAsync(http.User.UserId(), id, true, time.GetUtcNow(), ct))).WithName("MarkRead");
        marks.MapDelete("/{id:long}/read", (long id, HttpContext http, StatementMarkStore store, TimeProvider time, CancellationToken ct) =>
            Write(id, http, store, ct, () => store.SetReadAsync(http.User.UserId(), id, false, time.GetUtcNow(), ct))).WithName("MarkUnread");
        marks.MapPut("/{id:long}/star", (long id, HttpContext http, StatementMarkStore store, TimeProvider time, CancellationToken ct) =>
            Write(id, http, store, ct, () => store.SetStarredAsync(http.User.UserId(), id, true, time.GetUtcNow(), ct))).WithName("Star");
        marks.MapDelete("/{id:long}/star", (long id, HttpContext http, StatementMarkStore store, TimeProvider time, CancellationToken ct) =>
            Write(id, http, store, ct, () => store.SetStarredAsync(http.User.UserId(), id, false, time.GetUtcNow(), ct))).WithName("Unstar");
        marks.MapPut("/{id:long}/labels", SetLabels).WithName("SetLabels").Accepts<LabelsRequest>("application/json")
            .WithSummary($"Replaces the caller's labels on the statement: at most {TriageRules.MaxLabels}, each 1 to {TriageRules.MaxLabelLength} characters (letters, digits, '-', '_', '.', spaces), stored lower case")
            .Produces<StatementMark>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        marks.MapPut("/{id:long}/note", SetNote).WithName("SetNote").Accepts<NoteRequest>("application/json")
            .WithSummary($"Sets the caller's note on the statement (at most {TriageRules.MaxNoteLength} characters; empty or null removes it)")
            .Produces<StatementMark>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Lookup(string? ids, HttpContext http, StatementMarkStore store, CancellationToken cancellationToken)
    {
        var parsed = new List<long>();
        foreach (var part in (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return Invalid("Invalid ids", $"'ids' must be comma-separated statement ids (positive whole numbers); got '{Shorten(part)}'.");
            }

            parsed.Add(id);
        }

        if (parsed.Count == 0)
        {
            return Invalid("Invalid ids", "'ids' is required: comma-separated statement ids, such as ids=12,13.");
        }

        var distinct = parsed.Distinct().ToList();
        if (distinct.Count > StatementMarkStore.MaxLookup)
        {
            return Invalid("Invalid ids", $"At most {StatementMarkStore.MaxLookup} statement ids per call; got {distinct.Count}.");
        }

        return TypedResults.Ok(await store.GetManyAsync(http.User.UserId(), distinct, cancellationToken));
    }

    private static async Task<IResult> Get(long id, HttpContext http, StatementMarkStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(http.User.UserId(), id, cancellationToken) is { } mark ? TypedResults.Ok(mark) : NotFound(id);

    private static async Task<IResult> Write(long id, HttpContext http, StatementMarkStore store, CancellationToken cancellationToken, Func<Task<bool>> write) =>
        await write() && await store.GetAsync(http.User.UserId(), id, cancellationToken) is { } mark ? TypedResults.Ok(mark) : NotFound(id);

    private static async Task<IResult> SetLabels(long id, HttpContext http, StatementMarkStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadBodyAsync<LabelsRequest>(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Labels is null)
        {
            return Invalid("Invalid labels", "The body must be {\"labels\": [\"…\"]} (an empty list removes every label).");
        }

        var labels = TriageRules.NormalizeLabels(body.Labels, out var error);
        return labels is null
            ? Invalid("Invalid labels", error!)
            : await Write(id, http, store, cancellationToken, () => store.SetLabelsAsync(http.User.UserId(), id, labels, time.GetUtcNow(), cancellationToken));
    }

    private static async Task<IResult> SetNote(long id, HttpContext http, StatementMarkStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadBodyAsync<NoteRequest>(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var note = body!.Note?.Trim();
        return note is not null && note.Length > TriageRules.MaxNoteLength
            ? Invalid("Invalid note", $"A note has at most {TriageRules.MaxNoteLength} characters; got {note.Length}.")
            : await Write(id, http, store, cancellationToken, () => store.SetNoteAsync(http.User.UserId(), id, note, time.GetUtcNow(), cancellationToken));
    }

    private static async Task<IResult> ReadUpTo(
        [AsParameters] HistoryRequest request, string? statement, string? at, HttpContext http, StatementMarkStore marks,
        TopicFile topics, TimeProvider time, CancellationToken cancellationToken)
    {
        var (filter, error) = request.ToFilter(topics);
        if (filter is null)
        {
            return Invalid("Invalid filter", error!);
        }

        if ((statement is null) == (at is null))
        {
            return Invalid("Invalid point", "Give exactly one of 'statement' (a statement id: it and everything listed after it) or 'at' (an ISO 8601 date-time: everything dated at or before it).");
        }

        DateTimeOffset upTo;
        long? upToId = null;
        if (statement is not null)
        {
            if (!long.TryParse(statement, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return Invalid("Invalid statement", $"'statement' must be a statement id (a positive whole number); got '{Shorten(statement)}'.");
            }

            if (await marks.SortAtAsync(id, cancellationToken) is not { } date)
            {
                return NotFound(id);
            }

            upTo = date;
            upToId = id;
        }
        else if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out upTo))
        {
            return Invalid("Invalid at", $"'at' must be an ISO 8601 date-time such as 2026-02-24T06:00:00Z; got '{Shorten(at)}'.");
        }

        return TypedResults.Ok(await marks.MarkReadUpToAsync(http.User.UserId(), filter, upTo, upToId, time.GetUtcNow(), cancellationToken));
    }

    private static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpContext http, CancellationToken cancellationToken) where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON expected", detail: "Send the body as application/json."));
        }

        try
        {
            var body = await http.Request.ReadFromJsonAsync<T>(cancellationToken);
            return body is null ? (null, Invalid("Invalid body", "The body is empty; send a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Invalid("Invalid body", $"The body is not the expected JSON: {ex.Message}"));
        }
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length > 40 ? value[..40] + "…" : value;

    private static ProblemHttpResult Invalid(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such statement", detail: $"There is no statement {id}.");
}
