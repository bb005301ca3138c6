using Dapper;
using Monitor.Contracts;
using Monitor.Core.Events;
using Monitor.Data.Events;
using Monitor.Data.History;
using Monitor.Data.Statements;

namespace Monitor.Data.Tests.Events;

/// <summary>
/// The statement lists (history, the live view's snapshot and catch-up) carry each statement's event for the live
/// view's chip, merges followed, on SQLite and PostgreSQL alike; paging is the same with and without events.
/// </summary>
public abstract class StatementListEventContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_lists_carry_each_statements_event_its_size_institutions_and_whether_it_started_it()
    {
        var a = await StoreAsync("nato-news", "a", "NATO ministers meet", T0);
        var b = await StoreAsync("ep-press", "b", "Parliament on the ministers' meeting", T0.AddHours(1));
        var c = await StoreAsync("nato-news", "c", "Ministers conclude", T0.AddHours(2));
        var d = await StoreAsync("nato-news", "d", "Not yet clustered", T0.AddHours(3));
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, TimeSpan.FromMinutes(1)))!.Value;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, TimeSpan.FromMinutes(1)))!)
        {
            var none = new Dictionary<long, string>();
            await page.WriteAsync(Statement(a, "NATO"), new EventAssignment(a, 1, true, EventClusterer.FirstStatementReason, []), none);
            await page.WriteAsync(Statement(b, "EP"), new EventAssignment(b, 1, false, $"similarity 0.90 with statement {a}", []), none);
            await page.WriteAsync(Statement(c, "NATO"), new EventAssignment(c, 2, true, EventClusterer.FirstStatementReason, []), none);
            await page.CommitAsync(c);
        }

        var history = new HistoryStore(Database);
        var listed = (await history.SearchAsync(new HistoryFilter(), HistorySort.Date, 10, null)).Items;
        var caughtUp = (await history.StoredSinceAsync(T0.AddDays(-1), 10, null)).Items;

        foreach (var statements in new[] { listed, caughtUp })
        {
            var byId = statements.ToDictionary(s => s.StatementId, s => s.Event);
            Assert.Equal(4, byId.Count);
            Assert.Equal((1L, true, "NATO ministers meet", 2), (byId[a]!.EventId, byId[a]!.NewEvent, byId[a]!.Title, byId[a]!.Members));
            Assert.Equal(["NATO", "EP"], byId[a]!.Institutions);
            Assert.Equal((1L, false, 2), (byId[b]!.EventId, byId[b]!.NewEvent, byId[b]!.Members));
            Assert.Equal((2L, true, 1), (byId[c]!.EventId, byId[c]!.NewEvent, byId[c]!.Members));
            Assert.Equal(["NATO"], byId[c]!.Institutions);
            Assert.Null(byId[d]);
        }

        Assert.Equal([d, c, b, a], listed.Select(s => s.StatementId));
        Assert.Equal([a, b, c, d], caughtUp.Select(s => s.StatementId));
    }

    [Fact]
    public async Task Keyset_pages_are_the_same_statements_in_the_same_order_with_events()
    {
        var stored = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            stored.Add(await StoreAsync("nato-news", $"k{i}", $"Statement {i}", T0.AddHours(i % 3)));
        }

        var history = new HistoryStore(Database);
        var before = await AllPagesAsync(history);
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, TimeSpan.FromMinutes(1)))!.Value;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, TimeSpan.FromMinutes(1)))!)
        {
            foreach (var id in stored.Where((_, i) => i % 2 == 0))
            {
                await page.WriteAsync(Statement(id, "NATO"), new EventAssignment(id, id, true, EventClusterer.FirstStatementReason, []), new Dictionary<long, string>());
            }

            await page.CommitAsync(stored[^1]);
        }

        var after = await AllPagesAsync(history);

        Assert.Equal(before.Select(s => s.StatementId), after.Select(s => s.StatementId));
        Assert.Equal(7, after.Count);
        Assert.Equal(4, after.Count(s => s.Event is not null));
    }

    private static async Task<List<StatementStored>> AllPagesAsync(HistoryStore history)
    {
        var all = new List<StatementStored>();
        HistoryCursor? cursor = null;
        do
        {
            var page = await history.SearchAsync(new HistoryFilter(), HistorySort.Date, 2, cursor);
            all.AddRange(page.Items);
            cursor = page.NextCursor is null ? null : HistoryCursor.Decode(page.NextCursor, HistorySort.Date);
        }
        while (cursor is not null);
        return all;
    }

    private static EventStatement Statement(long id, string institution) =>
        new(id, DateOnly.FromDateTime(T0.UtcDateTime), institution, [1, 0, 0], [], []);

    private async Task<long> StoreAsync(string source, string externalId, string title, DateTimeOffset published)
    {
        var discovered = new StatementDiscovered(source, externalId, $"https://example.org/{externalId}", title, $"Summary of {externalId}.", "", published, "en", $"hash-{externalId}", published);
        await new StatementStore(Database).StoreAsync(new StatementTagged(discovered, [], "v1", published), published);
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT id FROM statements WHERE external_id = @ExternalId", new { ExternalId = externalId });
    }
}

public sealed class SqliteStatementListEventTests() : StatementListEventContract(Store.Sqlite);

public sealed class PostgresStatementListEventTests() : StatementListEventContract(Store.Postgres);
