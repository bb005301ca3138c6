using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Live;

namespace Monitor.Dashboard.Consumers;

public sealed class PushAlertConsumer(LiveBroadcaster live) : IConsumer<AlertTriggered>
{
    public async Task Consume(ConsumeContext<AlertTriggered> context) =>
        await live.AlertTriggeredAsync(context.Message, context.CancellationToken);
}
