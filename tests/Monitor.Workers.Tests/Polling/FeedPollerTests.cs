using System.Text.RegularExpressions;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;
using Monitor.Core.Feeds;
using Monitor.Data;
using Monitor.Data.Sources;
using Monitor.Data.Statements;
using Monitor.Ingestion.Polling;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Polling;

/// <summary>
/// One poll end to end inside Ingestion: a real feed server on 127.0.0.1, a real SQLite file, MassTransit's test
/// harness as the broker. Full text, Retry-After scheduling and quiet sources.
/// </summary>
public sealed partial class FeedPollerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualTime _time = new(Start);
    private readonly FakeFullText _fullText = new();
    private FeedServer _server = null!;
    private MigratedSqlite _sqlite = null!;
    private BusHarness _bus = null!;

    public async Task InitializeAsync()
    {
        _server = await FeedServer.StartAsync();
        _sqlite = await MigratedSqlite.CreateAsync();
        _bus = await BusHarness.StartAsync(FetcherHarness.Services(options =>
        {
            FetcherHarness.AllowTestFeeds(options);
            options.QuietFloor = TimeSpan.FromHours(1);
        }, _time, services => services
            .AddSingleton(_sqlite.Database)
            .AddSingleton<SourceStore>()
            .AddSingleton<SourcePollLog>()
            .AddSingleton<DiscoveredItemStore>()
            .AddSingleton<IFullText>(_fullText)
            .AddMassTransitTestHarness()));
        await _bus.Get<SourceStore>().UpsertAsync([new SourceDefinition("test-feed", "Test", _server.FeedUrl.ToString(), "rss", 60)]);
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _server.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task New_items_get_their_articles_full_text_once()
    {
        _server.LinksToArticles = true;
        _server.Add(new TestFeedItem("a-1", "Allies meet", "Summary only.", Start.AddHours(-1)));

        await PollAsync();
        await PollAsync();

        var discovered = Assert.Single(Assert.Single(_bus.Harness.Published.Select<StatementsDiscovered>()).Context.Message.Statements);
        Assert.Equal("Full text of a-1.", discovered.Body);
        Assert.Equal("<p>Full text of a-1.</p>", discovered.BodyHtml);
        Assert.Equal("Summary only.", discovered.Summary);
        Assert.Equal(1, _server.ArticleRequests);
        Assert.Equal(SourceHealth.Healthy, (await SourceAsync()).Health);
    }

    [Fact]
    public async Task A_failed_article_fetch_keeps_the_summary_and_the_poll_succeeds()
    {
        _server.LinksToArticles = true;
        _server.ArticlesFail = true;
        _server.Add(new TestFeedItem("a-2", "Allies meet", "Summary only.", Start.AddHours(-1)));

        await PollAsync();

        var discovered = Assert.Single(Assert.Single(_bus.Harness.Published.Select<StatementsDiscovered>()).Context.Message.Statements);
        Assert.Equal("", discovered.Body);
        Assert.Equal("Summary only.", discovered.Summary);
        Assert.Equal(1, _server.ArticleRequests);
        var source = await SourceAsync();
        Assert.Equal(SourceHealth.Healthy, source.Health);
        Assert.Null(source.LastError);
    }

    [Fact]
    public async Task A_retry_after_is_honoured_when_scheduling_the_next_poll()
    {
        _server.Behaviour = FeedBehaviour.TooManyRequests;
        _server.RetryAfterSeconds = 1800;

        await PollAsync();

        var source = await SourceAsync();
        Assert.Equal(SourceHealth.Degraded, source.Health);
        Assert.Contains("HTTP 429", source.LastError, StringComparison.Ordinal);
        Assert.Equal(_time.Now.AddSeconds(1800).ToUnixTimeMilliseconds(), source.NextPollAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_source_that_stops_publishing_is_flagged_quiet_and_recovers_when_it_speaks()
    {
        _server.Add(
            new TestFeedItem("q-1", "One", "Text.", Start.AddMinutes(-10)),
            new TestFeedItem("q-2", "Two", "Text.", Start.AddMinutes(-20)),
            new TestFeedItem("q-3", "Three", "Text.", Start.AddMinutes(-30)));

        await PollAsync();
        var fresh = await SourceAsync();
        _time.Now = Start.AddMinutes(50);
        await PollAsync();
        var notYet = await SourceAsync();
        _time.Now = Start.AddMinutes(70);
        await PollAsync();
        var quiet = await SourceAsync();
        _server.Add(new TestFeedItem("q-4", "Four", "Text.", _time.Now));
        await PollAsync();
        var speaking = await SourceAsync();

        // Typical gap 10 min: quiet after max(3 x 10 min, the 1 h floor) without new items.
        Assert.Equal((long)TimeSpan.FromMinutes(10).TotalMilliseconds, fresh.TypicalGapMs);
        Assert.False(fresh.Quiet);
        Assert.False(notYet.Quiet);
        Assert.True(quiet.Quiet);
        Assert.Equal(SourceHealth.Healthy, quiet.Health);
        Assert.False(speaking.Quiet);
        Assert.True(await _bus.Harness.Published.Any<SourceHealthChanged>(m => m.Context.Message.Quiet));
        // First success (health was Unknown), fell quiet, spoke again: three changes, nothing on the polls between.
        Assert.Equal([false, true, false], _bus.Harness.Published.Select<SourceHealthChanged>().Select(m => m.Context.Message.Quiet));
    }

    [Fact]
    public async Task Every_poll_goes_into_the_sources_history_with_its_outcome_items_and_error()
    {
        _server.SendsETag = true;
        _server.Add(new TestFeedItem("h-1", "Allies meet", "One.", Start.AddHours(-2)));
        _server.Add(new TestFeedItem("h-2", "Allies agree", "Two.", Start.AddHours(-1)));

        await PollAsync();
        await PollAsync();
        _server.Add(new TestFeedItem("h-3", "Allies act", "Three.", Start));
        await PollAsync();
        _server.Behaviour = FeedBehaviour.ServerError;
        await PollAsync();

        var history = await _bus.Get<SourcePollLog>().ListAsync("test-feed", 10);
        Assert.Equal([PollOutcomes.Failure, PollOutcomes.Success, PollOutcomes.NotModified, PollOutcomes.Success], history.Select(p => p.Outcome));
        Assert.Equal([(0, 0), (3, 1), (0, 0), (2, 2)], history.Select(p => (p.Items, p.NewItems)));
        Assert.Contains("HTTP 500", history[0].Error, StringComparison.Ordinal);
        Assert.All(history.Skip(1), p => Assert.Null(p.Error));
        Assert.All(history, p => Assert.Equal(Start, p.PolledAt));
    }

    private async Task PollAsync()
    {
        var source = await SourceAsync();
        await using var scope = _bus.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(source, default);
    }

    private async Task<SourceRow> SourceAsync() => Assert.Single(await _bus.Get<SourceStore>().ListAsync());

    /// <summary>Wants every item's full text and reads the test server's article element.</summary>
    private sealed partial class FakeFullText : IFullText
    {
        public bool Wants(string adapter, FeedItem item) => true;

        public ArticleContent? Extract(string html, Uri pageUrl) =>
            ArticleText().Match(html) is { Success: true } match ? new ArticleContent(match.Groups[1].Value, $"<p>{match.Groups[1].Value}</p>") : null;

        [GeneratedRegex("<article>(.*?)</article>")]
        private static partial Regex ArticleText();
    }
}
