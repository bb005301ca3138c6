using MassTransit;
using Monitor.Contracts;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;

namespace Monitor.Persistence.Consumers;

/// <summary>
/// Stores statements found by a backfill, from their own queue (<c>store-statement-backfill</c>; Tagging sends them one
/// to a message), with the same dedup as live statements: the same (source, external id) and content hash store nothing
/// twice, whichever path came first. The store marks them as backfilled in the same transaction; a StatementsStored event
/// is written to the outbox only for those a subscription asks history of, marked as backfill so no dashboard pushes them.
/// </summary>
public sealed partial class StoreBackfilledStatementConsumer(
    StatementStore store, OutboxSignal outbox, TimeProvider time, ILogger<StoreBackfilledStatementConsumer> logger)
    : IConsumer<StatementsTagged>
{
    public async Task Consume(ConsumeContext<StatementsTagged> context)
    {
        foreach (var statement in context.Message.Statements)
        {
            var tagged = statement.Statement.Backfill ? statement : statement with { Statement = statement.Statement with { Backfill = true } };
            var stored = await store.StoreAsync(tagged, time.GetUtcNow(), context.CancellationToken);
            if (stored is not null && tagged.Statement.AlertHistory)
            {
                outbox.Notify();
            }

            LogStored(tagged.Statement.SourceId, tagged.Statement.ExternalId, stored is not null);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backfilled {SourceId}/{ExternalId}: stored {Stored}")]
    private partial void LogStored(string sourceId, string externalId, bool stored);
}
