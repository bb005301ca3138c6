using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests;

/// <summary>
/// The embedded default as a new user runs it with the demo switch: its Prometheus scrape at <c>/metrics</c> counts the
/// statements that went through the pipeline and their latency, under <c>monitor_</c> names.
/// </summary>
public sealed partial class MetricsEndpointTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();
    private MonitorProcess _dashboard = null!;

    public async Task InitializeAsync()
    {
        _dashboard = MonitorProcess.Create(Topology.Dashboard, Topology.EmbeddedDemo(_sqlite.Path));
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task Metrics_count_the_demo_statements_stored_and_their_latency()
    {
        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };
        var clock = Stopwatch.StartNew();
        string scrape;
        double stored;
        do
        {
            await Task.Delay(500);
            scrape = await http.GetStringAsync("/metrics");
            stored = Sum(scrape, "monitor_statements_stored_total");
        }
        while ((stored == 0 || Sum(scrape, "monitor_polls_total") == 0) && clock.Elapsed < TimeSpan.FromSeconds(60));

        output.WriteLine(string.Join('\n', scrape.Split('\n').Where(line => line.StartsWith("monitor_", StringComparison.Ordinal)).Take(40)));
        Assert.True(stored > 0, "monitor_statements_stored_total stayed 0 for 60 s");
        // Each stage counts when its own step is done, and a later stage can finish first: no order between them.
        Assert.True(Sum(scrape, "monitor_statements_discovered_total") > 0);
        Assert.True(Sum(scrape, "monitor_statements_tagged_total") > 0);
        Assert.True(Sum(scrape, "monitor_polls_total") > 0);
        Assert.Matches(@"monitor_statement_latency_seconds_bucket\{[^}]*stage=""stored""[^}]*le=""\+Inf""\} [1-9]", scrape);
        Assert.Contains("monitor_statement_latency_seconds_count", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workers_health_port_serves_its_metrics_too()
    {
        await using var feed = await FeedServer.StartAsync();
        feed.Add(new TestFeedItem("item-1", "Allies meet", "Text.", DateTimeOffset.UtcNow));
        using var sqlite = new TempSqliteFile();
        var environment = Topology.Embedded(sqlite.Path, feed.FeedUrl);
        await using var ingestion = MonitorProcess.Create("workers/Monitor.Ingestion", environment);
        await ingestion.StartAsync();
        using var http = new HttpClient { BaseAddress = ingestion.BaseAddress };
        var clock = Stopwatch.StartNew();
        string scrape;
        do
        {
            await Task.Delay(500);
            scrape = await http.GetStringAsync("/metrics");
        }
        while ((Sum(scrape, "monitor_statements_discovered_total") == 0 || Sum(scrape, "monitor_polls_total") == 0) && clock.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal(1, Sum(scrape, "monitor_statements_discovered_total"));
        Assert.Matches(@"monitor_polls_total\{[^}]*result=""success""[^}]*source=""test-feed""[^}]*\} [1-9]", scrape);
    }

    [Fact]
    public async Task With_Logs_Format_json_every_log_line_is_a_json_object()
    {
        await using var feed = await FeedServer.StartAsync();
        using var sqlite = new TempSqliteFile();
        var environment = Topology.Embedded(sqlite.Path, feed.FeedUrl);
        environment["Logs__Format"] = "json";
        await using var ingestion = MonitorProcess.Create("workers/Monitor.Ingestion", environment);
        await ingestion.StartAsync();
        await ingestion.WaitForOutputAsync("Polling {Count} configured sources", TimeSpan.FromSeconds(30));

        // Lines before the host's logger (the bootstrap logger's) are plain text by design; the host's are JSON.
        var json = ingestion.Output.Split(Environment.NewLine).Where(line => line.StartsWith('{')).ToList();
        Assert.Contains(json, line => line.Contains("Polling {Count} configured sources", StringComparison.Ordinal));
        Assert.All(json, line =>
        {
            using var parsed = System.Text.Json.JsonDocument.Parse(line);
            Assert.True(parsed.RootElement.TryGetProperty("@t", out _));
            Assert.True(parsed.RootElement.TryGetProperty("@mt", out _));
            Assert.Equal("ingestion", parsed.RootElement.GetProperty("Process").GetString());
        });
    }

    /// <summary>The sum of a metric's samples over all its label sets.</summary>
    private static double Sum(string scrape, string metric) =>
        Sample().Matches(scrape)
            .Where(m => m.Groups["name"].Value == metric)
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{[^}]*\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
