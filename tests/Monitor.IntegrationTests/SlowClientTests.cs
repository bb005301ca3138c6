using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Monitor.Contracts;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests;

/// <summary>
/// A stalled client (a raw WebSocket that completes the SignalR handshake, keeps pinging, and never reads) beside a
/// normal one on a dashboard fed over RabbitMQ: the normal client gets every statement promptly, the stalled one is
/// disconnected once it falls behind, and the dashboard stays healthy.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class SlowClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Statements = 300;

    private DistributedTopology _topology = null!;
    private MonitorProcess _dashboard = null!;

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync(pollSeconds: 3600);
        // Under load the dashboard coalesces statements into fewer pushes: 300 statements can come as fewer pushes than the
        // default queue of 128 holds, and SignalR's own send timeout would then close the stalled client instead. A small
        // queue makes the overflow, and so the drop this test is about, certain.
        _dashboard = _topology.Create(Topology.Dashboard, new Dictionary<string, string> { ["Live__ClientQueueCapacity"] = "16" });
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync() => await _topology.DisposeAsync();

    [Fact]
    public async Task A_stalled_client_is_dropped_and_never_holds_up_a_normal_one()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var stalled = await StalledClient.ConnectAsync(_dashboard.BaseAddress, TimeSpan.FromSeconds(5), timeout.Token);
        await using var normal = await LiveClient.ConnectAsync(_dashboard.BaseAddress);

        // 300 statements of 64 KB: about 19 MB, far more than the stalled client's socket buffers and its queue hold.
        using var rabbit = RabbitManagement();
        var publishedAt = new DateTimeOffset[Statements];
        for (var i = 0; i < Statements; i++)
        {
            publishedAt[i] = DateTimeOffset.UtcNow;
            await PublishAsync(rabbit, _topology.Rabbit.Name, Statement(i));
        }

        await normal.WaitForCountAsync(Statements, TimeSpan.FromSeconds(60));
        var received = normal.Statements.ToList();
        var latencies = received.Select(r => (r.ReceivedAt - publishedAt[r.Statement.StatementId]).TotalMilliseconds).Order().ToList();

        // Now read what the stalled client was sent: the dashboard has closed it, so the stream ends.
        var (stalledStatements, ended) = await stalled.DrainAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"normal client: {received.Count} statements, median {latencies[latencies.Count / 2]:0} ms, max {latencies[^1]:0} ms after publish; stalled client: {stalledStatements} statements, closed {ended}");
        Assert.Equal(Enumerable.Range(0, Statements), received.Select(r => (int)r.Statement.StatementId).Order());
        // SignalR's own transport send timeout (10 s) would close the stalled client too, but with its default broadcast
        // every other client waits those 10 s with it: this is what the per-connection queues remove.
        Assert.True(latencies[^1] < 5_000, $"The normal client waited {latencies[^1]:0} ms for a statement (median {latencies[latencies.Count / 2]:0} ms).");
        Assert.Equal(HubConnectionState.Connected, normal.State);
        Assert.True(ended, $"The stalled client's connection was still open after it read {stalledStatements} statements.");
        Assert.True(stalledStatements < Statements, $"The stalled client got all {stalledStatements} statements: it was never dropped.");
        Assert.Contains("Dropped live client", _dashboard.Output);
        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        // The dashboard still serves new clients.
        await using var late = await LiveClient.ConnectAsync(_dashboard.BaseAddress);
        await PublishAsync(rabbit, _topology.Rabbit.Name, Statement(Statements));
        await late.WaitForStatementAsync(s => s.StatementId == Statements, TimeSpan.FromSeconds(30));
    }

    private static StatementStored Statement(int i)
    {
        var now = DateTimeOffset.UtcNow;
        var summary = string.Concat(Enumerable.Repeat($"Statement {i}: allies reaffirmed their support for Ukraine. ", 1200))[..65_536];
        return new StatementStored(i, 1, "slow-test", $"slow-{i}", $"https://example.org/slow/{i}", $"Slow client statement {i}", summary,
            now, [new TopicScore("collective-defence", 0.5, [])], now, now);
    }

    private static HttpClient RabbitManagement()
    {
        var api = TestServices.RabbitMqManagement;
        var http = new HttpClient { BaseAddress = new Uri(api.GetLeftPart(UriPartial.Authority) + "/api/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(api.UserInfo))));
        return http;
    }

    /// <summary>
    /// Publishes as MassTransit does (its JSON envelope, to the message type's exchange) through the management API,
    /// the way Persistence's outbox relay publishes a stored statement.
    /// </summary>
    private static async Task PublishAsync(HttpClient rabbit, string virtualHost, StatementStored statement)
    {
        var envelope = new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { "urn:message:Monitor.Contracts:StatementsStored" },
            message = new StatementsStored([statement]),
            sentTime = DateTimeOffset.UtcNow,
            headers = new { },
        };
        var body = new
        {
            properties = new { content_type = "application/vnd.masstransit+json", delivery_mode = 2 },
            routing_key = "",
            payload = JsonSerializer.Serialize(envelope, Json.Options),
            payload_encoding = "string",
        };
        var response = await rabbit.PostAsJsonAsync(
            $"exchanges/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString("Monitor.Contracts:StatementsStored")}/publish", body);
        response.EnsureSuccessStatusCode();
        var routed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(routed.GetProperty("routed").GetBoolean(), "The broker routed the statement to no queue: the dashboard's queue is not bound.");
    }
}
