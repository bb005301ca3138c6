using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Monitor.Contracts;
using Monitor.Dashboard.Hubs;

namespace Monitor.Dashboard.Live;

/// <summary>
/// Hands events from the bus to SignalR on its own loop, so a consumer never waits on a slow client, and drops
/// repeats: the outbox relay may republish an event after a crash, and a client must see each revision once.
/// </summary>
public sealed partial class LiveBroadcaster(IHubContext<MonitorHub, IMonitorClient> hub, ILogger<LiveBroadcaster> logger) : BackgroundService
{
    private const int RememberedKeys = 100_000;

    private readonly Channel<Func<IHubClients<IMonitorClient>, Task>> _queue =
        Channel.CreateBounded<Func<IHubClients<IMonitorClient>, Task>>(new BoundedChannelOptions(10_000) { SingleReader = true });

    private readonly HashSet<string> _seen = [];
    private readonly Queue<string> _seenOrder = new();

    public ValueTask StatementStoredAsync(StatementStored statement, CancellationToken cancellationToken) =>
        FirstTime($"statement:{statement.StatementId}:{statement.Revision}")
            ? _queue.Writer.WriteAsync(async clients =>
            {
                await clients.All.StatementStored(statement);
                foreach (var topic in statement.Topics)
                {
                    await clients.Group(MonitorHub.TopicGroup(topic.TopicId)).TopicStatementStored(topic.TopicId, statement);
                }
            }, cancellationToken)
            : ValueTask.CompletedTask;

    public ValueTask AlertTriggeredAsync(AlertTriggered alert, CancellationToken cancellationToken) =>
        FirstTime($"alert:{alert.AlertId}")
            ? _queue.Writer.WriteAsync(clients => clients.All.AlertTriggered(alert), cancellationToken)
            : ValueTask.CompletedTask;

    public ValueTask SourceHealthChangedAsync(SourceHealthChanged health, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(clients => clients.All.SourceHealthChanged(health), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var push in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await push(hub.Clients);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPushFailed(ex);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pushing an event to the dashboard clients failed")]
    private partial void LogPushFailed(Exception exception);
}
