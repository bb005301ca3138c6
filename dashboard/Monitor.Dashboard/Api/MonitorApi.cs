using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Data;
using Monitor.Data.Sources;

namespace Monitor.Dashboard.Api;

public static class MonitorApi
{
    public static WebApplication MapMonitorApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(MonitorPolicies.Read);
        api.MapGet("/sources", GetSources);
        api.MapGet("/topics", (TopicFile topics) => topics.Topics.Select(t => new TopicView(t.Id, t.Title)));
        app.MapHistoryApi();
        app.MapLiveApi();
        app.MapTopicsApi();
        app.MapApiDocs();
        return app;
    }

    private static async Task<IEnumerable<SourceView>> GetSources(SourceStore sources, TimeProvider time, CancellationToken cancellationToken)
    {
        var rates = await sources.RatesAsync(time.GetUtcNow(), cancellationToken);
        return (await sources.ListAsync(cancellationToken)).Select(s => new SourceView(
            s.Id, s.Name, s.Url, s.Adapter, s.Enabled, s.Health.ToString(), s.LastError,
            Database.FromDb(s.LastSuccessAt), Database.FromDb(s.LastPolledAt), Database.FromDb(s.NextPollAt), s.ConsecutiveFailures)
        {
            Quiet = s.Quiet,
            LastNewItemAt = Database.FromDb(s.LastNewItemAt),
            TypicalGapSeconds = s.TypicalGapMs / 1000,
            StatementsLast24h = rates.GetValueOrDefault(s.Id)?.Last24h ?? 0,
            StatementsPerDay = rates.GetValueOrDefault(s.Id)?.PerDay ?? 0,
        });
    }

    public sealed record TopicView(string Id, string Title);

    public sealed record SourceView(
        string Id, string Name, string Url, string Adapter, bool Enabled, string Health, string? LastError,
        DateTimeOffset? LastSuccessAt, DateTimeOffset? LastPolledAt, DateTimeOffset NextPollAt, int ConsecutiveFailures)
    {
        /// <summary>Nothing new for longer than the source's usual rhythm (see docs/polling.md).</summary>
        public bool Quiet { get; init; }

        public DateTimeOffset? LastNewItemAt { get; init; }

        public long? TypicalGapSeconds { get; init; }

        /// <summary>Statements of this source dated in the last 24 hours.</summary>
        public long StatementsLast24h { get; init; }

        /// <summary>Statements of this source per day, the mean over the last 7 days, to one decimal.</summary>
        public double StatementsPerDay { get; init; }
    }
}
