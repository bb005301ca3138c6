using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Monitor.Contracts;
using Monitor.Dashboard.Hubs;
using Monitor.Hosting.Telemetry;

namespace Monitor.Dashboard.Live;

/// <summary>
/// Hands events from the bus to SignalR on its own loop and drops repeats: the outbox relay may republish an event
/// after a crash, and a client must see each revision once. A bus consumer never waits here: the queue is bounded
/// and, when full, drops its oldest event (logged and counted) rather than hold up the pipeline. The loop itself
/// never waits on a client either: <see cref="LiveHubLifetimeManager"/> gives each connection its own bounded queue.
/// Under load, statements queued one behind another go out as one push (<see cref="IMonitorClient.StatementsStored"/>):
/// a burst costs each client a few large messages instead of thousands of small ones, and nothing is left out.
/// </summary>
public sealed partial class LiveBroadcaster : BackgroundService
{
    private const int RememberedKeys = 100_000;

    /// <summary>The most statements in one push.</summary>
    public const int MaxCoalesced = 200;

    private readonly IHubContext<MonitorHub, IMonitorClient> _hub;
    private readonly ILogger<LiveBroadcaster> _logger;
    private readonly LiveHubLifetimeManager _clients;
    private readonly Channel<Push> _queue;
    private long _droppedEvents;

