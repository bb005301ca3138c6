using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// <c>Telemetry:Otlp:Endpoint</c> on the embedded demo: traces (the poll, MassTransit's publishes and consumes) and the
/// domain metrics reach an OTLP/HTTP receiver on 127.0.0.1.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();
    private readonly ConcurrentQueue<(string Path, string ContentType, byte[] Body)> _received = new();
    private LoopbackServer _receiver = null!;
    private MonitorProcess _dashboard = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackServer.StartAsync(app => app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _received.Enqueue((context.Request.Path.Value ?? "", context.Request.ContentType ?? "", body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        }), graceful: false);
        var endpoint = _receiver.BaseAddress.GetLeftPart(UriPartial.Authority);

        var environment = Topology.EmbeddedDemo(_sqlite.Path);
        environment["Telemetry__Otlp__Endpoint"] = endpoint;
        // The SDK's own variables: export every second instead of every 5 s (spans) and 60 s (metrics).
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "500";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        _dashboard = MonitorProcess.Create(Topology.Dashboard, environment);
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        await _receiver.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task Traces_of_polls_and_messages_and_the_domain_metrics_are_exported()
    {
        var clock = Stopwatch.StartNew();
        while (!(Has("/v1/traces", "poll ") && Has("/v1/traces", "MassTransit") && Has("/v1/metrics", "monitor.statements.stored"))
               && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(500);
        }

        Assert.True(Has("/v1/traces", "poll "), "no poll span exported");
        Assert.True(Has("/v1/traces", "MassTransit"), "no MassTransit span exported");
        Assert.True(Has("/v1/metrics", "monitor.statements.stored"), "the stored counter was not exported");
        Assert.All(_received, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }

    // OTLP/HTTP bodies are protobuf: names and scope names sit in them as plain UTF-8.
    private bool Has(string path, string text) =>
        _received.Any(r => r.Path == path && Encoding.UTF8.GetString(r.Body).Contains(text, StringComparison.Ordinal));
}
