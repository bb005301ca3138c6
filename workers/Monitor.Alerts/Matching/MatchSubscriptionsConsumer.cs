using MassTransit;
using Monitor.Contracts;

namespace Monitor.Alerts.Matching;

/// <summary>
/// Raises the alerts the statements of a committed batch match (<see cref="AlertPlanner"/>). The alerts, their sends and
/// their AlertTriggered events are one transaction keyed by (subscription, dedupe key), so a redelivered or repeated
/// StatementsStored, or a competing Alerts process handling the same one, alerts once; a crash before the commit
/// leaves the message unacknowledged, to be matched again.
/// </summary>
public sealed class MatchSubscriptionsConsumer(AlertPlanner planner, AlertRaiser raiser) : IConsumer<StatementsStored>
{
    public async Task Consume(ConsumeContext<StatementsStored> context) =>
        await raiser.RaiseAsync(await planner.PlanAsync(context.Message.Statements, context.CancellationToken), context.CancellationToken);
}
