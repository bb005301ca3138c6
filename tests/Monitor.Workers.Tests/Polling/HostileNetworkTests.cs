using System.Diagnostics;
using Xunit.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Ingestion.Polling;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Polling;

/// <summary>
/// The fetcher against a real HTTP server on 127.0.0.1 that misbehaves the ways real sites and hostile ones do.
/// Every case must end in a failed poll with a readable error, in bounded time and memory.
/// </summary>
public sealed class HostileNetworkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FeedServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FeedServer.StartAsync();
        _server.Add(new TestFeedItem("item-1", "Allies meet", "Text.", DateTimeOffset.UtcNow));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Loopback_is_refused_by_default_before_any_request_is_sent()
    {
        await using var services = FetcherHarness.Services(_ => { });

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        Assert.Contains("refused: 127.0.0.1 is a loopback address; allow it with Ingestion:AllowedNetworks", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task An_allowed_network_is_fetched()
    {
        await using var services = FetcherHarness.Services(FetcherHarness.AllowTestFeeds);

        var fetched = await services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default);

        Assert.Contains("Allies meet", System.Text.Encoding.UTF8.GetString(fetched.Content), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.2", "refused: 127.0.0.2 is a loopback address")]
    [InlineData("[::1]", "refused: ::1 is a loopback address")]
    [InlineData("10.0.0.1", "refused: 10.0.0.1 is a private address")]
    [InlineData("169.254.169.254", "refused: 169.254.169.254 is a link-local address")]
    public async Task A_redirect_to_a_private_address_is_refused_before_connecting(string host, string refusal)
    {
        await using var services = FetcherHarness.Services(FetcherHarness.AllowTestFeeds);
        _server.Behaviour = FeedBehaviour.Redirect;
        _server.RedirectTarget = new Uri($"http://{host}:{_server.FeedUrl.Port}/feed.xml");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        Assert.Contains(refusal, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Requests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {clock.Elapsed}: it must not try to connect");
    }

    [Theory]
    [InlineData(FeedBehaviour.HugeBody)]
    [InlineData(FeedBehaviour.HugeBodyAnnounced)]
    public async Task A_50_MB_body_is_refused_without_being_read_whole(FeedBehaviour behaviour)
    {
        var counter = new BodyCountingHandler();
        await using var services = FetcherHarness.Services(FetcherHarness.AllowTestFeeds,
            more: s => s.AddHttpClient<FeedFetcher>().AddHttpMessageHandler(() => counter));
        var max = services.Options().Value.MaxFeedBytes;
        _server.Behaviour = behaviour;

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        output.WriteLine($"{behaviour}: refused after {clock.ElapsedMilliseconds} ms, {counter.BytesRead:N0} body bytes read, "
            + $"{(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024 / 1024} MB allocated in the process meanwhile");
        Assert.Contains("MaxFeedBytes", error.Message, StringComparison.Ordinal);
        Assert.InRange(counter.BytesRead, 0, max + (64 * 1024));
        if (behaviour == FeedBehaviour.HugeBodyAnnounced)
        {
            Assert.Equal(0, counter.BytesRead);
        }
    }

    [Theory]
    [InlineData("rss", 1)]
    [InlineData("ep-api", 3)]
    public async Task A_slow_loris_fails_within_the_adapters_total_timeout(string adapter, int seconds)
    {
        await using var services = FetcherHarness.Services(options =>
        {
            FetcherHarness.AllowTestFeeds(options);
            options.RequestTimeout = TimeSpan.FromSeconds(1);
            options.AdapterTimeouts["ep-api"] = TimeSpan.FromSeconds(3);
        });
        _server.Behaviour = FeedBehaviour.SlowLoris;
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl, adapter), default));

        output.WriteLine($"slow-loris ({adapter}): failed after {clock.ElapsedMilliseconds} ms");
        Assert.Contains($"timed out after {seconds} s", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(seconds - 0.2), TimeSpan.FromSeconds(seconds + 3));
        Assert.True(_server.BytesSent > 0, "the server never started trickling");
    }

    [Fact]
    public async Task A_body_that_trickles_slower_than_the_minimum_rate_fails_long_before_the_total_timeout()
    {
        await using var services = FetcherHarness.Services(options =>
        {
            FetcherHarness.AllowTestFeeds(options);
            options.RequestTimeout = TimeSpan.FromSeconds(60);
            options.SlowBodyGrace = TimeSpan.FromSeconds(2);
        });
        _server.Behaviour = FeedBehaviour.SlowLoris;
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        output.WriteLine($"trickle at 2 bytes/s, 60 s timeout: failed after {clock.ElapsedMilliseconds} ms: {error.Message}");
        Assert.Contains("less than 1,024 bytes/s", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task A_redirect_loop_fails_with_a_clear_error()
    {
        await using var services = FetcherHarness.Services(FetcherHarness.AllowTestFeeds);
        _server.Behaviour = FeedBehaviour.RedirectLoop;

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        Assert.Contains("Redirect loop", error.Message, StringComparison.Ordinal);
        Assert.Contains("/loop/1, which was already visited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_beyond_the_cap_fail()
    {
        await using var services = FetcherHarness.Services(options =>
        {
            FetcherHarness.AllowTestFeeds(options);
            options.MaxRedirects = 1;
        });
        _server.Behaviour = FeedBehaviour.RedirectLoop;

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        Assert.Contains("Too many redirects: more than 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FeedBehaviour.AcceptedEmpty, "HTTP 202 with an empty body")]
    [InlineData(FeedBehaviour.NoContent, "HTTP 204 with an empty body")]
    [InlineData(FeedBehaviour.EmptyOk, "HTTP 200 with an empty body")]
    [InlineData(FeedBehaviour.ErrorBody, "error body instead of a feed: 404 Not Found from POST")]
    [InlineData(FeedBehaviour.HtmlPage, "served an HTML page where a feed was expected")]
    [InlineData(FeedBehaviour.ServerError, "HTTP 500 Internal Server Error")]
    public async Task An_answer_that_is_not_a_feed_is_a_failed_poll_with_a_readable_error(FeedBehaviour behaviour, string message)
    {
        await using var services = FetcherHarness.Services(FetcherHarness.AllowTestFeeds);
        _server.Behaviour = behaviour;

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Null(error.RetryAt);
    }

    [Theory]
    [InlineData(FeedBehaviour.TooManyRequests)]
    [InlineData(FeedBehaviour.UnavailableWithDate)]
    public async Task Retry_after_in_seconds_or_as_a_date_is_carried_by_the_failure(FeedBehaviour behaviour)
    {
        await using var services = FetcherHarness.Services(FetcherHarness.AllowTestFeeds);
        _server.Behaviour = behaviour;
        _server.RetryAfterSeconds = 900;

        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default));

        Assert.NotNull(error.RetryAt);
        Assert.InRange(error.RetryAt.Value, DateTimeOffset.UtcNow.AddSeconds(890), DateTimeOffset.UtcNow.AddSeconds(905));
        Assert.Contains("retry after", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conditional_get_of_an_unchanged_feed_is_a_304_with_no_body()
    {
        await using var services = FetcherHarness.Services(FetcherHarness.AllowTestFeeds);
        _server.SendsETag = true;
        _server.MaxAgeSeconds = 600;

        var first = await services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl), default);
        var second = await services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl, etag: first.ETag), default);
        _server.Add(new TestFeedItem("item-2", "Changed", "Text.", DateTimeOffset.UtcNow));
        var third = await services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl, etag: first.ETag), default);

        Assert.False(first.NotModified);
        Assert.NotNull(first.ETag);
        Assert.Equal(TimeSpan.FromSeconds(600), first.MaxAge);
        Assert.True(second.NotModified);
        Assert.Empty(second.Content);
        Assert.False(third.NotModified);
        Assert.Equal(1, _server.NotModifiedResponses);
    }

    [Fact]
    public async Task The_ep_api_endpoint_limit_stops_requests_before_they_are_sent()
    {
        await using var services = FetcherHarness.Services(options =>
        {
            FetcherHarness.AllowTestFeeds(options);
            options.RateLimitPermits = 2;
            options.RateLimitWindow = TimeSpan.FromMinutes(5);
        });

        await services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl, "ep-api"), default);
        await services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl, "ep-api"), default);
        var error = await Assert.ThrowsAsync<FeedFetchException>(() => services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl, "ep-api"), default));
        await services.Fetcher().FetchAsync(FetcherHarness.Source(_server.FeedUrl, "rss"), default);

        Assert.Contains("Rate limit", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.RetryAt);
        Assert.True(error.RetryAt > DateTimeOffset.UtcNow, "the wait must be in the future");
        Assert.Equal(3, _server.Requests);
    }
}
