using System.Globalization;
using Microsoft.Extensions.Options;
using Monitor.Alerts.Matching;
using Monitor.Core.Alerts;
using Monitor.Core.Briefing;
using Monitor.Core.Tagging;
using Monitor.Data.Alerts;
using Monitor.Data.Briefing;

namespace Monitor.Alerts.Briefing;

/// <summary>
/// The weekly digest of the living briefing (docs/briefing.md, "Weekly digest"). Every
/// <see cref="AlertsOptions.BriefingPollInterval"/> it looks at the last time the digest fell due
/// (<see cref="AlertsOptions.BriefingDay"/> at <see cref="AlertsOptions.BriefingTime"/>, UTC) and the 7 whole UTC days
/// before that day (<see cref="BriefingDigest.Week"/>); each enabled "briefing"
/// subscription created before that moment gets ONE alert of kind "briefing" for it, when the week cites a statement
/// on its topics. The alert is raised by <see cref="AlertStore.RaiseAllAsync"/> under the key
/// <c>briefing:&lt;week start&gt;</c> and planned by <see cref="AlertPlanner.Pending"/>, so it goes out like any alert
/// (in-app, inbox, Atom, webhook, email, quiet hours, digests), once, whatever restarts or competing Alerts processes.
/// </summary>
public sealed partial class BriefingDigestJob(
    SubscriptionStore subscriptions, BriefingStore briefings, TopicFile topics, AlertPlanner planner, AlertRaiser raiser,
    IOptions<AlertsOptions> options, TimeProvider time, ILogger<BriefingDigestJob> logger) : BackgroundService
{
    // The subscriptions this process has done for the current week: the next passes skip them rather than build the
    // briefing again. After a restart they are done once more, and the dedupe key makes that a no-op.
    private readonly HashSet<long> _done = [];
    private DateTimeOffset _doneWeek = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }

            await Task.Delay(options.Value.BriefingPollInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass: raises the current week's digests not raised yet.</summary>
    /// <returns>The number of alerts raised (0 when every one was raised before or the week cites nothing).</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var due = BriefingDigest.LastDue(now, settings.BriefingDay, settings.BriefingTime);
        if (due != _doneWeek)
        {
            _doneWeek = due;
            _done.Clear();
        }

        // A subscription made after the week closed waits for the next week rather than get this one late.
        var waiting = (await subscriptions.ListEnabledAsync(cancellationToken))
            .Where(s => s.Kind == SubscriptionKinds.Briefing && s.CreatedAt < due && !_done.Contains(s.Id))
            .ToList();
        if (waiting.Count == 0)
        {
            return 0;
        }

        var (from, to) = BriefingDigest.Week(due);
        var report = await briefings.BuildAsync(BriefingDocument.LoadDefault(), topics, from, to, sinceBaseline: false, cancellationToken);
        var key = BriefingDigest.DedupeKey(from);
        var page = planner.DashboardLink(BriefingDigest.PagePath(from, to));
        var pending = new List<PendingAlert>();
        foreach (var subscription in waiting)
        {
            var own = BriefingDigest.ForTopics(report, subscription.Topics);
            var cited = BriefingDigest.Cited(own);
            if (cited.Count == 0)
            {
                LogNothing(subscription.Id, from, to);
                continue;
            }

            var markdown = BriefingMarkdown.Render(own, id => planner.DashboardLink($"statement.html?id={id.ToString(CultureInfo.InvariantCulture)}"));
            pending.Add(planner.Pending(subscription, key, new AlertRecord
            {
                SubscriptionId = subscription.Id, UserId = subscription.UserId, Kind = AlertKinds.Briefing,
                Title = BriefingDigest.Title(from, to, cited), Url = page, MatchedTopics = subscription.Topics, Detail = BriefingDigest.Detail(from, to, cited, markdown), TriggeredAt = now,
            }));
        }

        var raised = await raiser.RaiseAsync(pending, cancellationToken);
        _done.UnionWith(waiting.Select(s => s.Id));
        return raised;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Briefing subscription {SubscriptionId}: the week {From} to {To} cites no statement on its topics; no alert")]
    private partial void LogNothing(long subscriptionId, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(Level = LogLevel.Error, Message = "The weekly briefing digest failed; trying again at the next interval")]
    private partial void LogFailed(Exception exception);
}
