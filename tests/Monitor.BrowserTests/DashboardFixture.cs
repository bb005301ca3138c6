using System.Diagnostics;
using Microsoft.Playwright;
using Monitor.Contracts;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.BrowserTests;

/// <summary>
/// The distributed topology the browser tests look at: the dashboard, Ingestion (polling an empty test feed, so the
/// sources page has a source with health), Tagging and Persistence, each its own OS process on a fresh RabbitMQ
/// virtual host and PostgreSQL database; a bus that publishes into the pipeline; and one Chromium. A few statements
/// are stored up front so every page has something to show.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private IPlaywright? _playwright;

    public DistributedTopology Topology { get; private set; } = null!;

    public MonitorProcess Dashboard { get; private set; } = null!;

    public PipelineBus Bus { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Stored before any test: one statement tagged sanctions (the statement page's screenshot shows it).</summary>
    public StatementStored Sanctions { get; private set; } = null!;

    public StatementStored Humanitarian { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Chromium first: without it nothing below is worth starting.
        (_playwright, Browser) = await Chromium.LaunchAsync();
        Topology = await DistributedTopology.CreateAsync(pollSeconds: 5);
        Dashboard = Topology.Create(Monitor.Testing.Topology.Dashboard);
        var processes = new[] { Dashboard, Topology.Create("workers/Monitor.Ingestion"), Topology.Create("workers/Monitor.Tagging"), Topology.Create("workers/Monitor.Persistence") };
        await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));
        Bus = await PipelineBus.StartAsync(Topology.Rabbit);
        Store = new StatementStore(Topology.OpenDatabase());

        Sanctions = await PublishAndStoreAsync(Texts.SanctionsStatement("Seed"));
        Humanitarian = await PublishAndStoreAsync(Texts.HumanitarianStatement("Seed"));
    }

    /// <summary>A browser context on the dashboard at the given viewport, recording statement arrivals.</summary>
    public Task<IBrowserContext> NewContextAsync(ViewportSize? viewport = null) => NewContextAsync(Browser, Dashboard.BaseAddress, viewport);

    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, Uri dashboard, ViewportSize? viewport = null)
    {
        var size = viewport ?? Desktop;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = dashboard.ToString(),
            ViewportSize = size,
            IsMobile = size.Width < 600,
            HasTouch = size.Width < 600,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        await context.AddInitScriptAsync(LivePage.ArrivalRecorder);
        return context;
    }

    /// <summary>Publishes a discovery and waits until Persistence has stored it; the stored form (id, topics).</summary>
    public Task<StatementStored> PublishAndStoreAsync(StatementDiscovered statement) => PublishAndStoreAsync(Bus, Store, statement);

    /// <summary>The topology's statements, read directly (one connection pool for the whole fixture).</summary>
    public StatementStore Store { get; private set; } = null!;

    public static async Task<StatementStored> PublishAndStoreAsync(PipelineBus bus, StatementStore store, StatementDiscovered statement)
    {
        await bus.PublishAsync(statement);
        return (await WaitForStoredAsync(store, [statement.ExternalId], TimeSpan.FromSeconds(60)))[0];
    }

    /// <summary>Waits until every one of the statements is stored; them, in the order asked.</summary>
    public static async Task<IReadOnlyList<StatementStored>> WaitForStoredAsync(StatementStore store, IReadOnlyList<string> externalIds, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var found = new Dictionary<string, StatementStored>(StringComparer.Ordinal);
        var wanted = externalIds.ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            foreach (var statement in await store.GetLatestAsync(500))
            {
                if (wanted.Contains(statement.ExternalId))
                {
                    found[statement.ExternalId] = statement;
                }
            }

            if (found.Count == wanted.Count)
            {
                return [.. externalIds.Select(id => found[id])];
            }

            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"{wanted.Count - found.Count} of {wanted.Count} statements were not stored within {within.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Bus is not null)
        {
            await Bus.DisposeAsync();
        }

        if (Topology is not null)
        {
            await Topology.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(DashboardCollection))]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>;