    public LiveBroadcaster(IHubContext<MonitorHub, IMonitorClient> hub, LiveHubLifetimeManager clients, ILogger<LiveBroadcaster> logger, IOptions<LiveOptions> options)
    {
        _hub = hub;
        _clients = clients;
        _logger = logger;
        _queue = Channel.CreateBounded<Push>(
            new BoundedChannelOptions(Math.Max(1, options.Value.BroadcastQueueCapacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => EventDropped());
    }

    /// <summary>Events dropped since start because the broadcaster fell behind the bus.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    /// <summary>Events waiting for the broadcaster now.</summary>
    public int QueueDepth => _queue.Reader.Count;

    private readonly HashSet<string> _seen = [];
    private readonly Queue<string> _seenOrder = new();

    // The statements pushed live (the newest RememberedKeys): only their event chips are pushed.
    private readonly HashSet<long> _pushedIds = [];
    private readonly Queue<long> _pushedOrder = new();

    private long _newestStoredAtTicks;

    /// <summary>
    /// This replica's bus came back after a gap (a broker restart): events published while its temporary queue was gone
    /// never reach it. Tells every client to catch up from the newest statement this replica received before the gap.
    /// </summary>
    public ValueTask BusGapAsync()
    {
        var ticks = Interlocked.Read(ref _newestStoredAtTicks);
        var since = ticks == 0 ? DateTimeOffset.UtcNow : new DateTimeOffset(ticks, TimeSpan.Zero);
        LogBusGap(since);
        return Enqueue(clients => clients.All.CatchUp(since));
    }

    public ValueTask StatementStoredAsync(StatementStored statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var ticks = statement.StoredAt.UtcTicks;
        long seen;
        while (ticks > (seen = Interlocked.Read(ref _newestStoredAtTicks)) && Interlocked.CompareExchange(ref _newestStoredAtTicks, ticks, seen) != seen)
        {
        }

        if (FirstTime($"statement:{statement.StatementId}:{statement.Revision}"))
        {
            Pushed(statement.StatementId);
            _queue.Writer.TryWrite(new Push(statement, null));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Event chips for the statements of a clustering page that this replica pushed live, sent to all as those
    /// statements were. Any other statement (backfilled, so never pushed; or stored before this replica started) is
    /// left out, and a page with none of them sends nothing: a backfill clustered after its walk costs clients nothing.
    /// A repeat of a page sends the same chips again, which the page draws the same.
    /// </summary>
    public ValueTask StatementsGroupedAsync(StatementsGrouped grouped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grouped);
        List<StatementGrouped> statements;
        lock (_pushedIds)
        {
            statements = [.. grouped.Statements.Where(s => _pushedIds.Contains(s.StatementId))];
        }

        if (statements.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var events = statements.Select(s => s.EventId).ToHashSet();
        var chips = new EventChips(statements, [.. grouped.Events.Where(e => events.Contains(e.EventId))
            .Select(e => new EventChip(e.EventId, e.Title, e.Institutions, e.Members, e.Merged))]);
        return Enqueue(clients => clients.All.StatementsGrouped(chips));
    }

    /// <summary>
    /// An alert goes to its owner's connections only (SignalR's user id is <c>users.id</c>), never to all, and only when
    /// the subscription's in-app channel is on (<see cref="AlertTriggered.Notify"/>); the inbox has it either way.
    /// </summary>
    public ValueTask AlertTriggeredAsync(AlertTriggered alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Notify && FirstTime($"alert:{alert.AlertId}")
            ? Enqueue(clients => SendToOwner(clients, alert))
            : ValueTask.CompletedTask;
    }

    public ValueTask SourceHealthChangedAsync(SourceHealthChanged health, CancellationToken cancellationToken) =>
        Enqueue(clients => clients.All.SourceHealthChanged(health));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ReportAsync(TimeSpan.FromMinutes(1), stoppingToken);
        var reader = _queue.Reader;
        var statements = new List<StatementStored>(MaxCoalesced);
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (reader.TryRead(out var push))
            {
                try
                {
                    if (push.Statement is null)
                    {
                        await push.Send!(_hub.Clients);
                        continue;
                    }

                    // The statements queued right behind this one go with it, in order; anything else keeps its place.
                    statements.Clear();
                    statements.Add(push.Statement);
                    while (statements.Count < MaxCoalesced && reader.TryPeek(out var next) && next.Statement is not null && reader.TryRead(out next))
                    {
                        statements.Add(next.Statement!);
                    }

                    await PushStatementsAsync(_hub.Clients, statements);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPushFailed(ex);
                }
            }
        }
    }

    private static async Task PushStatementsAsync(IHubClients<IMonitorClient> clients, List<StatementStored> statements)
    {
        if (statements.Count == 1)
        {
            var statement = statements[0];
            await clients.All.StatementStored(statement);
            foreach (var topic in statement.Topics)
            {
                await clients.Group(MonitorHub.TopicGroup(topic.TopicId)).TopicStatementStored(topic.TopicId, statement);
            }
        }
        else
        {
            // Copies: the list is reused for the next push, and SignalR may serialise after this returns.
            await clients.All.StatementsStored(statements.ToArray());
            foreach (var topic in statements.SelectMany(s => s.Topics.Select(t => (t.TopicId, Statement: s))).GroupBy(p => p.TopicId))
            {
                await clients.Group(MonitorHub.TopicGroup(topic.Key)).TopicStatementsStored(topic.Key, topic.Select(p => p.Statement).ToArray());
            }
        }

        var now = DateTimeOffset.UtcNow;
        statements.ForEach(s => MonitorMetrics.StatementPushed(s.DiscoveredAt, now));
    }

    // The per-user send is SignalR's default: it writes to each of the user's connections and completes when the
    // slowest write does. A completed send is returned (its failure logged by the loop); a waiting one is not awaited,
    // so one stalled connection of one user never holds up the pushes to everyone else.
    private Task SendToOwner(IHubClients<IMonitorClient> clients, AlertTriggered alert)
    {
        var send = clients.User(alert.UserId.ToString(CultureInfo.InvariantCulture)).AlertTriggered(alert);
        if (send.IsCompleted)
        {
            return send;
        }

        _ = ObserveAsync(send);
        return Task.CompletedTask;
    }

    private async Task ObserveAsync(Task send)
    {
        try
        {
            await send;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPushFailed(ex);
        }
    }

    // DropOldest: a full queue never refuses a write, it drops the oldest event (EventDropped) and takes this one.
    private ValueTask Enqueue(Func<IHubClients<IMonitorClient>, Task> send)
    {
        _queue.Writer.TryWrite(new Push(null, send));
        return ValueTask.CompletedTask;
    }

    /// <summary>A statement (coalesced with its neighbours) or any other push.</summary>
    private sealed record Push(StatementStored? Statement, Func<IHubClients<IMonitorClient>, Task>? Send);

    private void EventDropped()
    {
        var dropped = Interlocked.Increment(ref _droppedEvents);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            LogEventsDropped(dropped);
        }
    }

    /// <summary>The counters in the log once a minute, when anything is queued or was dropped since the last report.</summary>
    private async Task ReportAsync(TimeSpan every, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every);
        (long Clients, long Events) last = (0, 0);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = (Clients: _clients.DroppedClients, Events: DroppedEvents);
                var deepest = _clients.DeepestQueue;
                if (now != last || deepest > 0 || QueueDepth > 0)
                {
                    LogStatus(_clients.Connections, deepest, QueueDepth, now.Clients, now.Events);
                    last = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Pushed(long statementId)
    {
        lock (_pushedIds)
        {
            if (_pushedIds.Add(statementId))
            {
                _pushedOrder.Enqueue(statementId);
                if (_pushedOrder.Count > RememberedKeys)
                {
                    _pushedIds.Remove(_pushedOrder.Dequeue());
                }
            }
        }
    }

    private bool FirstTime(string key)
    {
        lock (_seen)
        {
            if (!_seen.Add(key))
            {
                return false;
            }

            _seenOrder.Enqueue(key);
            if (_seenOrder.Count > RememberedKeys)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }

            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The live broadcaster fell behind the bus: dropped its oldest event ({DroppedEvents} dropped since start); clients catch up over REST")]
    private partial void LogEventsDropped(long droppedEvents);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Live push: {Connections} clients, deepest client queue {DeepestQueue}, broadcaster queue {QueueDepth}; dropped since start: {DroppedClients} clients, {DroppedEvents} events")]
    private partial void LogStatus(int connections, int deepestQueue, int queueDepth, long droppedClients, long droppedEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pushing an event to the dashboard clients failed")]
    private partial void LogPushFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus came back after a gap: the live clients catch up on statements stored since {Since:o}")]
    private partial void LogBusGap(DateTimeOffset since);
}
