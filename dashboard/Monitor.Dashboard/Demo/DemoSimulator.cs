using System.Globalization;
using Monitor.FeedSimulator;
using Simulator = Monitor.FeedSimulator.FeedSimulator;

namespace Monitor.Dashboard.Demo;

/// <summary>
/// The demo: the feed simulator runs inside the dashboard with a few feeds of each shape, a new statement every few
/// seconds, and they are polled over HTTP like any other source, so a newcomer without internet sees the whole
/// pipeline move. The statements are written by the project; none is real.
/// </summary>
public sealed partial class DemoSimulator(DemoOptions options, ILogger<DemoSimulator> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>The demo feeds: id (nato-… / ep-… names the institution a feed imitates), name, shape, the adapter that reads it.</summary>
    public static readonly IReadOnlyList<(string Id, string Name, FeedShape Shape, string Adapter)> Feeds =
    [
        ("ep-demo-press", "Demo: EP-style press releases (RSS)", FeedShape.Rss, "rss"),
        ("ep-demo-plenary", "Demo: EP-style plenary news (RSS)", FeedShape.Rss, "rss"),
        ("demo-atom", "Demo: statements (Atom)", FeedShape.Atom, "rss"),
        ("nato-demo-news", "Demo: NATO-style news (site search JSON)", FeedShape.NatoJson, "nato-json"),
        ("nato-demo-transcripts", "Demo: NATO-style transcripts (site search JSON)", FeedShape.NatoJson, "nato-json"),
        ("ep-demo-api-atom", "Demo: EP Open Data-style adopted texts (Atom)", FeedShape.EpApiAtom, "ep-api"),
        ("ep-demo-api-jsonld", "Demo: EP Open Data-style adopted texts (JSON-LD)", FeedShape.EpApiJsonLd, "ep-api"),
    ];

    private Simulator? _simulator;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _simulator = await Simulator.StartAsync(new FeedSimulatorOptions
        {
            Port = options.SimulatorPort,
            ItemsPerMinute = 60.0 / Math.Max(1, options.IntervalSeconds),
        }, cancellationToken: cancellationToken);
        foreach (var feed in Feeds)
        {
            _simulator.AddFeed(feed.Id, feed.Shape, initialItems: 3);
        }

        LogStarted(_simulator.BaseAddress, Feeds.Count, options.IntervalSeconds);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
            _simulator = null;
        }
    }

    /// <summary>
    /// Registers the demo feeds as configured sources and allows loopback for them (Ingestion:AllowedNetworks):
    /// configuration, so Ingestion sees it whichever way it reads its options.
    /// </summary>
    internal static void Configure(WebApplicationBuilder builder, DemoOptions demo)
    {
        if (demo.SimulatorPort == 0)
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            demo.SimulatorPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var baseAddress = new Uri($"http://127.0.0.1:{demo.SimulatorPort}/");
        var settings = new Dictionary<string, string?>();
        var sources = builder.Configuration.GetSection("Ingestion:Sources").GetChildren().Count();
        foreach (var (feed, index) in Feeds.Select((feed, i) => (feed, i + sources)))
        {
            var prefix = $"Ingestion:Sources:{index.ToString(CultureInfo.InvariantCulture)}:";
            settings[prefix + "Id"] = feed.Id;
            settings[prefix + "Name"] = feed.Name;
            settings[prefix + "Url"] = new Uri(baseAddress, Simulator.FeedPath(feed.Id, feed.Shape)).ToString();
            settings[prefix + "Adapter"] = feed.Adapter;
            settings[prefix + "PollIntervalSeconds"] = Math.Max(1, demo.IntervalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        var networks = builder.Configuration.GetSection("Ingestion:AllowedNetworks").GetChildren().Count();
        settings[$"Ingestion:AllowedNetworks:{networks.ToString(CultureInfo.InvariantCulture)}"] = "127.0.0.1/32";
        builder.Configuration.AddInMemoryCollection(settings);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: the feed simulator serves {Feeds} feeds at {BaseAddress}, a new statement every {Seconds} s; Ingestion may reach 127.0.0.1/32 (Ingestion:AllowedNetworks) for them")]
    private partial void LogStarted(Uri baseAddress, int feeds, int seconds);
}
