using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitor.Contracts;
using Monitor.Data.Outbox;
using Monitor.Hosting.Telemetry;

namespace Monitor.Hosting.Outbox;

/// <summary>
/// Publishes what the outbox holds, then deletes it. Several relays (replicas, or Persistence and Alerts) share the
/// table safely: each claims its batch with a short lock. A relay that dies after publishing and before deleting
/// leaves the rows to be published again with the same message ids; consumers treat those as repeats.
/// </summary>
public sealed partial class OutboxRelay(OutboxStore outbox, OutboxSignal signal, IBus bus, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan LockFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CountEvery = TimeSpan.FromSeconds(5);
    private DateTimeOffset _countedAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CountBacklogAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database is away: the relay's own failure below says so.
            }

            try
            {
                var relayed = await RelayBatchAsync(stoppingToken);
                if (relayed == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRelayFailed(ex);
            }

            await signal.WaitAsync(PollEvery, stoppingToken);
        }
    }

    /// <summary>The backlog and lag gauges (monitor_outbox_pending, monitor_outbox_lag_seconds), counted every 5 s.</summary>
    private async Task CountBacklogAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _countedAt < CountEvery)
        {
            return;
        }

        _countedAt = now;
        var backlog = await outbox.BacklogAsync(cancellationToken);
        MonitorMetrics.OutboxObserved(backlog.Pending, backlog.OldestAt);
    }

    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await outbox.ClaimAsync(BatchSize, LockFor, time.GetUtcNow(), cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        // Publishing one at a time caps near 2 000 msg/s on RabbitMQ; the batch goes out concurrently. A message that
        // cannot be published (a type this version does not know) stays, locked for a while, and does not hold back
        // the others; when none goes out (the broker is away) the first error stands for all.
        var results = await Task.WhenAll(batch.Select(message => TryPublishAsync(message, cancellationToken)));
        var published = batch.Where((_, i) => results[i] is null).Select(m => m.Id).ToList();
        if (published.Count == 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(results.First(r => r is not null)!);
        }

        await outbox.DeleteAsync(published, cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is { } error)
            {
                LogPublishFailed(error, batch[i].Id, batch[i].MessageType);
            }
        }

        LogRelayed(published.Count);
        return batch.Count;
    }

    private async Task<Exception?> TryPublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(message, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ex;
        }
    }

    private async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var type = typeof(StatementStored).Assembly.GetType(message.MessageType)
            ?? throw new InvalidOperationException($"Outbox message {message.Id} has unknown type '{message.MessageType}'.");
        var body = JsonSerializer.Deserialize(message.Payload, type, OutboxStore.Json)!;
        var messageId = Guid.Parse(message.MessageId);

        // Published inside the trace the event was written in, so the trace goes on from the consumer that stored it.
        using var activity = ActivityContext.TryParse(message.TraceParent, null, out var parent)
            ? MonitorMetrics.Source.StartActivity("outbox relay", ActivityKind.Internal, parent)
            : null;
        await bus.Publish(body, type, context => context.MessageId = messageId, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Relayed {Count} outbox messages")]
    private partial void LogRelayed(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {OutboxId} ({MessageType}) could not be published; it stays in the outbox and is retried")]
    private partial void LogPublishFailed(Exception exception, long outboxId, string messageType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay failed; the messages stay in the outbox and are retried")]
    private partial void LogRelayFailed(Exception exception);
}
