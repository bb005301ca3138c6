using MassTransit;
using Monitor.Alerts.Delivery;
using Monitor.Contracts;
using Monitor.Data.Alerts;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;

namespace Monitor.Alerts.Matching;

/// <summary>
/// Raises the "event" subscriptions' alerts of a committed clustering page (<see cref="StatementsGrouped"/>, from the
/// Tagging worker's event clustering through the outbox): one per event and subscription when NATO and the EP have both
/// spoken on the event (<see cref="AlertPlanner.PlanEventsAsync"/>). Competing consumers on one queue
/// (<see cref="PipelineQueues.MatchEventSubscriptions"/>); the alerts, their sends and their AlertTriggered are one
/// transaction keyed by (subscription, <c>event:&lt;id&gt;</c>), so a repeated message, or two Alerts processes handling
/// the same one, alert once.
/// </summary>
public sealed partial class MatchEventSubscriptionsConsumer(
    AlertPlanner planner, AlertStore alerts, OutboxSignal outbox, DeliverySignal deliveries, TimeProvider time, ILogger<MatchEventSubscriptionsConsumer> logger)
    : IConsumer<StatementsGrouped>
{
    public async Task Consume(ConsumeContext<StatementsGrouped> context)
    {
        var pending = await planner.PlanEventsAsync(context.Message.Events ?? [], context.CancellationToken);
        if (pending.Count == 0)
        {
            return;
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Event alert {AlertId} raised by subscription {SubscriptionId} of user {UserId} ({DedupeKey}; topics {Topics}); {Deliveries} sends queued")]
    private partial void LogAlert(long alertId, long subscriptionId, long userId, string dedupeKey, string topics, int deliveries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscription {SubscriptionId} already alerted on {DedupeKey}")]
    private partial void LogRepeat(long subscriptionId, string dedupeKey);
}
