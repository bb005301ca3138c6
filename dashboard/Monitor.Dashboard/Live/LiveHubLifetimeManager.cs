using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Monitor.Dashboard.Hubs;

namespace Monitor.Dashboard.Live;

/// <summary>
/// The hub's lifetime manager with one bounded queue per connection. SignalR's default broadcast writes to every
/// connection and completes when the slowest write completes, and a connection whose socket is full keeps every
/// later write waiting on its write lock, unbounded. Here a broadcast is serialized once and only enqueued: each
/// connection has its own writer, so a stalled socket holds up no one else and the sender never waits. A connection
/// whose queue is full has fallen behind: it is aborted (and counted), and its client reconnects and catches up
/// over REST. Every other operation (groups, single connections, invocations) is the default's.
/// </summary>
public sealed partial class LiveHubLifetimeManager(
    ILogger<DefaultHubLifetimeManager<MonitorHub>> baseLogger,
    ILogger<LiveHubLifetimeManager> logger,
    IOptions<LiveOptions> options) : DefaultHubLifetimeManager<MonitorHub>(baseLogger)
{
    private readonly int _capacity = Math.Max(1, options.Value.ClientQueueCapacity);
    private readonly ConcurrentDictionary<string, Outbox> _outboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Outbox>> _groups = new(StringComparer.Ordinal);
    private long _droppedClients;

    /// <summary>Connections dropped since start because their queue was full.</summary>
    public long DroppedClients => Interlocked.Read(ref _droppedClients);

    /// <summary>Connections open now.</summary>
    public int Connections => _outboxes.Count;

    /// <summary>The longest queue of any connection now (pushes waiting beyond the transport buffers).</summary>
    public int DeepestQueue => _outboxes.Values.Select(o => o.Depth).DefaultIfEmpty(0).Max();

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await base.OnConnectedAsync(connection);
        var outbox = new Outbox(connection, _capacity);
        _outboxes[connection.ConnectionId] = outbox;
        outbox.Start();
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_outboxes.TryRemove(connection.ConnectionId, out var outbox))
        {
            outbox.Complete();
            foreach (var group in _groups.Values)
            {
                group.TryRemove(connection.ConnectionId, out _);
            }
        }

        await base.OnDisconnectedAsync(connection);
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await base.AddToGroupAsync(connectionId, groupName, cancellationToken);
        if (_outboxes.TryGetValue(connectionId, out var outbox))
        {
            _groups.GetOrAdd(groupName, _ => new(StringComparer.Ordinal))[connectionId] = outbox;
        }
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await base.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
        if (_groups.TryGetValue(groupName, out var group))
        {
            group.TryRemove(connectionId, out _);
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        Enqueue(_outboxes.Values, methodName, args);
        return Task.CompletedTask;
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (_groups.TryGetValue(groupName, out var group))
        {
            Enqueue(group.Values, methodName, args);
        }

        return Task.CompletedTask;
    }

    private void Enqueue(IEnumerable<Outbox> outboxes, string methodName, object?[] args)
    {
        SerializedHubMessage? message = null;
        foreach (var outbox in outboxes)
        {
            // Serialized once per protocol, on first use, and shared by every connection.
            message ??= new SerializedHubMessage(new InvocationMessage(methodName, args));
            if (!outbox.TryEnqueue(message) && outbox.Drop())
            {
                var dropped = Interlocked.Increment(ref _droppedClients);
                LogClientDropped(logger, outbox.Connection.ConnectionId, _capacity, dropped);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Dropped live client {ConnectionId}: it fell {Capacity} pushes behind; it reconnects and catches up over REST ({DroppedClients} dropped since start)")]
    private static partial void LogClientDropped(ILogger logger, string connectionId, int capacity, long droppedClients);

    /// <summary>One connection's queue and the loop that writes it to the connection, in order.</summary>
    private sealed class Outbox(HubConnectionContext connection, int capacity)
    {
        private readonly Channel<SerializedHubMessage> _queue = Channel.CreateBounded<SerializedHubMessage>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        private int _dropped;

        public HubConnectionContext Connection { get; } = connection;

        public int Depth => _queue.Reader.Count;

        public void Start() => _ = Task.Run(PumpAsync);

        public bool TryEnqueue(SerializedHubMessage message) => Volatile.Read(ref _dropped) == 1 || _queue.Writer.TryWrite(message);

        /// <summary>Aborts the connection once; true for the call that did.</summary>
        public bool Drop()
        {
            if (Interlocked.Exchange(ref _dropped, 1) == 1)
            {
                return false;
            }

            _queue.Writer.TryComplete();
            Connection.Abort();
            return true;
        }

        public void Complete() => _queue.Writer.TryComplete();

        private async Task PumpAsync()
        {
            var aborted = Connection.ConnectionAborted;
            try
            {
                await foreach (var message in _queue.Reader.ReadAllAsync(aborted))
                {
                    // Waits while the socket and the transport's buffer are full; never throws for a failed write
                    // (SignalR aborts the connection instead).
                    await Connection.WriteAsync(message, aborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The connection is gone; what is still queued goes with it.
            }
        }
    }
}
