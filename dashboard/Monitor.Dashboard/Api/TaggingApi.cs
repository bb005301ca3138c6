using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data;
using Monitor.Data.Tagging;

namespace Monitor.Dashboard.Api;

/// <summary><c>GET /api/tagging</c>: the topic file in use and how far re-tagging of stored statements has got.</summary>
public static class TaggingApi
{
    public static WebApplication MapTaggingApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/tagging", GetTagging).RequireAuthorization(MonitorPolicies.Read);
        return app;
    }

    private static async Task<TaggingView> GetTagging(TopicFile topics, Database database, CancellationToken cancellationToken)
    {
        var run = await new RetagStore(database).GetLatestAsync(cancellationToken);
        return new TaggingView(
            topics.Version,
            topics.Topics.Count,
            topics.Figures.Count,
            run is null ? null : new RetagView(run.BaselineVersion, run.Total, run.Done, run.StartedAt, run.FinishedAt,
                run.FinishedAt is not null ? "finished" : run.BaselineVersion == topics.Version ? "running" : "superseded"));
    }

    /// <param name="BaselineVersion">Content hash of the topic file the dashboard (and the Tagging workers) use.</param>
    /// <param name="Retag">The latest re-tagging run, or null before the Tagging worker first ran.</param>
    public sealed record TaggingView(string BaselineVersion, int Topics, int Figures, RetagView? Retag);

    /// <param name="State"><c>running</c>, <c>finished</c>, or <c>superseded</c> (a run for another topic file).</param>
    public sealed record RetagView(string BaselineVersion, int Total, int Done, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string State);
}
