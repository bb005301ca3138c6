using System.Diagnostics;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests;

/// <summary>
/// One statement, one trace, across the distributed setup's processes: Ingestion's poll, Tagging, Persistence and its
/// outbox relay, Alerts and the webhook's HTTP request, and the dashboard's push. Each process exports its spans over
/// OTLP (<c>Telemetry:Otlp:Endpoint</c>) to a collector in the test that keeps them in memory.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class DistributedTraceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private DistributedTopology _topology = null!;
    private OtlpSpanCollector _collector = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync();
        _collector = await OtlpSpanCollector.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _receiver.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task One_statement_is_one_trace_from_its_poll_to_the_push_and_the_webhook()
    {
        var settings = new Dictionary<string, string>
        {
            ["Telemetry__Otlp__Endpoint"] = _collector.Endpoint.ToString(),
            // Spans leave every 200 ms instead of every 5 s.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["Tagging__Semantic__Enabled"] = "false",
            ["Alerts__AllowedNetworks__0"] = "127.0.0.1/32",
        };
        var dashboard = _topology.Create(Topology.Dashboard, settings);
        await dashboard.StartAsync();
        await Task.WhenAll(Topology.Workers.Select(worker => _topology.Create(worker, settings).StartAsync()));

        var database = _topology.OpenDatabase();
        var userId = await AlertsTestData.CreateUserAsync(database, "tracer");
        var subscription = AlertsTestData.Subscription(userId, "everything") with { WebhookUrl = _receiver.Url.ToString() };
        _receiver.Secret = subscription.WebhookSecret!;
        await new SubscriptionStore(database).AddAsync(subscription);
        await using var client = await LiveClient.ConnectAsync(dashboard.BaseAddress);

        _topology.Feed.Add(new TestFeedItem("traced-1", "Allies reaffirm Article 5 and sanctions on Russia",
            "NATO Allies said collective defence remains iron-clad. New sanctions against Russia were adopted.", DateTimeOffset.UtcNow));
        await client.WaitForStatementAsync(s => s.ExternalId == "traced-1", TimeSpan.FromSeconds(60));
        await _receiver.WaitForAsync(accepted => accepted.Count > 0, TimeSpan.FromSeconds(60));

        // The trace that reached Persistence is the statement's (every other poll found nothing new).
        string[] services = ["monitor-ingestion", "monitor-tagging", "monitor-persistence", "monitor-alerts", "monitor-dashboard"];
        List<CollectedSpan> trace = [];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var traceId = _collector.Spans.FirstOrDefault(s => s.Service == "monitor-persistence" && s.Name.Contains("store-statement", StringComparison.Ordinal))?.TraceId;
            trace = traceId is null ? [] : _collector.Spans.Where(s => s.TraceId == traceId).ToList();
            var sent = trace.FirstOrDefault(s => s.Name == "send webhook");
            if (services.All(service => trace.Any(s => s.Service == service)) && sent is not null
                && trace.Any(s => s.ParentSpanId == sent.SpanId && s.Name.StartsWith("POST", StringComparison.Ordinal))
                && trace.All(s => s.ParentSpanId.Length == 0 || trace.Any(p => p.SpanId == s.ParentSpanId)))
            {
                break;
            }

            await Task.Delay(250);
        }

        output.WriteLine(string.Join('\n', trace.Select(s => $"{s.Service,-20} {s.SpanId} <- {s.ParentSpanId,-16} {s.Name}")));
        Assert.All(services, service => Assert.Contains(trace, s => s.Service == service));

        // It starts at the poll that found the statement, and every other span hangs under a span of the same trace.
        var root = Assert.Single(trace, s => s.ParentSpanId.Length == 0);
        Assert.Equal("poll test-feed", root.Name);
        Assert.Equal("monitor-ingestion", root.Service);
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s != root), s => Assert.Contains(s.ParentSpanId, ids));

        // The outbox published StatementStored inside it (Persistence right after the batch's commit, "outbox publish", or the
        // relay for an event its writer left, "outbox relay"); the webhook's POST (an HTTP client span) went out inside it.
        Assert.Contains(trace, s => s.Service == "monitor-persistence" && s.Name is "outbox publish" or "outbox relay");
        var send = Assert.Single(trace, s => s.Service == "monitor-alerts" && s.Name == "send webhook");
        var post = Assert.Single(trace, s => s.Service == "monitor-alerts" && s.Kind == 3 && s.ParentSpanId == send.SpanId && s.Name.StartsWith("POST", StringComparison.Ordinal));
        Assert.Contains(_receiver.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), post.Attributes.GetValueOrDefault("url.full", ""), StringComparison.Ordinal);
        Assert.Contains(trace, s => s.Service == "monitor-dashboard" && s.Kind == 5);
    }
}
