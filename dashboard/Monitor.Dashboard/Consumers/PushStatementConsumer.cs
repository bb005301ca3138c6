using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Live;

namespace Monitor.Dashboard.Consumers;

/// <summary>Pushes each stored statement to this replica's clients (a temporary queue per replica); never a backfilled one (history, not news).</summary>
public sealed class PushStatementConsumer(LiveBroadcaster live) : IConsumer<StatementsStored>
{
    public async Task Consume(ConsumeContext<StatementsStored> context)
    {
        foreach (var statement in context.Message.Statements)
        {
            if (!statement.Backfill)
            {
                await live.StatementStoredAsync(statement, context.CancellationToken);
            }
        }
    }
}
