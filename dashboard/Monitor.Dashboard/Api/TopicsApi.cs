using Monitor.Core.Tagging;
using Monitor.Data.History;
using Monitor.Dashboard.Auth;

namespace Monitor.Dashboard.Api;

/// <summary>
/// The topics view: every topic's recent counts with a 30-day daily series, and one topic with its briefing
/// passages and baseline figures. <c>GET /api/topics</c> lists their ids and titles.
/// </summary>
public static class TopicsApi
{
    /// <summary>
    /// The baseline figures each topic watches. The topic file does not link figures to topics, so this follows
    /// TOPICS.md: a figure belongs to the topic whose briefing passage states it (its anchor line is one of the
    /// topic's anchor lines), and to the topic whose scope names its quantity: US troops in Europe (line 76) are
    /// deterrence-eastern-flank's "Allied and US deployments"; the number of Allies changes only by enlargement.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> FiguresByTopic = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["collective-defence"] = ["allies-count"],
        ["open-door-enlargement"] = ["allies-count"],
        ["deterrence-eastern-flank"] =
        [
            "troops-under-nato-command-east", "allied-jets-region", "allied-ships-region", "us-troops-europe",
            "additional-us-troops", "battlegroups-count",
        ],
        ["nato-ukraine-partnership"] = ["eop-count"],
    };

    public static WebApplication MapTopicsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/topics").WithTags("Topics").RequireAuthorization(MonitorPolicies.Read);
        api.MapGet("", (TopicFile topics) => topics.Topics.Select(t => new TopicView(t.Id, t.Title)));
        api.MapGet("/summary", Summary).WithName("TopicSummary")
            .WithSummary("Every topic with its statements of the last 24 hours, 7 days and 30 days (rolling) and per UTC day over the last 30 days, today last")
            .WithDescription("Counts are statements whose current revision carries the topic, by the statement's date (published, else first seen), like the topic charts.")
            .Produces<IReadOnlyList<TopicSummaryView>>();
        api.MapGet("/{id}", GetTopic).WithName("GetTopic")
            .WithSummary("One topic: title, scope, minimum score, its passages of the EPRS briefing (with line numbers) and the baseline figures it watches")
            .Produces<TopicDetailView>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IEnumerable<TopicSummaryView>> Summary(
        TopicFile topics, HistoryAggregates aggregates, TimeProvider time, CancellationToken cancellationToken)
    {
        var activity = (await aggregates.SummarizeTopicsAsync(topics.Topics.Select(t => t.Id).ToList(), time.GetUtcNow(), cancellationToken))
            .ToDictionary(a => a.TopicId, StringComparer.Ordinal);
        return topics.Topics.Select(t =>
        {
            var a = activity[t.Id];
            return new TopicSummaryView(t.Id, t.Title, a.Last24h, a.Last7d, a.Last30d, a.Daily);
        });
    }

    private static IResult GetTopic(string id, TopicFile topics)
    {
        var topic = topics.Topics.FirstOrDefault(t => t.Id == id);
        if (topic is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "No such topic",
                detail: $"There is no topic '{id}'; /api/topics lists the {topics.Topics.Count} topic ids.");
        }

        var figureIds = FiguresByTopic.GetValueOrDefault(topic.Id) ?? [];
        var figures = topics.Figures.Where(f => figureIds.Contains(f.Id, StringComparer.Ordinal))
            .Select(f => new FigureView(f.Id, f.Quantity, f.Value, f.Units.Count > 0 ? f.Units[0] : ""))
            .ToList();
        return TypedResults.Ok(new TopicDetailView(
            topic.Id, topic.Title, topic.Scope, topic.MinScore,
            topic.Anchors.Select(a => new AnchorView(a.Line, a.Text)).ToList(),
            figures));
    }

    public sealed record TopicView(string Id, string Title);

    /// <param name="Daily">The last 30 UTC days, oldest first, today last; days without statements are 0.</param>
    public sealed record TopicSummaryView(string Id, string Title, long Last24h, long Last7d, long Last30d, IReadOnlyList<DayCount> Daily);

    public sealed record TopicDetailView(
        string Id, string Title, string Scope, double MinScore, IReadOnlyList<AnchorView> Anchors, IReadOnlyList<FigureView> Figures);

    /// <summary>A passage of the briefing (shared/baseline/briefing.txt) and its 1-based line number.</summary>
    public sealed record AnchorView(int Line, string Text);

    /// <summary>A baseline figure: what it counts (<paramref name="Label"/>), the briefing's value and the unit it is stated in.</summary>
    public sealed record FigureView(string Id, string Label, decimal Baseline, string Unit);
}
