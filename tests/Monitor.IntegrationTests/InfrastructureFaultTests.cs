using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Outbox;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests;

/// <summary>
/// The distributed setup survives its infrastructure (issue 13): Ingestion, Tagging, Persistence, Alerts and the
/// dashboard, each its own OS process, poll a feed on 127.0.0.1 while a SignalR client that reconnects and catches up
/// as the live page does, and a webhook receiver with a matching subscription, watch. In the middle of the stream each
/// process is SIGKILLed and started again, RabbitMQ is restarted, and PostgreSQL is stopped for two minutes. After
/// each fault every statement is stored once, shown once by the client (pushes plus its catch-up), alerted once to the
/// webhook, no message waits in an error queue and every process is ready again without help. The broker and the
/// database are the test's own (a private RabbitMQ node and PostgreSQL cluster): the shared ones are never stopped.
/// The run writes its table (fault, statements, lost, duplicated, recovered in) to the test output and to
/// <c>$MONITOR_TEST_LOG_DIR/fault-table.md</c>.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class InfrastructureFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Statements per fault: half before the fault, half as it starts.</summary>
    private const int PerFault = 40;

    private const int InFlightAtOutage = 10;

    private static readonly TimeSpan DatabaseOutage = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan BrokerOutage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FeedGap = TimeSpan.FromMilliseconds(200);

    private readonly HashSet<string> _added = [];
    private readonly List<string> _failures = [];
    private readonly List<string> _table = [];
    private readonly Dictionary<string, MonitorProcess> _processes = [];
    private PrivatePostgres _postgres = null!;
    private PrivateRabbitMq _rabbit = null!;
    private FeedServer _feed = null!;
    private WebhookReceiver _receiver = null!;
    private CatchingUpLiveClient _client = null!;
    private Database _database = null!;
    private long _subscriptionId;

    public async Task InitializeAsync()
    {
        var postgres = PrivatePostgres.StartAsync();
        var rabbit = PrivateRabbitMq.StartAsync();
        _feed = await FeedServer.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
        _postgres = await postgres;
        _rabbit = await rabbit;
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        foreach (var process in _processes.Values)
        {
            await process.DisposeAsync();
        }

        await _receiver.DisposeAsync();
        await _feed.DisposeAsync();
        await _rabbit.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Every_statement_is_stored_shown_and_alerted_once_through_process_kills_a_broker_restart_and_a_two_minute_database_stop()
    {
        await StartTopologyAsync();

        foreach (var name in _processes.Keys.ToList())
        {
            var process = _processes[name];
            await RunFaultAsync($"kill -9 {name}", process.KillAsync, () => process.RestartAsync());
        }

        // Down for 10 s: what the feed adds meanwhile waits, and flows the moment the broker is back.
        await RunFaultAsync("RabbitMQ restart", _rabbit.StopAsync, async () =>
        {
            await Task.Delay(BrokerOutage);
            await _rabbit.StartAgainAsync();
        });

        // Ingestion needs the database to publish, so a stream from the feed stops at the outage. What was already
        // published when the database stopped is the test: 10 statements go into the broker during the outage, as
        // Ingestion publishes them the moment before it stops; Tagging takes them, Persistence must wait with them.
        await RunFaultAsync($"PostgreSQL stopped {DatabaseOutage.TotalMinutes:0} min", _postgres.StopAsync, async () =>
        {
            var outage = Stopwatch.StartNew();
            await using (var bus = await PipelineBus.StartAsync(_rabbit.Host, _rabbit.Port, "/", _rabbit.Username, _rabbit.Password))
            {
                for (var i = 0; i < InFlightAtOutage; i++)
                {
                    var (id, title, text) = NextStatement();
                    var now = DateTimeOffset.UtcNow;
                    await bus.PublishAsync(new StatementDiscovered("test-feed", id, $"https://example.org/statements/{id}", title, text, text,
                        now, "en", $"hash-{id}", now));
                }
            }

            await Task.Delay(DatabaseOutage - outage.Elapsed);
            await _postgres.StartAgainAsync();
        }, feedDuring: PerFault - (PerFault / 2) - InFlightAtOutage);

        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.MachineName} ({Environment.ProcessorCount} cores), {nameof(InfrastructureFaultTests)}:")
            .AppendLine()
            .AppendLine("| fault | statements | lost | duplicated | recovered in |")
            .AppendLine("|---|---|---|---|---|");
        _table.ForEach(row => table.AppendLine(row));
        output.WriteLine(table.ToString());
        if (Environment.GetEnvironmentVariable("MONITOR_TEST_LOG_DIR") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            await File.WriteAllTextAsync(Path.Combine(logs, "fault-table.md"), table.ToString());
        }

        Assert.True(_failures.Count == 0, string.Join(Environment.NewLine, _failures) + Environment.NewLine + table);
    }

    private async Task StartTopologyAsync()
    {
        var environment = Topology.Distributed(_rabbit.Host, _rabbit.Port, "/", _rabbit.Username, _rabbit.Password, _postgres.ConnectionString, _feed.FeedUrl);
        environment["Auth__AnonymousRead"] = "true";
        // The infrastructure is under test, not the tagger: the rules tag these statements, with no model to load at
        // every restart.
        environment["Tagging__Semantic__Enabled"] = "false";
        environment["Alerts__AllowedNetworks__0"] = "127.0.0.1/32";
        environment["Alerts__FirstRetryDelay"] = "00:00:01";
        environment["Alerts__MaxRetryDelay"] = "00:00:05";
        // A killed process's claim on a send runs out after 4 × SendTimeout + 30 s: keep it short here.
        environment["Alerts__SendTimeout"] = "00:00:02";

        foreach (var project in new[] { Topology.Dashboard }.Concat(Topology.Workers))
        {
            _processes[Path.GetFileName(project).Replace("Monitor.", "", StringComparison.Ordinal)] = MonitorProcess.Create(project, environment);
        }

        // The dashboard migrates the database first; the workers then start side by side.
        await _processes["Dashboard"].StartAsync(TimeSpan.FromSeconds(90));
        await Task.WhenAll(_processes.Where(p => p.Key != "Dashboard").Select(p => p.Value.StartAsync(TimeSpan.FromSeconds(90))));

        _database = TestAccounts.Postgres(_postgres.ConnectionString);
        var userId = await AlertsTestData.CreateUserAsync(_database, "watcher", "watcher@example.org");
        var subscription = AlertsTestData.Subscription(userId, "everything") with { WebhookUrl = _receiver.Url.ToString() };
        _receiver.Secret = subscription.WebhookSecret!;
        _subscriptionId = await new SubscriptionStore(_database).AddAsync(subscription);
        _client = await CatchingUpLiveClient.ConnectAsync(_processes["Dashboard"].BaseAddress);

        // A first statement through every process: the pipeline runs before the first fault.
        await FeedAsync(1);
        var ready = await WaitUntilCompleteAsync(TimeSpan.FromSeconds(120));
        Assert.True(ready, $"The first statement did not cross the pipeline: {await DescribeAsync()}");
    }

    private async Task RunFaultAsync(string fault, Func<Task> inject, Func<Task> recover, int feedDuring = PerFault - (PerFault / 2))
    {
        var before = _added.Count;
        await FeedAsync(PerFault / 2);
        await inject();
        var feeding = FeedAsync(feedDuring);
        await recover();
        var over = Stopwatch.StartNew();
        await feeding;

        var complete = await WaitUntilCompleteAsync(TimeSpan.FromSeconds(240));
        var recoveredIn = over.Elapsed;

        // Give a repeat (a relay killed between publish and delete, a webhook send not yet recorded) its chance to show.
        await WaitForOutboxAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var failures = new List<string>();
        var (lost, duplicated) = await CheckExactlyOnceAsync(failures);
        failures.AddRange(await ErrorQueuesAsync());
        failures.AddRange(await NotReadyAsync());
        if (!complete)
        {
            failures.Add($"not complete within 240 s: {await DescribeAsync()}");
            await KeepProcessLogsAsync(fault);
        }

        var statements = _added.Count - before;
        _table.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {fault} | {statements} | {lost} | {duplicated} | {(complete ? $"{recoveredIn.TotalSeconds:0.0} s" : "no")} |"));
        output.WriteLine($"{fault}: {statements} statements, lost {lost}, duplicated {duplicated}, recovered in {recoveredIn.TotalSeconds:0.0} s; " +
            $"client: {_client.Pushes.Count} pushes, {_client.CaughtUp.Count} caught up, {_client.Reconnects} reconnects, {_client.CatchUpRequests} catch-ups asked by the server; webhook: {_receiver.Received.Count} requests" +
            (failures.Count == 0 ? "" : $"\n  {string.Join("\n  ", failures)}"));
        _failures.AddRange(failures.Select(f => $"{fault}: {f}"));
    }

    /// <summary>
    /// A fault the pipeline did not recover from: every process's last 2,000 lines of log, into MONITOR_TEST_LOG_DIR (which
    /// CI keeps) when it is set, else their last 40 lines into the test's output.
    /// </summary>
    private async Task KeepProcessLogsAsync(string fault)
    {
        var logs = Environment.GetEnvironmentVariable("MONITOR_TEST_LOG_DIR");
        foreach (var (name, process) in _processes)
        {
            if (logs is { Length: > 0 })
            {
                Directory.CreateDirectory(logs);
                var file = Path.Combine(logs, $"fault-{string.Concat(fault.Where(char.IsLetterOrDigit))}-{name}.log");
                await File.WriteAllTextAsync(file, process.Output);
                output.WriteLine($"{fault}: {name}'s log in {file}");
            }
            else
            {
                output.WriteLine($"{fault}: {name}'s last lines:{Environment.NewLine}{string.Join(Environment.NewLine, process.Output.Split('\n').TakeLast(40))}");
            }
        }
    }

    /// <summary>Adds <paramref name="count"/> new items to the feed, one every 200 ms (a stream, not a burst).</summary>
    private async Task FeedAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (id, title, text) = NextStatement();
            _feed.Add(new TestFeedItem(id, title, text, DateTimeOffset.UtcNow));
            await Task.Delay(FeedGap);
        }
    }

    /// <summary>A new statement's id, title and text, counted as added; the rules tag it, so it matches the subscription.</summary>
    private (string Id, string Title, string Text) NextStatement()
    {
        lock (_added)
        {
            var n = _added.Count;
            var id = $"fault-{n}";
            _added.Add(id);
            return (id, $"Statement {n}: Allies reaffirm Article 5 and sanctions on Russia",
                $"NATO Allies condemned nuclear threats in statement {n} and said collective defence remains iron-clad. New sanctions against Russia were adopted.");
        }
    }

    /// <summary>True once every item added is stored, shown by the client, and alerted to the webhook.</summary>
    private async Task<bool> WaitUntilCompleteAsync(TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            try
            {
                if (_client.Shown.Count >= _added.Count
                    && _receiver.Accepted.SelectMany(r => r.AlertIds).Distinct().Count() >= _added.Count
                    && (await StoredExternalIdsAsync()).Count >= _added.Count)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The database is not back yet.
            }

            await Task.Delay(250);
        }

        return false;
    }

    private async Task<(int Lost, int Duplicated)> CheckExactlyOnceAsync(List<string> failures)
    {
        await using var connection = await _database.OpenAsync();
        var stored = await StoredExternalIdsAsync();
        var revisions = await connection.QueryAsync<(long Id, int Revision)>("SELECT statement_id, revision FROM statement_revisions");
        var currentRevisions = revisions.ToList();
        var alerts = await new AlertStore(_database).ListForSubscriptionAsync(_subscriptionId);
        var accepted = _receiver.Accepted;
        var shown = _client.Shown.Select(s => (s.StatementId, s.Revision)).ToHashSet();
        var alertedIds = accepted.SelectMany(r => r.AlertIds).ToHashSet();

        var lostStored = _added.Except(stored).ToList();
        var lostShown = currentRevisions.Where(r => !shown.Contains(r)).ToList();
        var lostAlerts = alerts.Where(a => !alertedIds.Contains(a.Id)).ToList();
        var unalerted = stored.Count - alerts.Select(a => a.StatementId).Distinct().Count();
        var lost = new[] { lostStored.Count, lostShown.Count, lostAlerts.Count, unalerted }.Max();

        var extraRevisions = currentRevisions.Count - stored.Count;
        var extraAlerts = alerts.Count - alerts.Select(a => a.StatementId).Distinct().Count();
        var extraDeliveries = accepted.SelectMany(r => r.AlertIds.Select(a => (Alert: a, r.DeliveryId))).Distinct()
            .GroupBy(x => x.Alert).Sum(g => g.Count() - 1);
        var duplicated = extraRevisions + _client.RepeatedPushes + extraAlerts + extraDeliveries;

        Check(failures, lostStored.Count == 0, $"{lostStored.Count} statements never stored ({string.Join(", ", lostStored.Take(5))})");
        Check(failures, stored.Count == _added.Count, $"{stored.Count} statements stored for {_added.Count} items");
        Check(failures, extraRevisions == 0, $"{extraRevisions} extra revisions");
        Check(failures, lostShown.Count == 0, $"{lostShown.Count} stored revisions never reached the client (pushed or caught up)");
        Check(failures, _client.Shown.Count == currentRevisions.Count, $"the client shows {_client.Shown.Count} statements, {currentRevisions.Count} are stored");
        Check(failures, _client.RepeatedPushes == 0, $"{_client.RepeatedPushes} statements pushed twice");
        Check(failures, unalerted == 0, $"{unalerted} stored statements raised no alert");
        Check(failures, extraAlerts == 0, $"{extraAlerts} statements alerted twice");
        Check(failures, lostAlerts.Count == 0, $"{lostAlerts.Count} alerts never reached the webhook");
        Check(failures, extraDeliveries == 0, $"{extraDeliveries} alerts reached the webhook in more than one delivery");
        Check(failures, accepted.All(r => r.SignatureValid), "a webhook request failed its signature");
        return (lost, duplicated);
    }

    private async Task<HashSet<string>> StoredExternalIdsAsync()
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT external_id FROM statements")).ToHashSet(StringComparer.Ordinal);
    }

    private async Task WaitForOutboxAsync()
    {
        var outbox = new OutboxStore(_database);
        var deadline = Stopwatch.StartNew();
        while (await outbox.CountAsync() > 0 && deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
        }
    }

    private async Task<IEnumerable<string>> ErrorQueuesAsync()
    {
        var queues = await _rabbit.ListQueuesAsync();
        return queues.Where(q => (q.Key.EndsWith("_error", StringComparison.Ordinal) || q.Key.EndsWith("_skipped", StringComparison.Ordinal)) && q.Value > 0)
            .Select(q => $"{q.Value} messages in {q.Key}");
    }

    private async Task<IEnumerable<string>> NotReadyAsync()
    {
        var failures = new List<string>();
        foreach (var (name, process) in _processes)
        {
            try
            {
                await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                failures.Add($"{name} did not recover by itself: {ex.Message.Split('\n')[0]}");
            }
        }

        if (_client.State != Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected)
        {
            failures.Add($"the SignalR client is {_client.State}");
        }

        return failures;
    }

    private async Task<string> DescribeAsync()
    {
        string stored;
        try
        {
            stored = (await StoredExternalIdsAsync()).Count.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            stored = $"unknown ({ex.Message})";
        }

        var queues = string.Join(", ", (await _rabbit.ListQueuesAsync()).Where(q => q.Value > 0).Select(q => $"{q.Key}={q.Value}"));
        return $"{_added.Count} added, {stored} stored, {_client.Shown.Count} shown, " +
            $"{_receiver.Accepted.SelectMany(r => r.AlertIds).Distinct().Count()} alerted to the webhook; queues: {queues}";
    }

    private static void Check(List<string> failures, bool condition, string failure)
    {
        if (!condition)
        {
            failures.Add(failure);
        }
    }
}
