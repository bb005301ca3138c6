using Dapper;
using Monitor.Contracts;
using Monitor.Core.Search;
using Monitor.Data.History;
using Monitor.Data.Migrations;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.Data.Tests.History;

/// <summary>
/// Sorting by relevance pages by (rank, id): every page of a query, put together, is the ranked set once, best rank
/// first, ties by id descending. PostgreSQL ranks only the newest <see cref="HistoryStore.RelevanceCandidates"/>
/// matches (here a bound of 5, below the corpus's 13 matches); SQLite ranks every match with bm25. The expected
/// order comes from the store's own rank function, asked directly here.
/// </summary>
public abstract class RelevancePagingContract : IAsyncLifetime
{
    protected const int Bound = 5;

    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    protected Database Database { get; private set; } = null!;

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        Database = new Database(await CreateDatabaseAsync());
        await new Migrator(Database).MigrateAsync();
        // 13 statements say "sanctions" (in the title, the summary or the body, once or more; pairs of the same text
        // rank the same, so ties are ordered by id), 5 do not. Every other one carries the topic "sanctions".
        string[] texts =
        [
            "sanctions", "sanctions sanctions", "sanctions", "nothing here", "tough sanctions on imports", "sanctions sanctions",
            "energy and sanctions and more sanctions", "defence", "sanctions", "sanctions relief talks", "nothing", "sanctions",
            "more sanctions sanctions sanctions", "the air defence", "sanctions", "sanctions", "sanctions regime", "no match",
        ];
        for (var i = 0; i < texts.Length; i++)
        {
            await StoreAsync($"s{i}", i % 3 == 0 ? texts[i] : "Statement " + i, i % 3 == 1 ? texts[i] : "Summary", i % 3 == 2 ? texts[i] : "Body text.",
                T0.AddDays(i), i % 2 == 0 ? ["sanctions"] : ["energy"]);
        }
    }

    public Task DisposeAsync() => DropDatabaseAsync();

    [Theory]
    [InlineData(false, false, 2)]
    [InlineData(false, true, 2)]
    [InlineData(true, false, 2)]
    [InlineData(true, true, 3)]
    [InlineData(true, true, 1)]
    public async Task Relevance_pages_hold_the_ranked_set_once_by_rank_then_id(bool topic, bool walkDates, int pageSize)
    {
        // walkDates: the word does not count as rare, so PostgreSQL takes its candidates by walking the date index
        // (or, with one topic, the topic's rows) as it does for a common word; otherwise from the GIN index.
        var store = new HistoryStore(Database) { RelevanceCandidates = Bound, RareBelow = walkDates ? 0 : HistoryStore.RareMatches };
        var filter = new HistoryFilter { Text = TextQuery.Parse("sanctions"), Topics = topic ? ["sanctions"] : [] };

        var expected = await ExpectedAsync(topic);
        var paged = await PageAllAsync(store, filter, pageSize);

        Assert.Equal(expected, paged);
        var whole = await store.SearchAsync(filter, HistorySort.Relevance, 50, null);
        Assert.Equal(expected, whole.Items.Select(s => s.StatementId));
        // The page says when only the newest matches were ranked (PostgreSQL, more matches than the bound).
        Assert.Equal(Database.Provider == DatabaseProvider.Postgres ? Bound : null, whole.RankedAmong);
        Assert.Null((await new HistoryStore(Database) { RelevanceCandidates = 100 }.SearchAsync(filter, HistorySort.Relevance, 2, null)).RankedAmong);
    }

    [Fact]
    public async Task The_total_counts_every_match_whatever_the_relevance_bound()
    {
        var total = await new HistoryStore(Database) { RelevanceCandidates = Bound }.CountAsync(new HistoryFilter { Text = TextQuery.Parse("sanctions") });

        Assert.Equal(new HistoryTotal(13, false), total);
    }

    /// <summary>Every statement of the paged query, page by page, by the cursors the store hands out.</summary>
    protected static async Task<List<long>> PageAllAsync(HistoryStore store, HistoryFilter filter, int pageSize, Func<Task>? afterFirstPage = null)
    {
        var seen = new List<long>();
        HistoryCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.SearchAsync(filter, HistorySort.Relevance, pageSize, cursor);
            Assert.True(page.Items.Count <= pageSize);
            seen.AddRange(page.Items.Select(s => s.StatementId));
            cursor = page.NextCursor is null ? null : HistoryCursor.Decode(page.NextCursor, HistorySort.Relevance);
            if (++pages == 1 && afterFirstPage is not null)
            {
                await afterFirstPage();
            }
        }
        while (cursor is not null && pages < 100);

        return seen;
    }

    /// <summary>
    /// The ranked set in the expected order, from the store's rank asked directly: PostgreSQL's newest
    /// <see cref="Bound"/> matches by ts_rank, SQLite's every match by bm25 (title 10, summary 5, body 1).
    /// </summary>
    protected async Task<List<long>> ExpectedAsync(bool topic)
    {
        var postgres = Database.Provider == DatabaseProvider.Postgres;
        var topicClause = topic
            ? " AND EXISTS (SELECT 1 FROM statement_topics t WHERE t.statement_id = s.id AND t.revision = s.current_revision AND t.topic_id = 'sanctions')"
            : "";
        var sql = postgres
            ? "SELECT s.id AS Id, CAST(ts_rank(s.search, to_tsquery('simple', 'sanctions')) AS double precision) AS Rank, s.sort_at AS At FROM statements s WHERE s.search @@ to_tsquery('simple', 'sanctions')" + topicClause
            : "SELECT s.id AS Id, -bm25(statements_fts, 10.0, 5.0, 1.0) AS Rank, s.sort_at AS At FROM statements s JOIN statements_fts ON statements_fts.rowid = s.id WHERE statements_fts MATCH '\"sanctions\"'" + topicClause;
        await using var connection = await Database.OpenAsync();
        var rows = (await connection.QueryAsync<(long Id, double Rank, long At)>(sql)).ToList();
        var ranked = postgres ? rows.OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(Bound).ToList() : rows;
        Assert.True(rows.Count > Bound, "the corpus must exceed the candidate bound");
        Assert.Contains(ranked, r => ranked.Count(o => o.Rank == r.Rank) > 1); // ties, ordered by id
        return [.. ranked.OrderByDescending(r => r.Rank).ThenByDescending(r => r.Id).Select(r => r.Id)];
    }

    protected async Task<long> StoreAsync(string id, string title, string summary, string body, DateTimeOffset at, string[] topics)
    {
        var tagged = new StatementTagged(
            new StatementDiscovered("ep", id, $"https://example.org/{id}", title, summary, body, at, "en", "hash-" + id, at),
            topics.Select(t => new TopicScore(t, 0.9, [new TopicEvidence(t, "body", 0, t.Length)])).ToList(),
            "baseline-v1",
            at);
        return (await new StatementStore(Database).StoreAsync(tagged, at))!.StatementId;
    }
}

