using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Monitor.FeedSimulator;

/// <summary>
/// Serves any number of simulated feeds on 127.0.0.1: RSS, Atom, NATO search JSON and EP Open Data Portal shapes,
/// with conditional GET, items added at a chosen rate, and faults switched on and off per feed. Control it in
/// process through this class or over HTTP under <c>/control</c> (<see cref="SimulatorControlApi"/>).
/// </summary>
public sealed class FeedSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SimulatedFeed> _feeds = new(StringComparer.Ordinal);
    private readonly StatementWriter _writer;
    private readonly CancellationTokenSource _stopping = new();
    private Task _ticker = Task.CompletedTask;
    private long _numbers;
    private int _nextFeed;

    private FeedSimulator(WebApplication app, FeedSimulatorOptions options)
    {
        _app = app;
        Options = options;
        _writer = new StatementWriter(options.Seed);
    }

    public FeedSimulatorOptions Options { get; }

    /// <summary>The generated archive of historical statements under <c>/archive/</c>.</summary>
    public SimulatedArchive Archive { get; private set; } = null!;

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<SimulatedFeed> Feeds => _feeds.Values.OrderBy(f => f.Id, StringComparer.Ordinal).ToList();

    public SimulatedFeed this[string id] =>
        _feeds.TryGetValue(id, out var feed) ? feed : throw new KeyNotFoundException($"No simulated feed '{id}'.");

    public static async Task<FeedSimulator> StartAsync(FeedSimulatorOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        options ??= new FeedSimulatorOptions();
        if (!System.Net.IPAddress.TryParse(options.Host, out var host) || !System.Net.IPAddress.IsLoopback(host))
        {
            throw new ArgumentException($"The simulator listens on a loopback address only; got '{options.Host}'.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        var simulator = new FeedSimulator(app, options);
        simulator.Archive = new SimulatedArchive(options.Archive);
        simulator.Archive.Map(app);
        app.MapSimulatedFeeds(simulator);
        app.MapSimulatorControl(simulator);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        simulator.SetRate(options.ItemsPerMinute);
        simulator._ticker = simulator.TickAsync(simulator._stopping.Token);
        return simulator;
    }

    /// <summary>Adds a feed listing <paramref name="initialItems"/> statements already.</summary>
    public SimulatedFeed AddFeed(string id, FeedShape shape, int initialItems = 5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"A feed id is letters, digits, '-' and '_'; got '{id}'.", nameof(id));
        }

        var feed = new SimulatedFeed(id, shape, new Uri(BaseAddress, FeedPath(id, shape)), Options.ItemsPerFeed);
        if (!_feeds.TryAdd(id, feed))
        {
            throw new InvalidOperationException($"A simulated feed '{id}' exists already.");
        }

        Publish(id, initialItems);
        return feed;
    }

    /// <summary>Where a feed is served, relative to <see cref="BaseAddress"/>: known before the feed is added.</summary>
    public static string FeedPath(string id, FeedShape shape) =>
        $"feeds/{id}.{(shape is FeedShape.NatoJson or FeedShape.EpApiJsonLd ? "json" : "xml")}";

    public bool RemoveFeed(string id) => _feeds.TryRemove(id, out _);

    /// <summary>Adds <paramref name="count"/> new statements to a feed, newest last.</summary>
    public IReadOnlyList<SimulatedItem> Publish(string id, int count = 1)
    {
        var feed = this[id];
        var added = new List<SimulatedItem>(count);
        for (var i = 0; i < count; i++)
        {
            var now = DateTimeOffset.UtcNow;
            var item = _writer.Write(feed.Id, feed.Shape, Interlocked.Increment(ref _numbers), now);
            feed.Add(item, now);
            added.Add(item);
        }

        return added;
    }

    public void Break(string id, FeedFault fault, TimeSpan? delay = null, Uri? redirectTarget = null) => this[id].Break(fault, delay, redirectTarget);

    public void Heal(string id) => this[id].Heal();

    /// <summary>New items per minute over all feeds, given to each feed in turn; 0 stops adding.</summary>
    public void SetRate(double itemsPerMinute)
    {
        if (itemsPerMinute < 0 || double.IsNaN(itemsPerMinute) || double.IsInfinity(itemsPerMinute))
        {
            throw new ArgumentOutOfRangeException(nameof(itemsPerMinute), itemsPerMinute, "The rate is a number of items per minute, 0 or more.");
        }

        Options.ItemsPerMinute = itemsPerMinute;
    }

    internal SimulatedItem? FindArticle(string path) =>
        _feeds.Values.Select(feed => feed.FindByPath(path)).FirstOrDefault(item => item is not null);

    internal bool TryGetFeed(string id, out SimulatedFeed feed) => _feeds.TryGetValue(id, out feed!);

    /// <summary>Every 100 ms, the items due at the current rate, to each feed in turn.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var due = 0.0;
        var last = DateTimeOffset.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var now = DateTimeOffset.UtcNow;
            due = Options.ItemsPerMinute > 0 ? due + ((now - last).TotalMinutes * Options.ItemsPerMinute) : 0;
            last = now;
            if (due < 1)
            {
                continue;
            }

            var feeds = Feeds;
            for (; due >= 1 && feeds.Count > 0; due--)
            {
                var feed = feeds[_nextFeed++ % feeds.Count];
                if (_feeds.ContainsKey(feed.Id))
                {
                    Publish(feed.Id);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _ticker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
