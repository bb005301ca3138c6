using MassTransit;
using Monitor.Contracts;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;
using Monitor.Persistence.Batching;

namespace Monitor.Persistence.Consumers;

/// <summary>
/// Stores a tagged statement. The <see cref="StatementStored"/> event is written to the outbox in the same
/// transaction and relayed after commit: a redelivered message finds its content already stored and adds nothing.
/// A first try joins the batch being gathered (<see cref="StatementBatcher"/>); a retry is stored alone, so that a bad
/// message never fails a batch twice.
/// </summary>
public sealed partial class StoreStatementConsumer(StatementBatcher batcher, StatementStore store, OutboxSignal outbox, TimeProvider time, ILogger<StoreStatementConsumer> logger) : IConsumer<StatementTagged>
{
    public async Task Consume(ConsumeContext<StatementTagged> context)
    {
        var statement = context.Message.Statement;
        StatementStored? stored;
        if (context.GetRetryAttempt() == 0 && context.GetRedeliveryCount() == 0)
        {
            stored = await batcher.StoreAsync(context.Message, context.CancellationToken);
        }
        else
        {
            var now = time.GetUtcNow();
            stored = await store.StoreAsync(context.Message, now, context.CancellationToken);
            if (stored is not null)
            {
                outbox.Notify();
                MonitorMetrics.StatementStored(statement.DiscoveredAt, now);
            }
        }

        if (stored is null)
        {
            LogUnchanged(statement.SourceId, statement.ExternalId, statement.DocumentReference);
            return;
        }

        LogStored(stored.StatementId, stored.Revision, statement.SourceId, statement.ExternalId);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored statement {StatementId} revision {Revision} ({SourceId}/{ExternalId})")]
    private partial void LogStored(long statementId, int revision, string sourceId, string externalId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Content of {SourceId}/{ExternalId} already stored, or another feed's copy of document {DocumentReference} that is not a newer edit (linked only); nothing to publish")]
    private partial void LogUnchanged(string sourceId, string externalId, string? documentReference);
}
