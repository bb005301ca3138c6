using System.Diagnostics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Data;
using Monitor.Data.Sources;
using Monitor.Data.Statements;
using Monitor.Ingestion;
using Monitor.Ingestion.Polling;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.Workers.Tests.Polling;

/// <summary>
/// The scheduler with real feed servers on 127.0.0.1: sources that trickle a byte at a time must not hold every poll
/// slot for their whole timeout while a healthy source is due.
/// </summary>
public sealed class SourceSchedulerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FeedServer _trickling = null!;
    private FeedServer _healthy = null!;
    private MigratedSqlite _sqlite = null!;
    private BusHarness _bus = null!;

    public async Task InitializeAsync()
    {
        _trickling = await FeedServer.StartAsync();
        _trickling.Behaviour = FeedBehaviour.SlowLoris;
        _healthy = await FeedServer.StartAsync();
        _healthy.Add(new TestFeedItem("item-1", "Allies meet", "Text.", DateTimeOffset.UtcNow));
        _sqlite = await MigratedSqlite.CreateAsync();
        _bus = await BusHarness.StartAsync(FetcherHarness.Services(options =>
        {
            FetcherHarness.AllowTestFeeds(options);
            options.UseDefaultSources = false;
            options.MaxConcurrentPolls = 4;
            options.SchedulerTick = TimeSpan.FromMilliseconds(100);
            // Long enough that only the scheduler can keep the healthy source going within the test.
            options.RequestTimeout = TimeSpan.FromSeconds(60);
            options.SlowBodyGrace = TimeSpan.FromSeconds(60);
            options.SlowPollAfter = TimeSpan.FromSeconds(2);
        }, more: services => services
            .AddSingleton(_sqlite.Database)
            .AddSingleton<SourceStore>()
            .AddSingleton<SourcePollLog>()
            .AddSingleton<SourceAdminStore>()
            .AddSingleton<DiscoveredItemStore>()
            .AddSingleton<SourceScheduler>()
            .AddMassTransitTestHarness()));
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _trickling.DisposeAsync();
        await _healthy.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task Four_trickling_sources_do_not_keep_a_healthy_source_from_being_polled()
    {
        var store = _bus.Get<SourceStore>();
        await store.UpsertAsync(Enumerable.Range(1, 4).Select(n =>
            new SourceDefinition($"trickle-{n}", $"Trickle {n}", $"{_trickling.FeedUrl}?n={n}", "rss", 10)));
        var scheduler = _bus.Get<SourceScheduler>();
        await scheduler.StartAsync(default);
        try
        {
            await WaitUntilAsync(() => _trickling.Requests >= 4, TimeSpan.FromSeconds(30));
            await store.UpsertAsync([new SourceDefinition("healthy", "Healthy", _healthy.FeedUrl.ToString(), "rss", 1)]);
            var clock = Stopwatch.StartNew();

            // Due every second; the four trickling polls run for their whole 60 s timeout meanwhile.
            await Task.Delay(TimeSpan.FromSeconds(8));

            output.WriteLine($"healthy source polled {_healthy.Requests} times in {clock.Elapsed.TotalSeconds:0.0} s beside 4 trickling polls " +
                $"({_trickling.Requests} requests to the trickling server)");
            Assert.InRange(_healthy.Requests, 3, 20);
            Assert.Equal(4, _trickling.Requests);
        }
        finally
        {
            await scheduler.StopAsync(default);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, $"not reached within {limit}");
            await Task.Delay(50);
        }
    }
}
