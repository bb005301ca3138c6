using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Live;

namespace Monitor.Dashboard.Consumers;

/// <summary>Pushes each stored statement to this replica's clients (a temporary queue per replica); never a backfilled one (history, not news).</summary>
public sealed class PushStatementConsumer(LiveBroadcaster live) : IConsumer<StatementStored>
{
    public async Task Consume(ConsumeContext<StatementStored> context)
    {
        if (!context.Message.Backfill)
        {
            await live.StatementStoredAsync(context.Message, context.CancellationToken);
        }
    }
}
