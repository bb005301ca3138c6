using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// The live view's event chips over the real bus and real SignalR clients: two dashboard replicas (distributed setup,
/// RabbitMQ) each get a clustering page's <see cref="StatementsGrouped"/> from their own temporary queue and push it to
/// their own anonymous clients as event chips, only for statements they pushed live, as statements are pushed.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class EventChipsPushTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private DistributedTopology _topology = null!;
    private PipelineBus _bus = null!;
    private MonitorProcess[] _dashboards = [];

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync(pollSeconds: 3600);
        _dashboards = await Task.WhenAll(_topology.StartAsync(Topology.Dashboard), _topology.StartAsync(Topology.Dashboard));
        _bus = await PipelineBus.StartAsync(_topology.Rabbit);
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _topology.DisposeAsync();
    }

    [Fact]
    public async Task Every_replica_pushes_the_chips_of_the_statements_it_pushed_live_and_nothing_of_a_backfilled_one()
    {
        await using var first = await LiveClient.ConnectAsync(_dashboards[0].BaseAddress);
        await using var second = await LiveClient.ConnectAsync(_dashboards[1].BaseAddress);
        LiveClient[] clients = [first, second];

        // A live statement and a backfilled one (history: never pushed live).
        await _bus.PublishAsync(new StatementsStored([Statement(9001, backfill: false), Statement(9002, backfill: true)]));
        foreach (var client in clients)
        {
            await client.WaitForStatementAsync(s => s.StatementId == 9001, TimeSpan.FromSeconds(30));
        }

        // A page of the backfilled statement only: nothing to push. A replica's consumer takes messages concurrently, so
        // their pushes need not keep the publish order; this one goes 2 s ahead, where a wrong push would show first.
        await _bus.PublishAsync(new StatementsGrouped([new StatementGrouped(9002, 80, NewEvent: true)], [Event(80, "A backfilled story", ["EP"], 1)]));
        await Task.Delay(TimeSpan.FromSeconds(2));

        // A page placing the live statement, the backfilled one again and one stored before these replicas listened,
        // then a later page of the live statement's event.
        await _bus.PublishAsync(new StatementsGrouped(
            [new StatementGrouped(9001, 70, NewEvent: true), new StatementGrouped(9002, 80, NewEvent: false), new StatementGrouped(9003, 70, NewEvent: false)],
            [Event(70, "Allies agree air defence package", ["NATO", "EP"], 3, merged: [65]), Event(80, "A backfilled story", ["EP"], 2)]));
        await _bus.PublishAsync(new StatementsGrouped([new StatementGrouped(9001, 70, NewEvent: true)], [Event(70, "Allies agree air defence package", ["NATO", "EP"], 4)]));

        foreach (var client in clients)
        {
            await client.WaitForCountOfGroupedAsync(2, TimeSpan.FromSeconds(30));
            var pushes = client.Grouped.OrderBy(p => p.Events.Sum(e => e.Members)).ToList();
            Assert.Equal(2, pushes.Count);

            var chips = pushes[0];
            var placed = Assert.Single(chips.Statements);
            Assert.Equal(new StatementGrouped(9001, 70, true), placed);
            var chip = Assert.Single(chips.Events);
            Assert.Equal((70L, "Allies agree air defence package", 3), (chip.EventId, chip.Title, chip.Members));
            Assert.Equal(new[] { "NATO", "EP" }, chip.Institutions);
            Assert.Equal(new[] { 65L }, chip.Merged);

            Assert.Equal(4, Assert.Single(pushes[1].Events).Members);
        }
    }

    private static StatementStored Statement(long id, bool backfill) =>
        new(id, 1, "nato-news", $"chips-{id}", $"https://example.org/chips/{id}", $"Statement {id}", "Allies agreed an air defence package.",
            Now, [new TopicScore("collective-defence", 0.5, [])], Now, Now) { Backfill = backfill };

    private static GroupedEvent Event(long id, string title, IReadOnlyList<string> institutions, int members, IReadOnlyList<long>? merged = null) =>
        new(id, title, institutions, members, ["collective-defence"], DateOnly.FromDateTime(Now.UtcDateTime), DateOnly.FromDateTime(Now.UtcDateTime),
            BothInstitutionsNow: institutions.Count == 2, merged ?? []);
}
