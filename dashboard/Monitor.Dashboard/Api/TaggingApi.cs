using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data;
using Monitor.Data.Tagging;
using Monitor.Embeddings;

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

    private static async Task<TaggingView> GetTagging(TopicFile topics, TaggerIdentity tagger, Database database, CancellationToken cancellationToken)
    {
        var run = await new RetagStore(database).GetLatestAsync(cancellationToken);
        return new TaggingView(
            tagger.BaselineVersion,
            tagger.Mode,
            topics.Version,
            topics.Topics.Count,
            topics.Figures.Count,
            run is null ? null : new RetagView(run.BaselineVersion, run.Total, run.Done, run.StartedAt, run.FinishedAt,
                run.FinishedAt is not null ? "finished" : run.BaselineVersion == tagger.BaselineVersion ? "running" : "superseded"));
    }

    /// <param name="BaselineVersion">The version every tag records: the topic file's hash, combined with the trained model's and the mode.</param>
    /// <param name="Mode"><c>hybrid</c> (rules and sentence embeddings), <c>rules+calibration</c> or <c>rules</c>.</param>
    /// <param name="TopicFileVersion">Content hash of the topic file the dashboard (and the Tagging workers) use.</param>
    /// <param name="Retag">The latest re-tagging run, or null before the Tagging worker first ran.</param>
    public sealed record TaggingView(string BaselineVersion, string Mode, string TopicFileVersion, int Topics, int Figures, RetagView? Retag);

    /// <param name="State"><c>running</c>, <c>finished</c>, or <c>superseded</c> (a run for another topic file).</param>
    public sealed record RetagView(string BaselineVersion, int Total, int Done, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string State);
}
