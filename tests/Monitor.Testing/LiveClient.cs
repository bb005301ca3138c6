using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;

namespace Monitor.Testing;

/// <summary>A real SignalR client of the dashboard hub that records everything pushed to it.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private int _coalescedPushes;

    private LiveClient(HubConnection connection)
    {
        _connection = connection;
        connection.On<StatementStored>(nameof(StatementStored), s => Statements.Enqueue((s, DateTimeOffset.UtcNow)));
        connection.On<AlertTriggered>(nameof(AlertTriggered), a => Alerts.Enqueue(a));
        connection.On<SourceHealthChanged>(nameof(SourceHealthChanged), h => Health.Enqueue(h));
        connection.On<EventChipsPush>("StatementsGrouped", chips => Grouped.Enqueue(chips));
        connection.On<string, StatementStored>("TopicStatementStored", (topic, s) => TopicStatements.Enqueue((topic, s)));

        // Statements queued together on the server come in one push; each counts as if it had come alone.
        connection.On<StatementStored[]>("StatementsStored", list =>
        {
            Interlocked.Increment(ref _coalescedPushes);
            var now = DateTimeOffset.UtcNow;
            foreach (var s in list)
            {
                Statements.Enqueue((s, now));
            }
        });
        connection.On<string, StatementStored[]>("TopicStatementsStored", (topic, list) =>
        {
            foreach (var s in list)
            {
                TopicStatements.Enqueue((topic, s));
            }
        });
    }

    /// <summary>Pushes that carried several statements at once (the server coalesces them under load).</summary>
    public int CoalescedPushes => Volatile.Read(ref _coalescedPushes);

    /// <summary>What arrived through the per-topic groups this client joined.</summary>
    public ConcurrentQueue<(string TopicId, StatementStored Statement)> TopicStatements { get; } = new();

    /// <summary>Connected while the hub connection is up; a dropped connection is not restarted.</summary>
    public HubConnectionState State => _connection.State;

    public Task JoinTopicAsync(string topicId) => _connection.InvokeAsync("JoinTopic", topicId);

    public ConcurrentQueue<(StatementStored Statement, DateTimeOffset ReceivedAt)> Statements { get; } = new();

    public ConcurrentQueue<AlertTriggered> Alerts { get; } = new();

    /// <summary>The event chips pushed after clustering pages (hub method <c>StatementsGrouped</c>), in arrival order.</summary>
    public ConcurrentQueue<EventChipsPush> Grouped { get; } = new();

    /// <summary>Waits until at least <paramref name="count"/> event chip pushes arrived (then returns; the caller checks them).</summary>
    public async Task WaitForCountOfGroupedAsync(int count, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (Grouped.Count < count && deadline.Elapsed < within)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until a pushed event chip names the statement; the push that did.</summary>
    public async Task<EventChipsPush> WaitForGroupedAsync(long statementId, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            var found = Grouped.FirstOrDefault(g => g.Statements.Any(s => s.StatementId == statementId));
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No event chip for statement {statementId} reached the SignalR client within {within.TotalSeconds} s; it received {Grouped.Count} chip pushes.");
    }

    public ConcurrentQueue<SourceHealthChanged> Health { get; } = new();

    public static async Task<LiveClient> ConnectAsync(Uri dashboard)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(dashboard, "/hubs/monitor"))
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var client = new LiveClient(connection);
        await connection.StartAsync();
        return client;
    }

    public async Task<StatementStored> WaitForStatementAsync(Func<StatementStored, bool> match, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            var found = Statements.FirstOrDefault(s => match(s.Statement));
            if (found.Statement is not null)
            {
                return found.Statement;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No matching statement reached the SignalR client within {within.TotalSeconds} s; it received {Statements.Count}.");
    }

    /// <summary>Waits for a pushed health change that matches; the push follows the database update, so it can lag the API.</summary>
    public async Task<SourceHealthChanged> WaitForHealthAsync(Func<SourceHealthChanged, bool> match, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            var found = Health.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No matching health change reached the SignalR client within {within.TotalSeconds} s; it received {Health.Count}.");
    }

    public async Task WaitForCountAsync(int count, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (Statements.Count < count && deadline.Elapsed < within)
        {
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}

/// <summary>The dashboard's <c>EventChips</c> push as a client reads it.</summary>
public sealed record EventChipsPush(IReadOnlyList<StatementGrouped> Statements, IReadOnlyList<EventChipPush> Events);

/// <summary>One event of an <see cref="EventChipsPush"/>.</summary>
public sealed record EventChipPush(long EventId, string Title, IReadOnlyList<string> Institutions, int Members, IReadOnlyList<long> Merged);
