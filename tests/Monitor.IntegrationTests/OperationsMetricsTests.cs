using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Data.Outbox;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests;

/// <summary>
/// The operational gauges of the distributed setup, scraped from live worker processes: the pipeline queues' depth and
/// consumers, each source's health, the outbox's backlog and lag. Every scrape passes <c>promtool check metrics</c>.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed partial class OperationsMetricsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private DistributedTopology _topology = null!;
    private FeedServer _failing = null!;

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync();
        _failing = await FeedServer.StartAsync();
        _failing.Behaviour = FeedBehaviour.ServerError;
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _failing.DisposeAsync();
    }

    [Fact]
    public async Task Scrapes_show_queue_depth_source_health_and_outbox_lag_and_pass_promtool()
    {
        // Ingestion alone: what it publishes waits in tag-statement, with no consumer.
        var ingestion = _topology.Create("workers/Monitor.Ingestion", new Dictionary<string, string>
        {
            ["Ingestion__Sources__1__Id"] = "bad-feed",
            ["Ingestion__Sources__1__Url"] = _failing.FeedUrl.ToString(),
            ["Ingestion__Sources__1__PollIntervalSeconds"] = "1",
        });
        await ingestion.StartAsync();
        _topology.Feed.Add(
            new TestFeedItem("m-1", "Allies reaffirm Article 5", "Collective defence.", DateTimeOffset.UtcNow),
            new TestFeedItem("m-2", "Sanctions on Russia adopted", "New sanctions.", DateTimeOffset.UtcNow),
            new TestFeedItem("m-3", "Parliament backs air defence for Ukraine", "Air defence.", DateTimeOffset.UtcNow));

        // An event this version cannot publish (a type it does not know), written ten minutes ago, beside one it can: the
        // first stays in the outbox and is its lag; the second goes out all the same.
        var now = DateTimeOffset.UtcNow;
        await using var connection = await _topology.OpenDatabase().OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO outbox (message_id, message_type, payload, created_at)
            VALUES (@Poison, 'Monitor.Contracts.NoSuchEvent', '{}', @CreatedAt), (@Good, @GoodType, @GoodPayload, @CreatedAt)
            """, new
        {
            Poison = Guid.NewGuid().ToString(),
            Good = Guid.NewGuid().ToString(),
            GoodType = typeof(SourceHealthChanged).FullName,
            GoodPayload = JsonSerializer.Serialize(new SourceHealthChanged("test-feed", SourceHealth.Healthy, null, now, now), OutboxStore.Json),
            CreatedAt = now.AddMinutes(-10).ToUnixTimeMilliseconds(),
        });

        var persistence = await _topology.StartAsync("workers/Monitor.Persistence");

        // The queue depth is read every 15 s. The three items appeared together, so one poll found them: one
        // StatementsDiscovered message of three statements.
        var scrape = await ScrapeUntilAsync(ingestion, s =>
            Value(s, "monitor_queue_messages", "queue", "tag-statement") == 1
            && Value(s, "monitor_source_health", "source", "test-feed", "state", "healthy") == 1
            && Value(s, "monitor_source_consecutive_failures", "source", "bad-feed") >= 1, TimeSpan.FromSeconds(60));
        Assert.Equal(0, Value(scrape, "monitor_queue_consumers", "queue", "tag-statement"));
        Assert.Equal(0, Value(scrape, "monitor_source_health", "source", "test-feed", "state", "failing"));
        Assert.Equal(1, (Value(scrape, "monitor_source_health", "source", "bad-feed", "state", "degraded") ?? 0)
            + (Value(scrape, "monitor_source_health", "source", "bad-feed", "state", "failing") ?? 0));
        Assert.Equal(0, Value(scrape, "monitor_source_health", "source", "bad-feed", "state", "healthy"));
        await AssertPromtoolPassesAsync(scrape);

        var persisted = await ScrapeUntilAsync(persistence, s =>
            Value(s, "monitor_outbox_pending") >= 1 && Value(s, "monitor_outbox_lag_seconds") >= 600
            && Value(s, "monitor_queue_consumers", "queue", "store-statement") >= 1, TimeSpan.FromSeconds(60));
        Assert.InRange(Value(persisted, "monitor_outbox_lag_seconds")!.Value, 600, 900);
        await AssertPromtoolPassesAsync(persisted);
        var deadline = Stopwatch.StartNew();
        while (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox") > 1 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
        }

        Assert.Equal(["Monitor.Contracts.NoSuchEvent"], await connection.QueryAsync<string>("SELECT message_type FROM outbox"));
    }

    private async Task AssertPromtoolPassesAsync(string scrape)
    {
        var (code, said) = await Promtool.CheckMetricsAsync(scrape);
        output.WriteLine($"promtool check metrics: exit {code} {said}");
        Assert.True(code == 0, $"promtool check metrics failed ({code}): {said}");
    }

    private async Task<string> ScrapeUntilAsync(MonitorProcess process, Func<string, bool> condition, TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = process.BaseAddress };
        var clock = Stopwatch.StartNew();
        string scrape;
        do
        {
            scrape = await http.GetStringAsync("/metrics");
            if (condition(scrape))
            {
                return scrape;
            }

            await Task.Delay(500);
        }
        while (clock.Elapsed < within);

        output.WriteLine(string.Join('\n', scrape.Split('\n').Where(l => l.StartsWith("monitor_", StringComparison.Ordinal))));
        throw new TimeoutException($"{process.Name}'s /metrics did not show what was expected within {within.TotalSeconds} s (lines above).");
    }

    /// <summary>The value of the sample of <paramref name="metric"/> whose labels include the given name/value pairs.</summary>
    private static double? Value(string scrape, string metric, params string[] labels)
    {
        foreach (Match match in Sample().Matches(scrape))
        {
            if (match.Groups["name"].Value != metric)
            {
                continue;
            }

            var set = match.Groups["labels"].Value;
            var all = true;
            for (var i = 0; i + 1 < labels.Length; i += 2)
            {
                all &= set.Contains($"{labels[i]}=\"{labels[i + 1]}\"", StringComparison.Ordinal);
            }

            if (all)
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
