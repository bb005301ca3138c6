using Monitor.Data;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.IntegrationTests;

/// <summary>
/// Delivery is at least once everywhere and every consumer is idempotent: SIGKILL the Persistence process in the
/// middle of a stream and nothing is lost or doubled, in the database or on a SignalR client.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class PersistenceFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Statements = 1000;
    private readonly List<MonitorProcess> _processes = [];
    private PostgresDatabase _database = null!;
    private RabbitMqVirtualHost _rabbit = null!;
    private FeedServer _feed = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _rabbit = await RabbitMqVirtualHost.CreateAsync();
        _feed = await FeedServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await _feed.DisposeAsync();
        await _rabbit.DisposeAsync();
        await _database.DisposeAsync();
    }

    private MonitorProcess Create(string project)
    {
        var process = MonitorProcess.Create(project, Topology.Distributed(_rabbit, _database.ConnectionString, _feed.FeedUrl));
        _processes.Add(process);
        return process;
    }

    [Fact]
    public async Task Killing_persistence_mid_stream_stores_and_pushes_every_statement_exactly_once()
    {
        var dashboard = Create(Topology.Dashboard);
        await dashboard.StartAsync();
        foreach (var worker in Topology.Workers.Where(w => !w.EndsWith("Persistence", StringComparison.Ordinal)))
        {
            await Create(worker).StartAsync();
        }

        var persistence = Create("workers/Monitor.Persistence");
        await persistence.StartAsync();
        await using var client = await LiveClient.ConnectAsync(dashboard.BaseAddress);
        var database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _database.ConnectionString });
        var store = new StatementStore(database);

        var now = DateTimeOffset.UtcNow;
        _feed.Add(Enumerable.Range(0, Statements)
            .Select(i => new TestFeedItem($"bulk-{i}", $"Statement {i} on sanctions and air defence", $"Text of statement {i}.", now.AddSeconds(-i)))
            .ToArray());

        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await store.CountAsync() < Statements / 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await persistence.KillAsync();
        var storedAtKill = await store.CountAsync();
        output.WriteLine($"SIGKILLed Persistence with {storedAtKill} of {Statements} statements stored");
        Assert.InRange(storedAtKill, 1, Statements - 1);

        await persistence.StartAsync();
        await client.WaitForCountAsync(Statements, TimeSpan.FromSeconds(180));

        // Rows the killed relay had claimed stay locked for a while, then go out again with their message ids:
        // wait for the outbox to drain so any repeat has had its chance to reach the client before counting.
        var outbox = new OutboxStore(database);
        deadline = DateTime.UtcNow.AddSeconds(90);
        while (await outbox.CountAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(Statements, await store.CountAsync());
        Assert.Equal(Statements, await store.CountRevisionsAsync());
        Assert.Equal(0, await outbox.CountAsync());
        Assert.Equal(Statements, client.Statements.Count);
        Assert.Equal(Statements, client.Statements.Select(s => (s.Statement.StatementId, s.Statement.Revision)).Distinct().Count());
    }
}
