using Monitor.Dashboard.Auth;
using Monitor.Data.Sources;

namespace Monitor.Dashboard.Api;

/// <summary><c>GET /api/sources</c>: every source, its health and rhythm, and its statements per day. Managing sources is <see cref="SourcesAdminApi"/>.</summary>
public static class SourcesApi
{
    public static WebApplication MapSourcesApi(this WebApplication app)
    {
        app.MapGet("/api/sources", GetSources).RequireAuthorization(MonitorPolicies.Read);
        return app;
    }

    private static async Task<IEnumerable<SourceView>> GetSources(SourceStore sources, TimeProvider time, CancellationToken cancellationToken)
    {
        var rates = await sources.RatesAsync(time.GetUtcNow(), cancellationToken);
        return (await sources.ListAsync(cancellationToken)).Select(s => View(s) with
        {
            Quiet = s.Quiet,
            LastNewItemAt = s.LastNewItemAt,
            TypicalGapSeconds = s.TypicalGapMs / 1000,
            StatementsLast24h = rates.GetValueOrDefault(s.Id)?.Last24h ?? 0,
            StatementsPerDay = rates.GetValueOrDefault(s.Id)?.PerDay ?? 0,
        });
    }

    /// <summary>A source's definition and health (what the admin API answers; <c>/api/sources</c> adds the rhythm and rates).</summary>
    public static SourceView View(SourceRow s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.Name, s.Url, s.Adapter, s.Enabled, s.Health.ToString(), s.LastError, s.LastSuccessAt, s.LastPolledAt, s.NextPollAt, s.ConsecutiveFailures)
        {
            PollIntervalSeconds = s.PollIntervalSeconds,
        };
    }

    public sealed record SourceView(
        string Id, string Name, string Url, string Adapter, bool Enabled, string Health, string? LastError,
        DateTimeOffset? LastSuccessAt, DateTimeOffset? LastPolledAt, DateTimeOffset NextPollAt, int ConsecutiveFailures)
    {
        /// <summary>How often the source is polled when all is well (seconds).</summary>
        public int PollIntervalSeconds { get; init; }

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
