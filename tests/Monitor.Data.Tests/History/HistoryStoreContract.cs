using Monitor.Contracts;
using Monitor.Core.Search;
using Monitor.Data.History;
using Monitor.Data.Migrations;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.Data.Tests.History;

/// <summary>
/// History queries must return the same statements on PostgreSQL (tsvector) and SQLite (FTS5): the same cases run
/// against both. Each test gets a fresh database holding the corpus below.
/// </summary>
public abstract class HistoryStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 9, 0, 0, TimeSpan.Zero); // a Monday

    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);

    protected Database Database { get; private set; } = null!;

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        Database = new Database(await CreateDatabaseAsync());
        await new Migrator(Database).MigrateAsync();
        var store = new StatementStore(Database);
        (string Id, string Source, string Title, string Body, int Day, string Type, string[] Topics, bool Drift)[] corpus =
        [
            ("a", "nato", "Allies agree air defence package for Ukraine", "NATO allies pledged Patriot systems and sanctions relief talks were refused.", 0, DocumentTypes.PressRelease, ["military-support"], false),
            ("b", "ep", "Parliament calls for tougher sanctions on Russia", "Members demand new sanctions and an end to energy imports.", 1, DocumentTypes.TextAdopted, ["sanctions", "energy"], true),
            ("c", "ep", "Air defence: MEPs debate the Patriot request", "The debate on air defence for Ukraine continued; sanctioning was mentioned.", 2, DocumentTypes.News, ["military-support"], false),
            ("d", "nato", "Secretary General on Crimea and the Black Sea", "Naval exercise in the Black Sea. Crimea remains Ukrainian.", 3, DocumentTypes.Speech, ["crimea"], false),
            ("e", "nato", "Exercise Steadfast Defender concludes", "The exercise tested defence plans on the eastern flank. Sanctions were not discussed.", 8, DocumentTypes.News, ["deterrence", "military-support"], false),
            ("f", "ep", "Énergie: la sécurité d'approvisionnement", "Les députés veulent réduire la dépendance au gaz russe.", 9, DocumentTypes.PressRelease, ["energy"], false),
        ];
        foreach (var s in corpus)
        {
            var tagged = new StatementTagged(
                new StatementDiscovered(s.Source, s.Id, $"https://example.org/{s.Id}", s.Title, "Summary of " + s.Id, s.Body,
                    T0.AddDays(s.Day), s.Id == "f" ? "fr" : "en", "hash-" + s.Id, T0.AddDays(s.Day)) { DocumentType = s.Type },
                s.Topics.Select((t, i) => new TopicScore(t, i == 0 ? 0.9 : 0.4, [new TopicEvidence(t, "body", 0, t.Length)])).ToList(),
                "baseline-v1",
                T0.AddDays(s.Day))
            {
                Figures = s.Drift ? [new FigureValue("troops", 1, 2, true, "1", "body", 0)] : [],
            };
            var stored = await store.StoreAsync(tagged, T0.AddDays(s.Day));
            _ids[s.Id] = stored!.StatementId;
        }
    }

    public Task DisposeAsync() => DropDatabaseAsync();

    [Theory]
    [InlineData("sanctions", "e,b,a")]
    [InlineData("SANCTIONS", "e,b,a")]
    [InlineData("sanction*", "e,c,b,a")]
    [InlineData("\"air defence\"", "c,a")]
    [InlineData("\"defence air\"", "")]
    [InlineData("patriot AND ukraine", "c,a")]
    [InlineData("patriot ukraine", "c,a")]
    [InlineData("crimea OR steadfast", "e,d")]
    [InlineData("defence -exercise", "c,a")]
    [InlineData("defence NOT (exercise OR patriot)", "")]
    [InlineData("(sanctions OR crimea) NOT russia", "e,d,a")]
    [InlineData("energie", "f")]
    [InlineData("ÉNERGIE", "f")]
    [InlineData("black sea", "d")]
    [InlineData("nothingmatches", "")]
    public async Task Full_text_queries_match_the_same_statements_on_both_stores(string query, string expected)
    {
        var page = await Search(new HistoryFilter { Text = TextQuery.Parse(query) });

        Assert.Equal(expected, Names(page.Items));
    }

    [Fact]
    public async Task Filters_by_topic_any_and_all_source_type_dates_drift_score_and_language()
    {
        Assert.Equal("e,c,a", Names((await Search(new HistoryFilter { Topics = ["military-support"] })).Items));
        Assert.Equal("f,d,b", Names((await Search(new HistoryFilter { Topics = ["crimea", "energy"] })).Items));
        Assert.Equal("b", Names((await Search(new HistoryFilter { Topics = ["sanctions", "energy"], TopicMatch = TopicMatch.All })).Items));
        Assert.Equal("f", Names((await Search(new HistoryFilter { Topics = ["energy"], MinScore = 0.5 })).Items));
        Assert.Equal("e,d,a", Names((await Search(new HistoryFilter { Sources = ["nato"] })).Items));
        Assert.Equal("f,a", Names((await Search(new HistoryFilter { DocumentTypes = [DocumentTypes.PressRelease] })).Items));
        Assert.Equal("d,c,b", Names((await Search(new HistoryFilter { From = T0.AddDays(1), To = T0.AddDays(4) })).Items));
        Assert.Equal("b", Names((await Search(new HistoryFilter { DriftOnly = true })).Items));
        Assert.Equal("f", Names((await Search(new HistoryFilter { Language = "fr" })).Items));
        Assert.Equal("e,a", Names((await Search(new HistoryFilter { Sources = ["nato"], Text = TextQuery.Parse("defence") })).Items));
    }

    [Fact]
    public async Task Keyset_pages_cover_every_statement_once_and_do_not_shift_when_new_statements_arrive()
    {
        var store = new HistoryStore(Database);
        var first = await store.SearchAsync(new HistoryFilter(), HistorySort.Date, 2, null);
        Assert.Equal("f,e", Names(first.Items));
        Assert.NotNull(first.NextCursor);

        // A newer statement arrives between two page requests: the next page is unaffected.
        await new StatementStore(Database).StoreAsync(new StatementTagged(
            new StatementDiscovered("ep", "new", "https://example.org/new", "Newest", "", "", T0.AddDays(20), "en", "hash-new", T0.AddDays(20)),
            [], "baseline-v1", T0.AddDays(20)), T0.AddDays(20));

        var seen = new List<StatementStored>(first.Items);
        var cursor = first.NextCursor;
        while (cursor is not null)
        {
            var page = await store.SearchAsync(new HistoryFilter(), HistorySort.Date, 2, HistoryCursor.Decode(cursor, HistorySort.Date));
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }

        Assert.Equal("f,e,d,c,b,a", Names(seen));
    }

    [Fact]
    public async Task Relevance_ranks_title_matches_first_and_pages_by_rank()
    {
        var store = new HistoryStore(Database);
        var filter = new HistoryFilter { Text = TextQuery.Parse("sanctions") };

        var all = await store.SearchAsync(filter, HistorySort.Relevance, 10, null);
        var first = await store.SearchAsync(filter, HistorySort.Relevance, 1, null);
        var rest = await store.SearchAsync(filter, HistorySort.Relevance, 10, HistoryCursor.Decode(first.NextCursor!, HistorySort.Relevance));

        Assert.Equal("b", Names(all.Items.Take(1)));
        Assert.Equal(Names(all.Items), Names(first.Items.Concat(rest.Items)));
    }

    [Fact]
    public async Task Totals_are_exact_below_the_cap()
    {
        var total = await new HistoryStore(Database).CountAsync(new HistoryFilter { Text = TextQuery.Parse("defence") });

        Assert.Equal(new HistoryTotal(3, false), total);
    }

    [Fact]
    public async Task Export_streams_every_matching_statement_across_batches()
    {
        var streamed = new List<StatementStored>();
        await foreach (var s in new HistoryStore(Database).StreamAsync(new HistoryFilter { Sources = ["ep"] }, batchSize: 2))
        {
            streamed.Add(s);
        }

        Assert.Equal("f,c,b", Names(streamed));
    }

    [Fact]
    public async Task Topic_counts_per_day_and_per_monday_week()
    {
        var aggregates = new HistoryAggregates(Database);

        var daily = await aggregates.CountTopicsAsync(new HistoryFilter { Topics = ["military-support"] }, ChartInterval.Day);
        var weekly = await aggregates.CountTopicsAsync(new HistoryFilter { Topics = ["military-support"] }, ChartInterval.Week);

        Assert.Equal([(T0.Date, 1L), (T0.AddDays(2).Date, 1L), (T0.AddDays(8).Date, 1L)], daily.Select(c => (c.Start.UtcDateTime, c.Count)));
        Assert.Equal([(T0.Date, 2L), (T0.AddDays(7).Date, 1L)], weekly.Select(c => (c.Start.UtcDateTime, c.Count)));
    }

    [Fact]
    public async Task A_new_revision_moves_the_statement_to_its_new_topics_in_pages_and_charts()
    {
        await new StatementStore(Database).StoreAsync(new StatementTagged(
            new StatementDiscovered("ep", "b", "https://example.org/b", "Parliament on Crimea", "Summary of b", "Crimea.", T0.AddDays(1), "en", "hash-b2", T0.AddDays(1)),
            [new TopicScore("crimea", 0.9, [new TopicEvidence("crimea", "title", 0, 6)])], "baseline-v1", T0.AddDays(5)), T0.AddDays(5));
        var aggregates = new HistoryAggregates(Database);

        Assert.Equal("", Names((await Search(new HistoryFilter { Topics = ["sanctions"] })).Items));
        Assert.Equal("d,b", Names((await Search(new HistoryFilter { Topics = ["crimea"] })).Items));
        Assert.Empty(await aggregates.CountTopicsAsync(new HistoryFilter { Topics = ["sanctions"] }, ChartInterval.Week));
        Assert.Equal(2, Assert.Single(await aggregates.CountTopicsAsync(new HistoryFilter { Topics = ["crimea"] }, ChartInterval.Week)).Count);
        Assert.Equal(new HistoryTotal(2, false), await new HistoryStore(Database).CountAsync(new HistoryFilter { Topics = ["crimea"] }));
    }

    [Fact]
    public async Task Daily_roll_up_and_topic_rows_give_the_same_chart_before_and_after_a_revision_changes_topics()
    {
        var aggregates = new HistoryAggregates(Database);
        HistoryFilter[] rolledUp =
        [
            new() { Topics = ["military-support"], From = T0.Date, To = T0.AddDays(14).Date },
            new() { Topics = ["sanctions", "energy", "crimea"], From = T0.AddDays(1).Date, To = T0.AddDays(9).Date },
            new() { From = T0.Date },
            new(),
        ];
        Assert.All(rolledUp, f => Assert.True(HistoryAggregates.CanUseDayCounts(f)));
        // MinScore 0 keeps every row but makes the chart count the topic rows themselves.
        Assert.False(HistoryAggregates.CanUseDayCounts(rolledUp[0] with { MinScore = 0 }));
        Assert.False(HistoryAggregates.CanUseDayCounts(rolledUp[0] with { From = T0 }));

        async Task AssertSameCounts()
        {
            foreach (var filter in rolledUp)
            {
                foreach (var interval in new[] { ChartInterval.Day, ChartInterval.Week })
                {
                    var fromRollUp = await aggregates.CountTopicsAsync(filter, interval);
                    var fromRows = await aggregates.CountTopicsAsync(filter with { MinScore = 0 }, interval);
                    Assert.NotEmpty(fromRows);
                    Assert.Equal(fromRows, fromRollUp);
                }
            }
        }

        await AssertSameCounts();
        Assert.Equal([("crimea", 1L), ("energy", 1L), ("sanctions", 1L)],
            (await aggregates.CountTopicsAsync(rolledUp[1], ChartInterval.Week)).Where(c => c.Start == T0.Date).Select(c => (c.TopicId, c.Count)));

        // b moves from sanctions and energy to crimea, and a day later.
        await new StatementStore(Database).StoreAsync(new StatementTagged(
            new StatementDiscovered("ep", "b", "https://example.org/b", "Parliament on Crimea", "Summary of b", "Crimea.", T0.AddDays(2), "en", "hash-b2", T0.AddDays(1)),
            [new TopicScore("crimea", 0.9, [new TopicEvidence("crimea", "title", 0, 6)])], "baseline-v1", T0.AddDays(5)), T0.AddDays(5));

        await AssertSameCounts();
        var week = (await aggregates.CountTopicsAsync(rolledUp[1], ChartInterval.Week)).Where(c => c.Start == T0.Date).ToList();
        Assert.Equal([("crimea", 2L)], week.Select(c => (c.TopicId, c.Count)));
        var days = await aggregates.CountTopicsAsync(rolledUp[1], ChartInterval.Day);
        Assert.Equal([(T0.AddDays(2).Date, 1L), (T0.AddDays(3).Date, 1L)], days.Where(c => c.TopicId == "crimea").Select(c => (c.Start.UtcDateTime, c.Count)));
    }

    [Fact]
    public async Task First_mention_of_each_topic_per_source()
    {
        var mentions = await new HistoryAggregates(Database).FirstMentionsAsync(new HistoryFilter { Topics = ["military-support", "energy"] });

        Assert.Equal(
            [("energy", "ep", _ids["b"]), ("military-support", "nato", _ids["a"]), ("military-support", "ep", _ids["c"])],
            mentions.Select(m => (m.TopicId, m.SourceId, m.StatementId)));
    }

    [Fact]
    public async Task Top_terms_count_statements_not_occurrences_and_skip_common_words()
    {
        var terms = await new HistoryAggregates(Database).TopTermsAsync(new HistoryFilter { Sources = ["nato"] }, 3);

        Assert.Equal(new TermCount("summary", 3), terms[0]);
        Assert.DoesNotContain(terms, t => t.Term is "the" or "of" or "and");
    }

    [Fact]
    public async Task A_statement_in_full_has_its_revisions_with_word_changes_and_related_statements_of_other_sources()
    {
        await new StatementStore(Database).StoreAsync(new StatementTagged(
            new StatementDiscovered("ep", "c", "https://example.org/c", "Air defence: MEPs back the Patriot request", "Summary of c",
                "The debate on air defence for Ukraine continued.", T0.AddDays(2), "en", "hash-c2", T0.AddDays(2)),
            [new TopicScore("military-support", 0.8, [new TopicEvidence("air defence", "body", 0, 11)])], "baseline-v1", T0.AddDays(3)), T0.AddDays(3));

        var detail = await new StatementDetailStore(Database).GetAsync(_ids["c"]);

        Assert.NotNull(detail);
        Assert.Equal(2, detail.Revision);
        Assert.Equal("Air defence: MEPs back the Patriot request", detail.Title);
        Assert.Equal(["air defence"], Assert.Single(detail.Topics).Evidence.Select(e => e.Term));
        Assert.Equal([1, 2], detail.Revisions.Select(r => r.Revision));
        var title = Assert.Single(detail.Revisions[1].Changes, c => c.Field == "title");
        Assert.Contains(title.Pieces, p => p.Kind == "deleted" && p.Text.Contains("debate", StringComparison.Ordinal));
        Assert.Contains(title.Pieces, p => p.Kind == "inserted" && p.Text.Contains("back", StringComparison.Ordinal));
        var related = Assert.Single(detail.Related);
        Assert.Equal(_ids["a"], related.StatementId);
        Assert.True(related.SpokeFirst);
        Assert.Null(await new StatementDetailStore(Database).GetAsync(999_999));
    }

    [Fact]
    public async Task Related_statements_include_other_sources_carrying_the_same_document_reference()
    {
        var store = new StatementStore(Database);
        StatementTagged Copy(string source, string externalId) => new(
            new StatementDiscovered(source, externalId, $"https://example.org/{source}/{externalId}", "Resolution on the Arctic",
                "Summary", "Body", T0.AddDays(20), "en", "hash-ref", T0.AddDays(20)) { DocumentReference = "TA-10-2026-0042" },
            [new TopicScore("energy", 0.7, [new TopicEvidence("energy", "body", 0, 6)])], "baseline-v1", T0.AddDays(20));
        var first = await store.StoreAsync(Copy("ep", "ta-42"), T0.AddDays(20));
        await store.StoreAsync(Copy("nato", "nato-42"), T0.AddDays(21));
        await store.StoreAsync(Copy("ep-plenary", "plenary-42"), T0.AddDays(22));

        var detail = await new StatementDetailStore(Database).GetAsync(first!.StatementId);

        Assert.NotNull(detail);
        Assert.Equal("ep", detail.SourceId);
        Assert.Equal(
            [("nato", T0.AddDays(21), false), ("ep-plenary", T0.AddDays(22), false)],
            detail.Related.Where(r => r.SameDocument).Select(r => (r.SourceId, r.At, r.SpokeFirst)));
        Assert.All(detail.Related.Where(r => r.SameDocument), r => Assert.Equal(first.StatementId, r.StatementId));
        Assert.DoesNotContain(detail.Related, r => r.SourceId == "ep");
        Assert.DoesNotContain((await new StatementDetailStore(Database).GetAsync(_ids["a"]))!.Related, r => r.SameDocument);
    }

    private Task<HistoryPage<StatementStored>> Search(HistoryFilter filter) =>
        new HistoryStore(Database).SearchAsync(filter, HistorySort.Date, 50, null);

    private string Names(IEnumerable<StatementStored> statements) =>
        string.Join(',', statements.Select(s => _ids.Single(i => i.Value == s.StatementId).Key));
}

public sealed class SqliteHistoryStoreTests : HistoryStoreContract
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

public sealed class PostgresHistoryStoreTests : HistoryStoreContract
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
}
