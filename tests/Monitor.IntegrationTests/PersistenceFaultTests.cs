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
    private DistributedTopology _topology = null!;

    public async Task InitializeAsync() => _topology = await DistributedTopology.CreateAsync();

    public async Task DisposeAsync() => await _topology.DisposeAsync();

    [Fact]
    public async Task Killing_persistence_mid_stream_stores_and_pushes_every_statement_exactly_once()
    {
        var dashboard = await _topology.StartAsync(Topology.Dashboard);
        foreach (var worker in Topology.Workers.Where(w => !w.EndsWith("Persistence", StringComparison.Ordinal)))
        {
            await _topology.StartAsync(worker);
        }

        var persistence = await _topology.StartAsync("workers/Monitor.Persistence");
        await using var client = await LiveClient.ConnectAsync(dashboard.BaseAddress);
        var database = _topology.OpenDatabase();
        var store = new StatementStore(database);

        // The feed grows in waves of 100, one a poll apart, so the stream is still flowing when Persistence dies:
        // adding all 1,000 at once let a fast machine commit every one between the first count and the kill.
        var now = DateTimeOffset.UtcNow;
        var items = Enumerable.Range(0, Statements)
            .Select(i => new TestFeedItem($"bulk-{i}", $"Statement {i} on sanctions and air defence", $"Text of statement {i}.", now.AddSeconds(-i)))
            .ToArray();
        var feeding = Task.Run(async () =>
        {
            foreach (var wave in items.Chunk(100))
            {
                _topology.Feed.Add(wave);
                await Task.Delay(TimeSpan.FromMilliseconds(1100));
            }
        });

        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await store.CountAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await persistence.KillAsync();
        var storedAtKill = await store.CountAsync();
        output.WriteLine($"SIGKILLed Persistence with {storedAtKill} of {Statements} statements stored");
        Assert.InRange(storedAtKill, 1, Statements - 1);

        await persistence.StartAsync();
        await feeding;
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
