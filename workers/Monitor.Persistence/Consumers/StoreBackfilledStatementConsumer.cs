using MassTransit;
using Monitor.Contracts;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;

namespace Monitor.Persistence.Consumers;

/// <summary>
/// Stores a statement found by a backfill, from its own queue (<c>store-statement-backfill</c>), with the same dedup as
/// live statements: the same (source, external id) and content hash store nothing twice, whichever path came first.
/// The store marks it as backfilled in the same transaction; its StatementStored is written to the outbox only when a
/// subscription asks for history, and then marked as backfill so no dashboard pushes it.
/// </summary>
public sealed partial class StoreBackfilledStatementConsumer(
    StatementStore store, OutboxSignal outbox, TimeProvider time, ILogger<StoreBackfilledStatementConsumer> logger)
    : IConsumer<StatementTagged>
{
    public async Task Consume(ConsumeContext<StatementTagged> context)
    {
        var tagged = context.Message.Statement.Backfill ? context.Message : context.Message with { Statement = context.Message.Statement with { Backfill = true } };
        var stored = await store.StoreAsync(tagged, time.GetUtcNow(), context.CancellationToken);
        if (stored is not null && tagged.Statement.AlertHistory)
        {
            outbox.Notify();
        }

        LogStored(tagged.Statement.SourceId, tagged.Statement.ExternalId, stored is not null);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backfilled {SourceId}/{ExternalId}: stored {Stored}")]
    private partial void LogStored(string sourceId, string externalId, bool stored);
}
