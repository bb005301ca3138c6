using MassTransit;
using Monitor.Contracts;

namespace Monitor.Alerts.Matching;

/// <summary>
/// Raises the "event" subscriptions' alerts of a committed clustering page (<see cref="StatementsGrouped"/>, from the
/// Tagging worker's event clustering through the outbox): one per event and subscription when NATO and the EP have both
/// spoken on the event (<see cref="AlertPlanner.PlanEventsAsync"/>). Competing consumers on one queue
/// (<see cref="PipelineQueues.MatchEventSubscriptions"/>); the alerts, their sends and their AlertTriggered are one
/// transaction keyed by (subscription, <c>event:&lt;id&gt;</c>), so a repeated message, or two Alerts processes handling
/// the same one, alert once.
/// </summary>
public sealed class MatchEventSubscriptionsConsumer(AlertPlanner planner, AlertRaiser raiser) : IConsumer<StatementsGrouped>
{
    public async Task Consume(ConsumeContext<StatementsGrouped> context) =>
        await raiser.RaiseAsync(await planner.PlanEventsAsync(context.Message.Events ?? [], context.CancellationToken), context.CancellationToken);
}
