using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Monitor.Dashboard.Hubs;

namespace Monitor.Dashboard.Live;

/// <summary>
/// The hub's lifetime manager with one bounded queue per connection. SignalR's default broadcast writes to every
/// connection and completes when the slowest write completes, and a connection whose socket is full keeps every
/// later write waiting on its write lock, unbounded. Here a broadcast is serialized once and handed to each
/// connection: written at once if the connection is idle, queued behind its waiting write otherwise, so a stalled
/// socket holds up no one else and the sender never waits. A connection whose queue is full has fallen behind: it is
/// aborted (and counted), and its client reconnects and catches up over REST. Group membership is tracked beside the
/// default's; single-connection sends and invocations are the default's.
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
    public int DeepestQueue => _outboxes.Select(o => o.Value.Depth).DefaultIfEmpty(0).Max();

    /// <summary>The connections open on this replica now.</summary>
    public IReadOnlyList<HubConnectionContext> Snapshot() => _outboxes.Select(o => o.Value.Connection).ToList();

    /// <summary>Aborts every connection on this replica whose user <paramref name="match"/> covers (its session or token ended).</summary>
    /// <returns>How many were aborted.</returns>
    public int Abort(Func<System.Security.Claims.ClaimsPrincipal, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var aborted = 0;
        foreach (var (_, outbox) in _outboxes)
        {
            if (outbox.Connection.User is { } user && match(user))
            {
                outbox.Connection.Abort();
                aborted++;
            }
        }

        return aborted;
    }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await base.OnConnectedAsync(connection);
        _outboxes[connection.ConnectionId] = new Outbox(connection, _capacity);
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
        Enqueue(_outboxes, methodName, args);
        return Task.CompletedTask;
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (_groups.TryGetValue(groupName, out var group))
        {
            Enqueue(group, methodName, args);
        }

        return Task.CompletedTask;
    }

    // Enumerating the dictionary itself takes no lock and copies nothing (its Values property does both).
    private void Enqueue(ConcurrentDictionary<string, Outbox> outboxes, string methodName, object?[] args)
    {
        SerializedHubMessage? message = null;
        foreach (var (_, outbox) in outboxes)
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

    /// <summary>
    /// One connection's queue. The first push to an idle connection is written at once, on the sender's thread, as
    /// SignalR's default does (into the transport's buffer, which normally completes synchronously); only while a
    /// write waits for the socket do later pushes queue, and the waiting write's continuation drains them in order.
    /// </summary>
    private sealed class Outbox(HubConnectionContext connection, int capacity)
    {
        private readonly Queue<SerializedHubMessage> _queue = new();
        private bool _writing;
        private bool _dropped;

        public HubConnectionContext Connection { get; } = connection;

        public int Depth
        {
            get
            {
                lock (_queue)
                {
                    return _queue.Count;
                }
            }
        }

        /// <summary>False when the queue is full: the connection has fallen behind.</summary>
        public bool TryEnqueue(SerializedHubMessage message)
        {
            lock (_queue)
            {
                if (_dropped)
                {
                    return true;
                }

                if (_writing)
                {
                    if (_queue.Count >= capacity)
                    {
                        return false;
                    }

                    _queue.Enqueue(message);
                    return true;
                }

                _writing = true;
            }

            Write(message);
            return true;
        }

        /// <summary>Aborts the connection once; true for the call that did.</summary>
        public bool Drop()
        {
            lock (_queue)
            {
                if (_dropped)
                {
                    return false;
                }

                _dropped = true;
                _queue.Clear();
            }

            Connection.Abort();
            return true;
        }

        public void Complete()
        {
            lock (_queue)
            {
                _dropped = true;
                _queue.Clear();
            }
        }

        // Writes, then the queued pushes in order, while each write completes synchronously; a write that waits for the
        // socket continues asynchronously. SignalR's write never throws for a failed send (it aborts the connection).
        private void Write(SerializedHubMessage message)
        {
            while (true)
            {
                var write = Connection.WriteAsync(message, Connection.ConnectionAborted);
                if (!write.IsCompletedSuccessfully)
                {
                    _ = WriteAsync(write);
                    return;
                }

                write.GetAwaiter().GetResult();
                if (!TryNext(out message))
                {
                    return;
                }
            }
        }

        private async Task WriteAsync(ValueTask pending)
        {
            try
            {
                await pending;
            }
            catch (OperationCanceledException)
            {
                // The connection was aborted while this write waited.
                Complete();
            }

            if (TryNext(out var next))
            {
                Write(next);
            }
        }

        private bool TryNext(out SerializedHubMessage message)
        {
            lock (_queue)
            {
                if (!_dropped && _queue.TryDequeue(out message!))
                {
                    return true;
                }

                _writing = false;
                message = null!;
                return false;
            }
        }
    }
}
