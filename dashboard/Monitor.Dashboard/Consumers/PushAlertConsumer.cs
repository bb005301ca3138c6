using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Live;

namespace Monitor.Dashboard.Consumers;

/// <summary>
/// An alert raised by the Alerts worker, pushed to its owner's dashboard connections on this replica (every replica
/// has its own temporary queue, so the owner's connections on any replica get it). <see cref="LiveBroadcaster"/> sends
/// it to that user only, and only when <see cref="AlertTriggered.Notify"/> is set.
/// </summary>
public sealed class PushAlertConsumer(LiveBroadcaster live) : IConsumer<AlertTriggered>
{
    public async Task Consume(ConsumeContext<AlertTriggered> context) =>
        await live.AlertTriggeredAsync(context.Message, context.CancellationToken);
}
