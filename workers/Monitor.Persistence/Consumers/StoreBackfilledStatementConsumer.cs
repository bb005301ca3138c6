using MassTransit;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Statements;
using Monitor.Hosting.Messaging;
using Monitor.Hosting.Outbox;

namespace Monitor.Persistence.Consumers;

/// <summary>
/// Stores statements found by a backfill, from their own queue (<c>store-statement-backfill</c>; Tagging sends an archive
/// page's statements in one message), with the same dedup as live statements: the same (source, external id) and content hash store nothing
/// twice, whichever path came first. The store marks them as backfilled in the same transaction; a StatementsStored event
/// is written to the outbox only for those a subscription asks history of, marked as backfill so no dashboard pushes them.
/// </summary>
public sealed partial class StoreBackfilledStatementConsumer(
    StatementStore store, OutboxSignal outbox, TimeProvider time, ILogger<StoreBackfilledStatementConsumer> logger)
    : IConsumer<StatementsTagged>
{
    public async Task Consume(ConsumeContext<StatementsTagged> context)
    {
        var statements = context.Message.Statements;
        foreach (var statement in statements)
        {
            var tagged = statement.Statement.Backfill ? statement : statement with { Statement = statement.Statement with { Backfill = true } };
            try
            {
                var stored = await store.StoreAsync(tagged, time.GetUtcNow(), context.CancellationToken);
                if (stored is not null && tagged.Statement.AlertHistory)
                {
                    outbox.Notify();
                }

                LogStored(tagged.Statement.SourceId, tagged.Statement.ExternalId, stored is not null);
            }
            catch (Exception ex) when (statements.Count > 1 && ex is not OperationCanceledException && !Database.IsTransient(ex))
            {
                // The database refuses this one: its neighbours go on, and it is retried alone, then goes to the error queue alone.
                LogSentBackAlone(tagged.Statement.SourceId, tagged.Statement.ExternalId, statements.Count, ex.GetType().Name, ex.Message);
                await SentBackAlone.SendAsync(context, new StatementsTagged([tagged]));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backfilled {SourceId}/{ExternalId}: stored {Stored}")]
    private partial void LogStored(string sourceId, string externalId, bool stored);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backfilled {SourceId}/{ExternalId} could not be stored ({ExceptionType}: {Reason}); its {Count} neighbours in the message go on, and it is sent back alone to be retried")]
    private partial void LogSentBackAlone(string sourceId, string externalId, int count, string exceptionType, string reason);
}
