using System.Globalization;
using System.Net.Http.Json;
using Monitor.Contracts;
using Monitor.FeedSimulator;
using Monitor.Testing;
using Simulator = Monitor.FeedSimulator.FeedSimulator;

namespace Monitor.IntegrationTests;

/// <summary>
/// The embedded dashboard (every worker in one process, as `dotnet run` starts it) polls 20 simulated sources over
/// real HTTP on 127.0.0.1: 17 healthy RSS and Atom feeds and 3 that fail in different ways. Every statement of the
/// healthy ones reaches a SignalR client exactly once; the broken ones are marked with a readable error and deliver
/// their statements once the simulator heals them.
/// </summary>
public sealed class SimulatedSourcesTests : IAsyncLifetime
{
    private const int Sources = 20;

    private static readonly (string Id, FeedFault Fault, string Error)[] Broken =
    [
        ("broken-500", FeedFault.ServerError, "500"),
        ("broken-malformed", FeedFault.MalformedXml, "XML"),
        ("broken-202", FeedFault.AcceptedEmpty, "202"),
    ];

    private readonly TempSqliteFile _sqlite = new();
    private Simulator _simulator = null!;
    private MonitorProcess _dashboard = null!;

    public async Task InitializeAsync()
    {
        _simulator = await Simulator.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = $"Data Source={_sqlite.Path}",
            ["Ingestion__UseDefaultSources"] = "false",
            ["Ingestion__AllowedNetworks__0"] = "127.0.0.1/32",
            ["Ingestion__MaxConcurrentPolls"] = "8",
        };
        for (var i = 0; i < Sources; i++)
        {
            var id = i < Broken.Length ? Broken[i].Id : string.Create(CultureInfo.InvariantCulture, $"healthy-{i:00}");
            // The healthy feeds start empty: every statement is published after the client listens.
            var feed = _simulator.AddFeed(id, i % 2 == 0 ? FeedShape.Rss : FeedShape.Atom, initialItems: i < Broken.Length ? 2 : 0);
            if (i < Broken.Length)
            {
                feed.Break(Broken[i].Fault);
            }

            var prefix = string.Create(CultureInfo.InvariantCulture, $"Ingestion__Sources__{i}__");
            environment[prefix + "Id"] = id;
            environment[prefix + "Url"] = feed.Url.ToString();
            environment[prefix + "Adapter"] = "rss";
            environment[prefix + "PollIntervalSeconds"] = "1";
        }

        _dashboard = MonitorProcess.Create(Topology.Dashboard, environment);
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        await _simulator.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task Twenty_sources_deliver_every_statement_once_while_three_fail_readably_and_recover_when_healed()
    {
        await using var client = await LiveClient.ConnectAsync(_dashboard.BaseAddress);
        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };
        var healthy = _simulator.Feeds.Where(f => f.Fault == FeedFault.None).ToList();
        foreach (var feed in healthy)
        {
            _simulator.Publish(feed.Id, 2);
        }

        // More arrive while the sources are being polled: new items on a feed already seen.
        await Task.Delay(1500);
        foreach (var feed in healthy)
        {
            _simulator.Publish(feed.Id, 1);
        }

        var expected = healthy.SelectMany(f => f.AllItems.Select(item => (Source: f.Id, Item: item))).ToList();
        Assert.Equal(17 * 3, expected.Count);
        await client.WaitForCountAsync(expected.Count, TimeSpan.FromSeconds(30));

        var sources = await WaitForSourcesAsync(http, all => Broken.All(b =>
            all.Single(s => s.Id == b.Id) is { Health: not nameof(SourceHealth.Healthy) and not nameof(SourceHealth.Unknown) } source
            && source.LastError?.Contains(b.Error, StringComparison.OrdinalIgnoreCase) == true));
        Assert.All(healthy, feed => Assert.Equal(nameof(SourceHealth.Healthy), sources.Single(s => s.Id == feed.Id).Health));
        Assert.All(Broken, b => Assert.Contains(b.Error, sources.Single(s => s.Id == b.Id).LastError!, StringComparison.OrdinalIgnoreCase));

        foreach (var (id, _, _) in Broken)
        {
            _simulator.Heal(id);
        }

        var healedItems = Broken.SelectMany(b => _simulator[b.Id].AllItems.Select(item => (Source: b.Id, Item: item))).ToList();
        await client.WaitForCountAsync(expected.Count + healedItems.Count, TimeSpan.FromSeconds(30));
        var healed = await WaitForSourcesAsync(http, all => Broken.All(b => all.Single(s => s.Id == b.Id).Health == nameof(SourceHealth.Healthy)));
        Assert.All(Broken, b => Assert.Null(healed.Single(s => s.Id == b.Id).LastError));

        // Let the pollers go round a few more times: nothing may arrive twice.
        await Task.Delay(3000);
        var received = client.Statements.Select(s => s.Statement).ToList();
        foreach (var (source, item) in expected.Concat(healedItems))
        {
            var matches = received.Where(s => s.SourceId == source && IsItem(s.ExternalId, item)).ToList();
            Assert.True(matches.Count == 1, $"{source}/{item.Id} arrived {matches.Count} times");
            Assert.Equal(item.Title, matches[0].Title);
        }

        Assert.Equal(expected.Count + healedItems.Count, received.Count);
        Assert.Contains(client.Health, h => h.SourceId == "broken-500" && h.Health == SourceHealth.Healthy);
        Assert.True(_simulator.Feeds.Where(f => f.Fault == FeedFault.None).Sum(f => f.NotModified) > 0, "conditional GET never answered 304");
    }

    /// <summary>RSS guids carry the EP-style language suffix, Atom ids a URN prefix; an adapter may strip either.</summary>
    private static bool IsItem(string externalId, SimulatedItem item) =>
        externalId == item.Id || externalId == item.Id + "_EN" || externalId.EndsWith(":" + item.Id, StringComparison.Ordinal);

    private static async Task<List<SourceView>> WaitForSourcesAsync(HttpClient http, Func<List<SourceView>, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<SourceView> last = [];
        while (DateTime.UtcNow < deadline)
        {
            last = await http.GetFromJsonAsync<List<SourceView>>("/api/sources", Json.Options) ?? [];
            if (last.Count == Sources && match(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The sources never reached the expected state; last seen:\n{string.Join("\n", last)}");
    }

    private sealed record SourceView(string Id, string Health, string? LastError, DateTimeOffset? LastSuccessAt, int ConsecutiveFailures);
}
