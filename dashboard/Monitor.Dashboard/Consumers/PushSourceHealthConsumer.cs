using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Live;

namespace Monitor.Dashboard.Consumers;

public sealed class PushSourceHealthConsumer(LiveBroadcaster live) : IConsumer<SourceHealthChanged>
{
    public async Task Consume(ConsumeContext<SourceHealthChanged> context) =>
        await live.SourceHealthChangedAsync(context.Message, context.CancellationToken);
}