public sealed class SqliteRelevancePagingTests : RelevancePagingContract
{
    private readonly TempSqliteFile _file = new();

    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={_file.Path}" });

    protected override Task DropDatabaseAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PostgresRelevancePagingTests : RelevancePagingContract
{
    private PostgresDatabase? _database;

    protected override async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _database.ConnectionString };
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    // PostgreSQL only: ts_rank does not depend on the other statements, so a statement's rank holds while others
    // arrive. (SQLite's bm25 weighs a word by how many statements hold it, so new statements shift every rank.)
    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public async Task Newer_matches_arriving_between_pages_do_not_push_the_first_pages_candidates_out(bool walkDates, int pageSize)
    {
        var store = new HistoryStore(Database) { RelevanceCandidates = Bound, RareBelow = walkDates ? 0 : HistoryStore.RareMatches };
        var filter = new HistoryFilter { Text = TextQuery.Parse("sanctions") };
        var expected = await ExpectedAsync(topic: false);
        var arrived = new List<long>();

        var paged = await PageAllAsync(store, filter, pageSize, async () =>
        {
            // More than the bound of newer matches, some ranked above and some below the first page.
            for (var i = 0; i < Bound + 2; i++)
            {
                arrived.Add(await StoreAsync($"new{i}", i % 2 == 0 ? "sanctions sanctions sanctions" : "Newer", "Summary", i % 2 == 0 ? "Body." : "sanctions", DateTimeOffset.UtcNow.AddDays(i), ["energy"]));
            }
        });

        Assert.Equal(paged.Count, paged.Distinct().Count());
        Assert.Equal(expected, paged.Where(id => !arrived.Contains(id)));
    }

    [Fact]
    public async Task A_relevance_cursor_keeps_its_floor_and_an_old_three_part_cursor_still_reads()
    {
        var store = new HistoryStore(Database) { RelevanceCandidates = Bound };
        var first = await store.SearchAsync(new HistoryFilter { Text = TextQuery.Parse("sanctions") }, HistorySort.Relevance, 2, null);
        var cursor = HistoryCursor.Decode(first.NextCursor!, HistorySort.Relevance);

        Assert.NotNull(cursor.FloorAt);
        Assert.Equal(cursor, HistoryCursor.Decode(cursor.Encode(), HistorySort.Relevance));
        var old = new HistoryCursor(HistorySort.Relevance, cursor.Key, cursor.Id);
        Assert.Equal(old, HistoryCursor.Decode(old.Encode(), HistorySort.Relevance));
        Assert.Throws<FormatException>(() => HistoryCursor.Decode(
            System.Buffers.Text.Base64Url.EncodeToString("d:1:2:3:4"u8), HistorySort.Date));
    }
}
