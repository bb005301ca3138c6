using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;

namespace Monitor.Testing;

/// <summary>
/// A SignalR client of the dashboard that behaves as the live page does (<c>wwwroot/js/lib/live.js</c>): it reconnects
/// for as long as it takes, and after every reconnect asks <c>/api/live/since</c> for what was stored from (the newest
/// stored time it has seen − 60 s), following <c>X-Next-Cursor</c>. It records the pushes and the catch-up pages apart,
/// and what it shows: each (statement, revision) once.
/// </summary>
public sealed class CatchingUpLiveClient : IAsyncDisposable
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly HubConnection _connection;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<(long, int), StatementStored> _shown = new();
    private readonly SemaphoreSlim _catchUpGate = new(1, 1);
    private long _newestStoredAtTicks;

    private CatchingUpLiveClient(Uri dashboard)
    {
        _http = new HttpClient { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(dashboard, "/hubs/monitor"))
            .WithAutomaticReconnect(new EverySecond())
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        _connection.On<StatementStored>(nameof(StatementStored), s =>
        {
            Pushes.Enqueue(s);
            Show(s);
        });

        // Under load the dashboard coalesces statements queued together into one push (as live.js takes them).
        _connection.On<StatementStored[]>("StatementsStored", list =>
        {
            foreach (var s in list)
            {
                Pushes.Enqueue(s);
                Show(s);
            }
        });
        _connection.Reconnected += connectionId =>
        {
            Interlocked.Increment(ref _reconnects);
            _ = CatchUpUntilDoneAsync(null);
            return Task.CompletedTask;
        };

        // The server's bus was away (a broker restart): as live.js, catch up from what the server last had.
        _connection.On<DateTimeOffset>("CatchUp", since =>
        {
            Interlocked.Increment(ref _catchUpRequests);
            _ = CatchUpUntilDoneAsync(since);
        });
    }

    private int _reconnects;
    private int _catchUpRequests;

    /// <summary>How often the server asked for a catch-up (its bus was away).</summary>
    public int CatchUpRequests => _catchUpRequests;

    /// <summary>Every push, in arrival order, repeats included.</summary>
    public ConcurrentQueue<StatementStored> Pushes { get; } = new();

    /// <summary>Every statement a catch-up page brought, overlap with the pushes included.</summary>
    public ConcurrentQueue<StatementStored> CaughtUp { get; } = new();

    /// <summary>What the page shows: each (statement, revision) once, from a push or a catch-up.</summary>
    public IReadOnlyCollection<StatementStored> Shown => _shown.Values.ToList();

    public int Reconnects => _reconnects;

    public int CatchUps { get; private set; }

    /// <summary>Pushes of a (statement, revision) pushed before: what the server sent twice.</summary>
    public int RepeatedPushes => Pushes.Count - Pushes.Select(s => (s.StatementId, s.Revision)).Distinct().Count();

    public HubConnectionState State => _connection.State;

    public static async Task<CatchingUpLiveClient> ConnectAsync(Uri dashboard)
    {
        var client = new CatchingUpLiveClient(dashboard);
        await client._connection.StartAsync();
        // The page's first view is a snapshot of now: a catch-up after the first reconnect starts from here.
        client._newestStoredAtTicks = DateTimeOffset.UtcNow.UtcTicks;
        return client;
    }

    public async Task WaitForShownAsync(int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (_shown.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private void Show(StatementStored statement)
    {
        _shown.TryAdd((statement.StatementId, statement.Revision), statement);
        var ticks = statement.StoredAt.UtcTicks;
        long seen;
        while (ticks > (seen = Interlocked.Read(ref _newestStoredAtTicks)) && Interlocked.CompareExchange(ref _newestStoredAtTicks, ticks, seen) != seen)
        {
        }
    }

    private async Task CatchUpUntilDoneAsync(DateTimeOffset? since)
    {
        // The gap starts at what the client had before this connection, or earlier where the server says so; fixed now,
        // as live.js fixes it.
        var from = new DateTimeOffset(Interlocked.Read(ref _newestStoredAtTicks), TimeSpan.Zero);
        if (since is { } serverSince && serverSince < from)
        {
            from = serverSince;
        }

        await _catchUpGate.WaitAsync();
        try
        {
            for (var attempt = 0; attempt < 60; attempt++)
            {
                try
                {
                    await CatchUpAsync(from);
                    CatchUps++;
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2));
                }
            }
        }
        finally
        {
            _catchUpGate.Release();
        }
    }

    private async Task CatchUpAsync(DateTimeOffset from)
    {
        if (from.UtcTicks == 0)
        {
            return;
        }

        var after = Uri.EscapeDataString((from - Margin).ToString("O", CultureInfo.InvariantCulture));
        string? cursor = null;
        do
        {
            var url = $"/api/live/since?after={after}&limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await _http.GetAsync(new Uri(url, UriKind.Relative));
            response.EnsureSuccessStatusCode();
            foreach (var statement in await response.Content.ReadFromJsonAsync<List<StatementStored>>(Json) ?? [])
            {
                CaughtUp.Enqueue(statement);
                Show(statement);
            }

            cursor = response.Headers.TryGetValues("X-Next-Cursor", out var values) ? values.FirstOrDefault() : null;
        }
        while (cursor is not null);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _http.Dispose();
        _catchUpGate.Dispose();
    }

    private sealed class EverySecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromSeconds(1);
    }
}
