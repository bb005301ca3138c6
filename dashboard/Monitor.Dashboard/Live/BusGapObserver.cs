using System.Collections.Concurrent;
using MassTransit;

namespace Monitor.Dashboard.Live;

/// <summary>
/// Watches the receive endpoint of this replica's <c>StatementStored</c> pushes (<c>push-statement-&lt;replica&gt;</c>).
/// The first time it is ready is the start; each later time it is ready again after its connection was lost (a RabbitMQ
/// restart). Its temporary queue was gone meanwhile, and the statements published then never reach this replica,
/// however durable the rest of the pipeline is. So its clients are told to catch up
/// (<see cref="LiveBroadcaster.BusGapAsync"/>) the moment the queue takes events again: what was stored before that is
/// in the catch-up, what comes after is pushed. Another endpoint coming back first would be too early.
/// </summary>
public sealed class BusGapObserver(LiveBroadcaster live) : IReceiveEndpointObserver
{
    /// <summary>The kebab-case endpoint name MassTransit gives <see cref="Consumers.PushStatementConsumer"/>.</summary>
    public const string EndpointPrefix = "push-statement";

    private readonly ConcurrentDictionary<Uri, bool> _started = new();

    public async Task Ready(ReceiveEndpointReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var queue = ready.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        if (!queue.StartsWith(EndpointPrefix, StringComparison.Ordinal) || _started.TryAdd(ready.InputAddress, true))
        {
            return;
        }

        await live.BusGapAsync();
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
