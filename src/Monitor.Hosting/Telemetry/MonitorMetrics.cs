using System.Diagnostics.Metrics;

namespace Monitor.Hosting.Telemetry;

/// <summary>
/// The pipeline's domain meters, scraped at <c>/metrics</c> of every process with a <c>monitor_</c> prefix: statements
/// discovered, tagged, stored and pushed, polls by source and result, each stage's latency since discovery, alerts
/// raised and their sends by channel and result. Static,
/// like the framework's own meters: a consumer tested without the host still counts, and nothing listens unless the
/// host's OpenTelemetry provider does.
/// </summary>
public static class MonitorMetrics
{
    public const string MeterName = "Monitor";

    /// <summary>Monitor's own spans (a poll); MassTransit, Npgsql, ASP.NET Core and HttpClient bring theirs.</summary>
    public static readonly System.Diagnostics.ActivitySource Source = new(MeterName, "1.0");

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Discovered = Meter.CreateCounter<long>("monitor.statements.discovered", description: "New or changed feed items published by Ingestion.");
    private static readonly Counter<long> Tagged = Meter.CreateCounter<long>("monitor.statements.tagged", description: "Statements tagged.");
    private static readonly Counter<long> Stored = Meter.CreateCounter<long>("monitor.statements.stored", description: "Statements stored as a new statement or revision.");
    private static readonly Counter<long> Pushed = Meter.CreateCounter<long>("monitor.statements.pushed", description: "Statements pushed to this dashboard's live clients.");
    private static readonly Counter<long> Polls = Meter.CreateCounter<long>("monitor.polls", description: "Polls by source and result (success, not_modified, failure).");
    private static readonly Counter<long> AlertsRaised = Meter.CreateCounter<long>("monitor.alerts.raised", description: "Alerts raised (once per subscription and statement).");
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("monitor.alert.deliveries", description: "Alert send attempts by channel and result (delivered, retry, dead).");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("monitor.statement.latency", unit: "s",
        description: "Seconds from a statement's discovery to a stage (tagged, stored, pushed).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    public static void StatementsDiscovered(string sourceId, int count) => Discovered.Add(count, new KeyValuePair<string, object?>("source", sourceId));

    public static void StatementTagged(DateTimeOffset discoveredAt, DateTimeOffset now)
    {
        RecordLatency("tagged", discoveredAt, now);
        Tagged.Add(1);
    }

    public static void StatementStored(DateTimeOffset discoveredAt, DateTimeOffset now)
    {
        RecordLatency("stored", discoveredAt, now);
        Stored.Add(1);
    }

    public static void StatementPushed(DateTimeOffset discoveredAt, DateTimeOffset now)
    {
        RecordLatency("pushed", discoveredAt, now);
        Pushed.Add(1);
    }

    /// <param name="result"><c>success</c>, <c>not_modified</c> or <c>failure</c>.</param>
    public static void Polled(string sourceId, string result) =>
        Polls.Add(1, new KeyValuePair<string, object?>("source", sourceId), new KeyValuePair<string, object?>("result", result));

    public static void AlertRaised() => AlertsRaised.Add(1);

    /// <param name="result"><c>delivered</c>, <c>retry</c> (failed, to be tried again) or <c>dead</c>.</param>
    public static void AlertDelivery(string channel, string result) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", result));

    private static void RecordLatency(string stage, DateTimeOffset discoveredAt, DateTimeOffset now) =>
        Latency.Record(Math.Max(0, (now - discoveredAt).TotalSeconds), new KeyValuePair<string, object?>("stage", stage));
}
