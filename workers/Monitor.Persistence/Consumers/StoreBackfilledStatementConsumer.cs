using MassTransit;
using Monitor.Contracts;
using Monitor.Data.Backfill;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;

namespace Monitor.Persistence.Consumers;

/// <summary>
/// Stores a statement found by a backfill, from its own queue (<c>store-statement-backfill</c>), with the same dedup as
/// live statements: the same (source, external id) and content hash store nothing twice, whichever path came first.
/// Its StatementStored is written to the outbox only when a subscription asks for history, and then marked as backfill
/// so no dashboard pushes it.
/// </summary>
public sealed partial class StoreBackfilledStatementConsumer(
    StatementStore store, BackfillStore backfills, OutboxSignal outbox, TimeProvider time, ILogger<StoreBackfilledStatementConsumer> logger)
    : IConsumer<StatementTagged>
{
    public async Task Consume(ConsumeContext<StatementTagged> context)
    {
        var tagged = context.Message.Statement.Backfill ? context.Message : context.Message with { Statement = context.Message.Statement with { Backfill = true } };
        var stored = await store.StoreAsync(tagged, time.GetUtcNow(), context.CancellationToken);
        if (stored is not null)
        {
            // After the store's own transaction: marked for the catch-up and the refinement. A crash in between leaves
            // an unmarked statement (shown once more on a reconnect, tagged by the rules until the next re-tag), and
            // the redelivered message finds it stored and changes nothing.
            await backfills.MarkBackfilledAsync(stored.StatementId, stored.Revision, context.Message.BaselineVersion, context.CancellationToken);
            if (tagged.Statement.AlertHistory)
            {
                outbox.Notify();
            }
        }

        LogStored(tagged.Statement.SourceId, tagged.Statement.ExternalId, stored is not null);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backfilled {SourceId}/{ExternalId}: stored {Stored}")]
    private partial void LogStored(string sourceId, string externalId, bool stored);
}
