using System.Collections.Concurrent;
using MassTransit;

namespace Monitor.Dashboard.Live;

/// <summary>
/// Watches this replica's receive endpoints. The first time one is ready is the start; each later time it is ready
/// again after its connection was lost (a RabbitMQ restart). Its temporary queue was gone meanwhile, and the events
/// published then never reach this replica, however durable the rest of the pipeline is. So its clients are told to
/// catch up (<see cref="LiveBroadcaster.BusGapAsync"/>), once per gap however many endpoints come back.
/// </summary>
public sealed class BusGapObserver(LiveBroadcaster live, TimeProvider time) : IReceiveEndpointObserver
{
    private static readonly TimeSpan OncePer = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Uri, bool> _started = new();
    private long _lastGapTicks;

    public async Task Ready(ReceiveEndpointReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (_started.TryAdd(ready.InputAddress, true))
        {
            return;
        }

        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastGapTicks);
        if (now - last >= OncePer.Ticks && Interlocked.CompareExchange(ref _lastGapTicks, now, last) == last)
        {
            await live.BusGapAsync();
        }
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
