using System.Runtime.ExceptionServices;
using MassTransit;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Statements;
using Monitor.Hosting.Messaging;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;
using Monitor.Persistence.Batching;

namespace Monitor.Persistence.Consumers;

/// <summary>
/// Stores the statements of a <see cref="StatementsTagged"/> message. Their <see cref="StatementsStored"/> event is written
/// to the outbox in the same transaction and published after the commit: a redelivered message finds its content already
/// stored and adds nothing. A first try joins the batch being gathered (<see cref="StatementBatcher"/>); a retry stores
/// each statement alone, so that a bad one never fails a batch twice.
/// </summary>
/// <remarks>
/// A statement that fails on its own (the database refuses it) is sent back to this queue in a message of its own, and
/// its neighbours are acknowledged with the message: only the bad one is retried and ends in the error queue. A message
/// of one statement that fails, or an unreachable database, fails the message and MassTransit's retry policy takes it.
/// </remarks>
public sealed partial class StoreStatementConsumer(StatementBatcher batcher, StatementStore store, OutboxSignal outbox, TimeProvider time, ILogger<StoreStatementConsumer> logger)
    : IConsumer<StatementsTagged>
{
    public async Task Consume(ConsumeContext<StatementsTagged> context)
    {
        var statements = context.Message.Statements;
        // A statement sent back alone is stored alone from its first try on, never in a batch again.
        var outcomes = SentBackAlone.IsFirstTry(context)
            ? await Task.WhenAll(statements.Select(s => Outcome.Of(batcher.StoreAsync(s, context.CancellationToken))))
            : await StoreEachAloneAsync(statements, context.CancellationToken);

        var failed = new List<(StatementTagged Statement, Exception Error)>();
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i].Statement;
            switch (outcomes[i])
            {
                case { Error: { } error }:
                    failed.Add((statements[i], error));
                    break;
                case { Stored: { } stored }:
                    LogStored(stored.StatementId, stored.Revision, statement.SourceId, statement.ExternalId);
                    break;
                default:
                    LogUnchanged(statement.SourceId, statement.ExternalId, statement.DocumentReference);
                    break;
            }
        }

        if (failed.Count == 0)
        {
            return;
        }

        // The database is unreachable, or the message holds only the statement that failed: the message is retried.
        var transient = failed.Find(f => Database.IsTransient(f.Error)).Error;
        if (transient is not null || statements.Count == 1)
        {
            ExceptionDispatchInfo.Throw(transient ?? failed[0].Error);
        }

        foreach (var (statement, error) in failed)
        {
            LogSentBackAlone(statement.Statement.SourceId, statement.Statement.ExternalId, statements.Count, error.GetType().Name, error.Message);
            await SentBackAlone.SendAsync(context, new StatementsTagged([statement]));
        }
    }

    private async Task<Outcome[]> StoreEachAloneAsync(IReadOnlyList<StatementTagged> statements, CancellationToken cancellationToken)
    {
        var outcomes = new Outcome[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            var now = time.GetUtcNow();
            outcomes[i] = await Outcome.Of(store.StoreAsync(statements[i], now, cancellationToken));
            if (outcomes[i].Stored is { } stored)
            {
                outbox.Notify();
                MonitorMetrics.StatementStored(stored.DiscoveredAt, now);
            }
        }

        return outcomes;
    }

    private readonly record struct Outcome(StatementStored? Stored, Exception? Error)
    {
        public static async Task<Outcome> Of(Task<StatementStored?> storing)
        {
            try
            {
                return new Outcome(await storing, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new Outcome(null, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored statement {StatementId} revision {Revision} ({SourceId}/{ExternalId})")]
    private partial void LogStored(long statementId, int revision, string sourceId, string externalId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Content of {SourceId}/{ExternalId} already stored, or another feed's copy of document {DocumentReference} that is not a newer edit (linked only); nothing to publish")]
    private partial void LogUnchanged(string sourceId, string externalId, string? documentReference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{SourceId}/{ExternalId} could not be stored ({ExceptionType}: {Reason}); its {Count} neighbours in the message are done, and it is sent back alone to be retried")]
    private partial void LogSentBackAlone(string sourceId, string externalId, int count, string exceptionType, string reason);
}
