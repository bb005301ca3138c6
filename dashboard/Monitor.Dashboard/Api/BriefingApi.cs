using Microsoft.AspNetCore.Http.HttpResults;
using Monitor.Core.Briefing;
using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data.Briefing;

namespace Monitor.Dashboard.Api;

/// <summary>
/// The living briefing (docs/briefing.md): the EPRS briefing's sections with what was said since, and the baseline
/// figures then and now, for a period; as JSON, Markdown and PDF. A bad period is a 400 ProblemDetails.
/// </summary>
public static class BriefingApi
{
    public static WebApplication MapBriefingApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("Briefing").RequireAuthorization(MonitorPolicies.Read);
        api.MapGet("/briefing", Json).WithName("GetBriefing")
            .WithSummary("The living briefing for a period (period=baseline|7d|30d, or from/to): sections in the briefing's order, each topic's passage, statements since, first and latest, weekly volume, who spoke first; then the baseline figures with their history and conflicts")
            .Produces<BriefingReport>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/briefing.md", Markdown).WithName("GetBriefingMarkdown")
            .WithSummary("The living briefing as Markdown, every cited statement a footnote with its link (same period parameters)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/briefing.pdf", Pdf).WithName("GetBriefingPdf")
            .WithSummary("The living briefing as PDF, every cited statement a footnote with its link (same period parameters)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> Json(HttpRequest request, BriefingStore store, TopicFile topics, TimeProvider time, CancellationToken cancellationToken)
    {
        var (report, problem) = await BuildAsync(request, store, topics, time, cancellationToken);
        return report is null ? problem! : TypedResults.Ok(report);
    }

    private static async Task<IResult> Markdown(HttpRequest request, BriefingStore store, TopicFile topics, TimeProvider time, CancellationToken cancellationToken)
    {
        var (report, problem) = await BuildAsync(request, store, topics, time, cancellationToken);
        if (report is null)
        {
            return problem!;
        }

        var link = StatementLink(request);
        return TypedResults.Text(BriefingMarkdown.Render(report, link), "text/markdown; charset=utf-8");
    }

    private static async Task<IResult> Pdf(HttpRequest request, BriefingStore store, TopicFile topics, TimeProvider time, CancellationToken cancellationToken)
    {
        var (report, problem) = await BuildAsync(request, store, topics, time, cancellationToken);
        if (report is null)
        {
            return problem!;
        }

        try
        {
            return TypedResults.File(BriefingPdf.Render(report, StatementLink(request)), "application/pdf", "briefing.pdf");
        }
        catch (Exception ex) when (ex is BriefingPdf.FontMissingException || ex.InnerException is BriefingPdf.FontMissingException)
        {
            // The Markdown export needs no font: say so, and how to mend the server.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "PDF export unavailable on this server",
                detail: (ex as BriefingPdf.FontMissingException ?? ex.InnerException)!.Message + " The Markdown export (/api/briefing.md) works without it.");
        }
    }

    /// <summary>A statement page's absolute address on this dashboard, so an export's footnotes work outside it.</summary>
    private static Func<long, string> StatementLink(HttpRequest request)
    {
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}";
        return id => $"{root}/statement.html?id={id}";
    }

    private static async Task<(BriefingReport? Report, ProblemHttpResult? Problem)> BuildAsync(
        HttpRequest request, BriefingStore store, TopicFile topics, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var (period, error) = BriefingPeriod.Parse(query["period"], query["from"], query["to"], time.GetUtcNow());
        if (period is null)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid period", detail: error));
        }

        return (await store.BuildAsync(BriefingDocument.LoadDefault(), topics, period.From, period.To, period.SinceBaseline, cancellationToken), null);
    }
}
