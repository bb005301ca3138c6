using System.Net.Http.Json;
using Monitor.Contracts;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// The distributed topology without Docker: each worker and the dashboard as its own OS process, configured only
/// through the environment variables docker-compose gives them, over real RabbitMQ and PostgreSQL.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class DistributedPipelineTests : IAsyncLifetime
{
    private DistributedTopology _topology = null!;

    public async Task InitializeAsync() => _topology = await DistributedTopology.CreateAsync();

    public async Task DisposeAsync() => await _topology.DisposeAsync();

    private Task<MonitorProcess> StartAsync(string project) => _topology.StartAsync(project);

    [Fact]
    public async Task A_new_feed_item_crosses_every_process_and_reaches_the_clients_of_every_dashboard_replica()
    {
        // Two dashboard replicas, no sticky sessions: each has its own temporary queue and pushes to its own clients.
        var dashboards = new[] { await StartAsync(Topology.Dashboard), await StartAsync(Topology.Dashboard) };
        foreach (var worker in Topology.Workers)
        {
            await StartAsync(worker);
        }

        await using var first = await LiveClient.ConnectAsync(dashboards[0].BaseAddress);
        await using var second = await LiveClient.ConnectAsync(dashboards[1].BaseAddress);
        _topology.Feed.Add(new TestFeedItem("nato-1", "Allies condemn nuclear rhetoric and reaffirm Article 5",
            "NATO Allies condemned nuclear threats and said collective defence remains iron-clad.", DateTimeOffset.UtcNow));

        var pushed = await first.WaitForStatementAsync(s => s.ExternalId == "nato-1", TimeSpan.FromSeconds(60));
        var pushedToSecond = await second.WaitForStatementAsync(s => s.ExternalId == "nato-1", TimeSpan.FromSeconds(10));

        Assert.Equal("test-feed", pushed.SourceId);
        Assert.Equal(pushed.StatementId, pushedToSecond.StatementId);
        Assert.Contains(pushed.Topics, t => t.TopicId == "collective-defence");
        using var http = new HttpClient { BaseAddress = dashboards[1].BaseAddress };
        var latest = await http.GetFromJsonAsync<List<StatementStored>>("/api/statements?limit=5", Json.Options);
        Assert.Contains(latest!, s => s.ExternalId == "nato-1");

        Assert.Single(first.Statements);
        Assert.Single(second.Statements);
    }

    [Fact]
    public async Task A_burst_is_stored_in_batches_and_reaches_the_SignalR_client_once_per_statement_in_coalesced_pushes()
    {
        // Persistence starts after the burst is queued, so it meets a backlog: batches, a relay of 200 events at a time,
        // and a dashboard that receives them faster than one push per statement.
        var rulesOnly = new Dictionary<string, string> { ["Tagging__Semantic__Enabled"] = "false" };
        var dashboard = _topology.Create(Topology.Dashboard, rulesOnly);
        var tagging = _topology.Create("workers/Monitor.Tagging", rulesOnly);
        await Task.WhenAll(dashboard.StartAsync(), tagging.StartAsync());
        await using var client = await LiveClient.ConnectAsync(dashboard.BaseAddress);
        await using var bus = await PipelineBus.StartAsync(_topology.Rabbit);
        const int count = 400;
        var sources = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            var statement = PipelineBus.Statement("burst", $"Burst statement {i}: Allies agreed new sanctions against Russia", $"Sanctions package {i}.");
            sources.Add(statement.ExternalId);
            await bus.PublishAsync(statement);
        }

        await StartAsync("workers/Monitor.Persistence");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (client.Statements.Count(s => sources.Contains(s.Statement.ExternalId)) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        // A while longer: a repeat would come after the first copy.
        await Task.Delay(2000);
        var received = client.Statements.Where(s => sources.Contains(s.Statement.ExternalId)).Select(s => s.Statement.ExternalId).ToList();
        Assert.Equal(count, received.Distinct().Count());
        Assert.Equal(count, received.Count);
        Assert.True(client.CoalescedPushes > 0, "every statement came in a push of its own: nothing was coalesced");
        Assert.True(client.CoalescedPushes < count / 2, $"{client.CoalescedPushes} coalesced pushes for {count} statements");
        Assert.Equal(count, await new StatementStore(_topology.OpenDatabase()).CountAsync());
    }

    [Fact]
    public async Task Statements_published_before_the_workers_start_wait_in_their_queues()
    {
        // Ingestion first and alone: the pipeline queues must exist before Tagging has ever run.
        var ingestion = await StartAsync("workers/Monitor.Ingestion");
        _topology.Feed.Add(new TestFeedItem("early-1", "Parliament debates sanctions enforcement", "Members discussed sanctions.", DateTimeOffset.UtcNow));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (((await _topology.Rabbit.GetQueueAsync("tag-statement"))?.Messages ?? 0) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(1, (await _topology.Rabbit.GetQueueAsync("tag-statement"))?.Messages);

        await StartAsync("workers/Monitor.Tagging");
        await StartAsync("workers/Monitor.Persistence");
        var store = new StatementStore(_topology.OpenDatabase());
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (await store.CountAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(1, await store.CountAsync());
        Assert.NotNull(ingestion);
    }
}

[CollectionDefinition(nameof(DistributedCollection), DisableParallelization = true)]
public sealed class DistributedCollection;
