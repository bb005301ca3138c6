using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Feeds;
using Monitor.Ingestion.Polling;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.Workers.Tests.Polling;

/// <summary>
/// Article pages are fetched for many items of many sources at once. However many items link to however many hosts,
/// one Ingestion process fetches at most <c>MaxConcurrentArticleFetches</c> pages at a time and reads at most
/// <c>MaxArticleBytes</c> of each, so the bytes in flight are bounded. Real HTTP on 24 loopback addresses.
/// </summary>
public sealed class ArticleLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Hosts = 24;
    private LoopbackServer _server = null!;
    private int _port;
    private int _inFlight;
    private int _maxInFlight;
    private int _requests;

    /// <summary>Size of every page the server sends.</summary>
    private int _pageBytes = 1024 * 1024;

    public async Task InitializeAsync()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _server = await LoopbackServer.StartAsync(app => app.MapGet("/page/{id}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _requests);
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, now);
            try
            {
                // Slow enough that every fetch the client starts at once overlaps on the server.
                await Task.Delay(300, context.RequestAborted);
                context.Response.ContentType = "text/html; charset=utf-8";
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'a');
                for (var sent = 0; sent < _pageBytes; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, _pageBytes - sent)), context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The client stopped reading at its cap.
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }), [.. Enumerable.Range(1, Hosts).Select(n => $"http://127.0.0.{n}:{_port}")], graceful: false);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Pages_of_items_linking_to_many_hosts_are_fetched_a_few_at_a_time_per_process()
    {
        await using var services = Services(new BodyCountingHandler());
        var limit = services.Options().Value.MaxConcurrentArticleFetches;
        var items = Enumerable.Range(1, Hosts * 2).Select(n => Item(n, host: 1 + n % Hosts)).ToList();

        // Two sources polled at once, each with items on every host: the limit is the process's, not the poll's.
        var completed = await Task.WhenAll(items.Select((item, n) => services.CreateScope().ServiceProvider.GetRequiredService<ArticleFetcher>()
            .CompleteAsync(n % 2 == 0 ? "source-a" : "source-b", "nato-json", item, default)));

        output.WriteLine($"{_requests} pages, at most {_maxInFlight} at once (limit {limit}, {Hosts} hosts)");
        Assert.Equal(items.Count, _requests);
        Assert.All(completed, c => Assert.StartsWith("Full text", c.Body, StringComparison.Ordinal));
        Assert.InRange(_maxInFlight, 1, limit);
    }

    [Fact]
    public async Task An_article_page_larger_than_its_cap_is_not_read_past_the_cap_and_keeps_the_summary()
    {
        _pageBytes = 9 * 1024 * 1024;
        var counter = new BodyCountingHandler();
        await using var services = Services(counter);
        var cap = services.Options().Value.MaxArticleBytes;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var completed = await services.CreateScope().ServiceProvider.GetRequiredService<ArticleFetcher>()
            .CompleteAsync("source-a", "nato-json", Item(1, host: 1), default);

        output.WriteLine($"a {_pageBytes:N0}-byte page: {counter.BytesRead:N0} bytes read (cap {cap:N0}); " +
            $"{GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore:N0} bytes allocated in the test process meanwhile");
        Assert.Equal("", completed.Body);
        Assert.InRange(counter.BytesRead, 0, cap + 64 * 1024);
    }

    private static ServiceProvider Services(BodyCountingHandler counter) =>
        FetcherHarness.Services(options => options.AllowedNetworks.Add("127.0.0.0/8"), more: services =>
        {
            services.AddSingleton<IFullText, EveryPage>();
            services.AddHttpClient<FeedFetcher>().AddHttpMessageHandler(() => counter);
        });

    private FeedItem Item(int n, int host) =>
        new($"item-{n}", $"http://127.0.0.{host}:{_port}/page/{n}", $"Item {n}", "Summary.", "", DateTimeOffset.UtcNow, null, "en");

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>Wants every item's page and takes any page as its text.</summary>
    private sealed class EveryPage : IFullText
    {
        public bool Wants(string adapter, FeedItem item) => true;

        public ArticleContent? Extract(string html, Uri pageUrl) => new($"Full text of {pageUrl} ({html.Length} chars)", "<p>x</p>");
    }
}
