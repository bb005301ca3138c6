using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitor.Hosting.Telemetry;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Telemetry;

/// <summary>
/// The monitoring kept in the repository (deploy/): the Grafana dashboard's queries are PromQL that Prometheus parses,
/// and the dashboard and the alert rules name only metrics Monitor exports (a renamed meter breaks this test, not a
/// dashboard in production). scripts/test.sh checks the Prometheus configuration and runs the rules' unit tests.
/// </summary>
public sealed partial class MonitoringConfigurationTests
{
    private static string Deploy => Path.Combine(MonitorProcess.RepositoryRoot, "deploy");

    [Fact]
    public async Task The_grafana_dashboards_queries_parse_as_PromQL()
    {
        var queries = DashboardQueries().ToList();
        Assert.NotEmpty(queries);

        // Each query as a recording rule: promtool check rules parses every expression.
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (var i = 0; i < queries.Count; i++)
        {
            rules.Append(System.Globalization.CultureInfo.InvariantCulture, $"      - record: dashboard_query_{i}\n        expr: {JsonSerializer.Serialize(queries[i])}\n");
        }

        var directory = Directory.CreateTempSubdirectory("monitor-dashboard-rules-");
        try
        {
            var file = Path.Combine(directory.FullName, "dashboard.yml");
            await File.WriteAllTextAsync(file, rules.ToString());
            var (code, said) = await Promtool.RunAsync(["check", "rules", file]);
            Assert.True(code == 0, $"promtool check rules on the dashboard's {queries.Count} queries: exit {code}\n{said}");
            Assert.Contains($"SUCCESS: {queries.Count} rules found", said, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_dashboard_and_the_alert_rules_name_only_metrics_monitor_exports()
    {
        var exported = ExportedNames();
        // The names the Prometheus exporter gave these meters on live scrapes (MetricsEndpointTests, OperationsMetricsTests).
        Assert.Contains("monitor_statements_stored_total", exported);
        Assert.Contains("monitor_statement_latency_seconds_bucket", exported);
        Assert.Contains("monitor_outbox_lag_seconds", exported);
        Assert.Contains("monitor_queue_messages", exported);

        var dashboard = DashboardQueries().SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var alerts = MetricName().Matches(File.ReadAllText(Path.Combine(Deploy, "prometheus", "alerts.yml"))).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("monitor_source_health", dashboard);
        Assert.Contains("monitor_queue_consumers", alerts);
        Assert.Empty(dashboard.Except(exported));
        Assert.Empty(alerts.Except(exported));
    }

    /// <summary>Every expression of every panel of every dashboard in deploy/grafana/dashboards.</summary>
    private static IEnumerable<string> DashboardQueries()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Deploy, "grafana", "dashboards"), "*.json"))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in document.RootElement.GetProperty("panels").EnumerateArray())
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    yield return target.GetProperty("expr").GetString()!;
                }
            }
        }
    }

    /// <summary>
    /// The names Prometheus sees for the Monitor meter's instruments, as OpenTelemetry's Prometheus exporter makes
    /// them: dots become underscores, a unit of seconds adds <c>_seconds</c> (annotations like <c>{message}</c> add
    /// nothing), a counter ends in <c>_total</c>, a histogram is its <c>_bucket</c>, <c>_sum</c> and <c>_count</c>.
    /// </summary>
    private static HashSet<string> ExportedNames()
    {
        RuntimeHelpers.RunClassConstructor(typeof(MonitorMetrics).TypeHandle);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name != MonitorMetrics.MeterName)
            {
                return;
            }

            var name = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");
            var type = instrument.GetType().GetGenericTypeDefinition();
            if (type == typeof(Counter<>))
            {
                names.Add(name + "_total");
            }
            else if (type == typeof(Histogram<>))
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
            else
            {
                names.Add(name);
            }
        };
        listener.Start();
        return names;
    }

    [GeneratedRegex(@"\bmonitor_[a-z_]+")]
    private static partial Regex MetricName();
}
