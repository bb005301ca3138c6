using MassTransit;
using Monitor.Alerts.Delivery;
using Monitor.Contracts;
using Monitor.Data.Alerts;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;

namespace Monitor.Alerts.Matching;

/// <summary>
/// Raises the alerts the statements of a committed batch match (<see cref="AlertPlanner"/>). The alerts, their sends and
/// their AlertTriggered events are one transaction keyed by (subscription, dedupe key), so a redelivered or repeated
/// StatementsStored, or a competing Alerts process handling the same one, alerts once; a crash before the commit
/// leaves the message unacknowledged, to be matched again.
/// </summary>
public sealed partial class MatchSubscriptionsConsumer(
    AlertPlanner planner, AlertStore alerts, OutboxSignal outbox, DeliverySignal deliveries, TimeProvider time, ILogger<MatchSubscriptionsConsumer> logger)
    : IConsumer<StatementsStored>
{
    public async Task Consume(ConsumeContext<StatementsStored> context)
    {
        var pending = await planner.PlanAsync(context.Message.Statements, context.CancellationToken);
        var raised = await alerts.RaiseAllAsync(pending, context.CancellationToken);
        var now = time.GetUtcNow();
        for (var i = 0; i < pending.Count; i++)
        {
            var alert = pending[i];
            if (raised[i] is not { } stored)
            {
                LogRepeat(alert.Alert.SubscriptionId, alert.DedupeKey);
                continue;
            }

            LogAlert(stored.Alert.Id, alert.Alert.SubscriptionId, alert.Alert.UserId, alert.DedupeKey, string.Join(", ", alert.Alert.MatchedTopics), stored.DeliveryIds.Count);
            MonitorMetrics.AlertRaised();
        }

        if (raised.Any(r => r is not null))
        {
            outbox.Notify();
        }

        if (raised.Any(r => r is not null && r.Deliveries.Any(d => d.SendAt <= now)))
        {
            deliveries.Notify();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} raised by subscription {SubscriptionId} of user {UserId} ({DedupeKey}; topics {Topics}); {Deliveries} sends queued")]
    private partial void LogAlert(long alertId, long subscriptionId, long userId, string dedupeKey, string topics, int deliveries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscription {SubscriptionId} already alerted on {DedupeKey}")]
    private partial void LogRepeat(long subscriptionId, string dedupeKey);
}
