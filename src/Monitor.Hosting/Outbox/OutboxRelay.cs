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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
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

    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await outbox.ClaimAsync(BatchSize, LockFor, time.GetUtcNow(), cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        // Publishing one at a time caps near 2 000 msg/s on RabbitMQ; the batch goes out concurrently.
        await Task.WhenAll(batch.Select(message => PublishAsync(message, cancellationToken)));
        await outbox.DeleteAsync(batch.Select(m => m.Id).ToList(), cancellationToken);
        LogRelayed(batch.Count);
        return batch.Count;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay failed; the messages stay in the outbox and are retried")]
    private partial void LogRelayFailed(Exception exception);
}
