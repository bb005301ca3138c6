using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Monitor.Data.Outbox;
using Monitor.Hosting.Telemetry;

namespace Monitor.Hosting.Outbox;

/// <summary>
/// Publishes events that their writer claimed in the same transaction (<see cref="OutboxStore.EnqueueManyAsync"/> with a
/// claim), right after the commit and without reading them back, then deletes them. Until the claim runs out no relay
/// takes them; if this process dies or the publish fails first, the <see cref="OutboxRelay"/> of any process publishes
/// them after <see cref="ClaimFor"/>, with the same message ids, so consumers see at most a repeat.
/// </summary>
public sealed partial class OutboxPublisher(OutboxStore outbox, IBus bus, ILogger<OutboxPublisher> logger)
{
    /// <summary>How long a writer's claim on its own events lasts.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(30);

    public async Task PublishAsync(IReadOnlyList<OutboxStore.Enqueued> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(events.Select(e => PublishOneAsync(e, cancellationToken)));
            await outbox.DeleteAsync(events.Select(e => e.Id).ToList(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(ex, events.Count, ClaimFor.TotalSeconds);
        }
    }

    private async Task PublishOneAsync(OutboxStore.Enqueued message, CancellationToken cancellationToken)
    {
        // Published inside the trace the event was written in, as the relay does.
        using var activity = ActivityContext.TryParse(message.TraceParent, null, out var parent)
            ? MonitorMetrics.Source.StartActivity("outbox publish", ActivityKind.Internal, parent)
            : null;
        await bus.Publish(message.Message, message.Message.GetType(), context => context.MessageId = message.MessageId, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} events right after their commit failed; the outbox relay publishes them within {Seconds} s")]
    private partial void LogPublishFailed(Exception exception, int count, double seconds);
}
