using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Messaging;

/// <summary>
/// One trace per statement: the event a consumer writes to the outbox is published later by the relay, outside the
/// consumer's trace, so the outbox row carries the trace it was written in and the relay publishes inside it.
/// </summary>
public sealed class OutboxTraceTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private MigratedSqlite _sqlite = null!;
    private Database _database = null!;

    public OutboxTraceTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MonitorMetrics.MeterName or "MassTransit" || source.Name == nameof(OutboxTraceTests),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync()
    {
        _sqlite = await MigratedSqlite.CreateAsync();
        _database = _sqlite.Database;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _listener.Dispose();
        _sqlite?.Dispose();
    }

    [Fact]
    public async Task The_relay_publishes_a_stored_statement_inside_the_trace_that_stored_it()
    {
        using var source = new ActivitySource(nameof(OutboxTraceTests));
        ActivityTraceId storedIn;
        using (var consume = source.StartActivity("consume StatementTagged")!)
        {
            storedIn = consume.TraceId;
            await new StatementStore(_database).StoreAsync(new StatementTagged(
                new StatementDiscovered("ep-press-releases", "ext-1", "https://example.org/1", "Title", "Summary.", "", Now, "en", "hash-1", Now),
                [new TopicScore("sanctions", 0.9, [])], "v1", Now), Now);
        }

        // The event's message id is fixed in the outbox row: it tells this test's publish from those of tests running
        // beside it (the listener hears every MassTransit activity in the process).
        string messageId;
        await using (var connection = await _database.OpenAsync())
        {
            messageId = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT message_id FROM outbox") ?? "";
        }

        await using (var bus = await BusHarness.StartAsync(new ServiceCollection()
            .AddLogging()
            .AddSingleton(_database)
            .AddSingleton<OutboxStore>()
            .AddSingleton<OutboxSignal>()
            .AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness()))
        {
            var relay = new OutboxRelay(bus.Get<OutboxStore>(), bus.Get<OutboxSignal>(), bus.Get<IBus>(), TimeProvider.System,
                NullLogger<OutboxRelay>.Instance);
            await relay.StartAsync(default);
            try
            {
                Assert.True(await bus.Harness.Published.Any<StatementsStored>());
            }
            finally
            {
                await relay.StopAsync(default);
            }
        }

        var published = _stopped.Where(a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Producer
            && a.TagObjects.Any(t => string.Equals(t.Value?.ToString(), messageId, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.NotEmpty(published);
        Assert.All(published, a => Assert.Equal(storedIn, a.TraceId));
    }
}
