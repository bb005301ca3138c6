using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Monitor.Contracts;

namespace Monitor.Hosting.Telemetry;

/// <summary>
/// The pipeline's domain meters, scraped at <c>/metrics</c> of every process with a <c>monitor_</c> prefix: statements
/// discovered, tagged, stored and pushed, polls by source and result, each stage's latency since discovery, alerts
/// raised and their sends by channel and result; and gauges read at each scrape from what the process last saw: the
/// outbox's backlog and lag, the pipeline queues' depth, each source's health, re-tag and backfill progress. Static,
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

    private static readonly ConcurrentDictionary<string, (SourceHealth Health, int Failures, bool Quiet)> Sources = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, (long Ready, long Consumers)> Queues = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, (long Done, long Total)> Backfills = new(StringComparer.Ordinal);
    private static volatile OutboxState? _outbox;
    private static volatile RetagProgressState? _retag;

    private static readonly ObservableGauge<long> OutboxPending = Meter.CreateObservableGauge("monitor.outbox.pending",
        () => _outbox is { } o ? [new Measurement<long>(o.Pending)] : Array.Empty<Measurement<long>>(), unit: "{message}",
        description: "Events written to the outbox and not yet published (as the relay last counted them).");

    private static readonly ObservableGauge<double> OutboxLag = Meter.CreateObservableGauge("monitor.outbox.lag",
        () => _outbox is { } o ? [new Measurement<double>(o.OldestAt is { } at ? Math.Max(0, (DateTimeOffset.UtcNow - at).TotalSeconds) : 0)] : Array.Empty<Measurement<double>>(),
        unit: "s", description: "Age of the oldest event waiting in the outbox; 0 when it is empty.");

    private static readonly ObservableGauge<long> QueueReady = Meter.CreateObservableGauge("monitor.queue.messages",
        () => Queues.Select(q => new Measurement<long>(q.Value.Ready, new KeyValuePair<string, object?>("queue", q.Key))), unit: "{message}",
        description: "Messages ready in a pipeline queue or its error queue (RabbitMQ).");

    private static readonly ObservableGauge<long> QueueConsumers = Meter.CreateObservableGauge("monitor.queue.consumers",
        () => Queues.Select(q => new Measurement<long>(q.Value.Consumers, new KeyValuePair<string, object?>("queue", q.Key))), unit: "{consumer}",
        description: "Consumers attached to a pipeline queue or its error queue (RabbitMQ).");

    private static readonly ObservableGauge<int> SourceHealthGauge = Meter.CreateObservableGauge("monitor.source.health",
        () => Sources.SelectMany(s => Enum.GetValues<SourceHealth>().Where(h => h != SourceHealth.Unknown).Select(h => new Measurement<int>(s.Value.Health == h ? 1 : 0,
            new KeyValuePair<string, object?>("source", s.Key), new KeyValuePair<string, object?>("state", HealthName(h))))),
        description: "1 for the health a source is in (healthy, degraded, failing), 0 for the others, as this process last polled it.");

    private static readonly ObservableGauge<int> SourceFailures = Meter.CreateObservableGauge("monitor.source.consecutive_failures",
        () => Sources.Select(s => new Measurement<int>(s.Value.Failures, new KeyValuePair<string, object?>("source", s.Key))),
        description: "Polls of a source failed in a row.");

    private static readonly ObservableGauge<int> SourceQuiet = Meter.CreateObservableGauge("monitor.source.quiet",
        () => Sources.Select(s => new Measurement<int>(s.Value.Quiet ? 1 : 0, new KeyValuePair<string, object?>("source", s.Key))),
        description: "1 when a source has been silent longer than its usual rhythm.");

    private static readonly ObservableGauge<long> Retag = Meter.CreateObservableGauge("monitor.retag.statements",
        () => _retag is { } r
            ? [new Measurement<long>(r.Done, new KeyValuePair<string, object?>("progress", "done")), new Measurement<long>(r.Total, new KeyValuePair<string, object?>("progress", "total"))]
            : Array.Empty<Measurement<long>>(),
        description: "The background re-tag run this process works on: statements done and in the run.");

    private static readonly ObservableGauge<long> Backfill = Meter.CreateObservableGauge("monitor.backfill.statements",
        () => Backfills.SelectMany(b => new[]
        {
            new Measurement<long>(b.Value.Done, new KeyValuePair<string, object?>("source", b.Key), new KeyValuePair<string, object?>("progress", "done")),
            new Measurement<long>(b.Value.Total, new KeyValuePair<string, object?>("source", b.Key), new KeyValuePair<string, object?>("progress", "total")),
        }),
        description: "A backfill of a source's history: statements done and expected.");

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

    /// <summary>The outbox as the relay last counted it: events waiting and when the oldest was written.</summary>
    public static void OutboxObserved(long pending, DateTimeOffset? oldestAt) => _outbox = new OutboxState(pending, oldestAt);

    /// <summary>A pipeline queue's depth as the broker reported it (<paramref name="ready"/> null: the queue does not exist).</summary>
    public static void QueueObserved(string queue, long? ready, long consumers)
    {
        if (ready is { } value)
        {
            Queues[queue] = (value, consumers);
        }
        else
        {
            Queues.TryRemove(queue, out _);
        }
    }

    /// <summary>A source's health after a poll.</summary>
    public static void SourceObserved(string sourceId, SourceHealth health, int consecutiveFailures, bool quiet) =>
        Sources[sourceId] = (health, consecutiveFailures, quiet);

    /// <summary>The re-tag run's progress (<paramref name="done"/> of <paramref name="total"/> statements).</summary>
    public static void RetagProgress(long done, long total) => _retag = new RetagProgressState(done, total);

    /// <summary>A backfill's progress for <paramref name="sourceId"/>: for whatever fetches a source's history.</summary>
    public static void BackfillProgress(string sourceId, long done, long total) => Backfills[sourceId] = (done, total);

    private static string HealthName(SourceHealth health) => health switch
    {
        SourceHealth.Healthy => "healthy",
        SourceHealth.Degraded => "degraded",
        SourceHealth.Failing => "failing",
        _ => health.ToString().ToLowerInvariant(),
    };

    private sealed record OutboxState(long Pending, DateTimeOffset? OldestAt);

    private sealed record RetagProgressState(long Done, long Total);

    private static void RecordLatency(string stage, DateTimeOffset discoveredAt, DateTimeOffset now) =>
        Latency.Record(Math.Max(0, (now - discoveredAt).TotalSeconds), new KeyValuePair<string, object?>("stage", stage));
}
