using Monitor.Alerts.Delivery;
using Monitor.Data.Alerts;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;

namespace Monitor.Alerts.Matching;

/// <summary>
/// Raises planned alerts (<see cref="AlertPlanner"/>) in one transaction (<see cref="AlertStore.RaiseAllAsync"/>: the
/// alerts, their sends and their AlertTriggered, keyed by subscription and dedupe key, so a repeat raises nothing), logs
/// each, and wakes the outbox relay and the delivery dispatcher when there is something to publish or send now. One
/// place for every kind: statement matches, event alerts and the weekly briefing.
/// </summary>
public sealed partial class AlertRaiser(AlertStore alerts, OutboxSignal outbox, DeliverySignal deliveries, TimeProvider time, ILogger<AlertRaiser> logger)
{
    /// <summary>Raises what is new of <paramref name="pending"/>; the number raised (the rest were raised before).</summary>
    public async Task<int> RaiseAsync(IReadOnlyList<PendingAlert> pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (pending.Count == 0)
        {
            return 0;
        }

        var raised = await alerts.RaiseAllAsync(pending, cancellationToken);
        var now = time.GetUtcNow();
        var count = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var alert = pending[i];
            if (raised[i] is not { } stored)
            {
                LogRepeat(alert.Alert.SubscriptionId, alert.DedupeKey);
                continue;
            }

            count++;
            LogAlert(alert.Alert.Kind, stored.Alert.Id, alert.Alert.SubscriptionId, alert.Alert.UserId, alert.DedupeKey, string.Join(", ", alert.Alert.MatchedTopics), stored.DeliveryIds.Count);
            MonitorMetrics.AlertRaised();
        }

        if (count > 0)
        {
            outbox.Notify();
        }

        if (raised.Any(r => r is not null && r.Deliveries.Any(d => d.SendAt <= now)))
        {
            deliveries.Notify();
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} ({Kind}) raised by subscription {SubscriptionId} of user {UserId} ({DedupeKey}; topics {Topics}); {Deliveries} sends queued")]
    private partial void LogAlert(string kind, long alertId, long subscriptionId, long userId, string dedupeKey, string topics, int deliveries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscription {SubscriptionId} already alerted on {DedupeKey}")]
    private partial void LogRepeat(long subscriptionId, string dedupeKey);
}
