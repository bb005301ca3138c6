using Dapper;
using Monitor.Core.Briefing;
using Monitor.Core.Tagging;
using Monitor.Data.Briefing;
using Monitor.Data.History;
using Monitor.Testing;

namespace Monitor.Data.Tests.Briefing;

/// <summary>The living briefing built from a seeded history on both databases: same answer, bounded indexed queries.</summary>
public abstract class BriefingStoreContract(Store store) : DatabaseContract(store)
{
    private readonly Store _store = store;

    private Task<BriefingReport> Build(DateTimeOffset from, DateTimeOffset to) =>
        new BriefingStore(Database, new HistoryAggregates(Database)).BuildAsync(BriefingDocument.LoadDefault(), TopicFile.LoadDefault(), from, to, false);

    [Fact]
    public async Task Since_the_baseline_each_topic_has_its_statements_apart_by_institution_first_latest_and_who_spoke_first()
    {
        var ids = await BriefingHistory.SeedAsync(Database);

        var report = await Build(BriefingDocument.BaselineDate, BriefingHistory.Now);

        Assert.Equal([1, 11, 28, 50, 68, 88], report.Sections.Select(s => s.Line));
        Assert.Equal(18, report.Sections.Sum(s => s.Topics.Count));
        var door = report.Sections.Single(s => s.Line == 50).Topics.Single(t => t.TopicId == "open-door-enlargement");
        Assert.Equal([51, 52, 54, 55, 56, 57], door.Passage.Select(q => q.Line));
        Assert.Equal(5, door.Statements); // the one before the baseline is out
        Assert.Equal([ids["sweden"], ids["finland"]], door.Nato.Select(c => c.StatementId)); // natoLate is below the significance bar
        Assert.Equal([ids["epStale"], ids["epFinland"]], door.Ep.Select(c => c.StatementId));
        Assert.Equal("Finland becomes the 31st Ally of NATO.", door.Nato[1].Sentence);
        Assert.Equal("Parliament welcomes Finland’s accession to NATO.", door.Ep[1].Sentence); // no summary: the body's lead
        Assert.Equal(ids["finland"], door.First!.StatementId);
        Assert.Equal(ids["natoLate"], door.Latest!.StatementId);
        Assert.Equal((ids["finland"], ids["epFinland"], "NATO"), (door.FirstNato!.StatementId, door.FirstEp!.StatementId, door.SpokeFirst));
        Assert.Equal(5, door.Weekly.Sum(w => w.Statements));
        Assert.All(door.Weekly, w => Assert.Equal(DayOfWeek.Monday, w.Start.DayOfWeek));
        Assert.Equal("https://example.org/nato-news/sweden", door.Nato[0].Url);

        var sanctions = report.Sections.SelectMany(s => s.Topics).Single(t => t.TopicId == "sanctions");
        Assert.Equal(("NATO", (string?)null), (sanctions.Nato.Single().Institution, sanctions.SpokeFirst));
        Assert.Empty(report.Sections.SelectMany(s => s.Topics).Single(t => t.TopicId == "strategic-concept").Nato);
    }

    [Fact]
    public async Task The_number_of_allies_shows_its_history_the_latest_statement_with_its_sentence_and_the_conflict_unresolved()
    {
        var ids = await BriefingHistory.SeedAsync(Database);

        var report = await Build(BriefingDocument.BaselineDate, BriefingHistory.Now);

        Assert.Equal(TopicFile.RequiredFigureIds.Order(), report.Figures.Select(f => f.FigureId).Order());
        var allies = report.Figures.Single(f => f.FigureId == "allies-count");
        Assert.Equal(30m, allies.Baseline);
        Assert.Equal(new BriefingQuote(18, "to defend its 30 Allies"), allies.Passage);
        Assert.Equal([30m, 31m, 32m], allies.History.Select(s => s.Value));
        Assert.Equal((3L, 1L), (allies.History[1].Statements, allies.History[2].Statements));
        // The newest statement said 31, two days after another said 32: both are shown, neither is chosen.
        Assert.Equal((31m, ids["epStale"]), (allies.LatestValue, allies.Latest!.StatementId));
        Assert.Equal("The debate recalled that NATO’s 31 Allies stand together.", allies.Latest.Sentence);
        var conflict = Assert.Single(allies.Conflicts);
        Assert.Equal((32m, ids["sweden"], 31m, ids["epStale"]), (conflict.EarlierValue, conflict.Earlier.StatementId, conflict.LaterValue, conflict.Later.StatementId));
        Assert.Equal("The Alliance now has 32 Allies.", conflict.Earlier.Sentence);

        var jets = report.Figures.Single(f => f.FigureId == "allied-jets-region");
        Assert.Null(jets.Latest);
        Assert.Equal([130m], jets.History.Select(s => s.Value));
    }

    [Fact]
    public async Task A_period_holds_only_what_was_said_in_it()
    {
        var ids = await BriefingHistory.SeedAsync(Database);

        var march = await Build(new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2024, 4, 1, 0, 0, 0, TimeSpan.Zero));

        var door = march.Sections.SelectMany(s => s.Topics).Single(t => t.TopicId == "open-door-enlargement");
        Assert.Equal(2, door.Statements);
        Assert.Equal([ids["sweden"]], door.Nato.Select(c => c.StatementId));
        Assert.Equal([ids["epStale"]], door.Ep.Select(c => c.StatementId));
        var allies = march.Figures.Single(f => f.FigureId == "allies-count");
        Assert.Equal([30m, 32m, 31m], allies.History.Select(s => s.Value));
        Assert.Null(allies.History[0].FirstAt);
    }

    [Fact]
    public async Task The_figure_and_topic_queries_read_their_indexes()
    {
        if (_store != Store.Sqlite)
        {
            // PostgreSQL's plan depends on table statistics; the benchmark measures it at scale.
            return;
        }

        // The planner's statistics of a large history (those of the history benchmark's 100,000 statements, where the
        // figure rows are few): with an empty table's, SQLite picks the figure index whatever the SQL says.
        await BriefingHistory.SeedAsync(Database);
        await using var connection = await Database.OpenAsync();
        await connection.ExecuteAsync("""
            ANALYZE;
            DELETE FROM sqlite_stat1 WHERE tbl IN ('statements', 'statement_figures');
            INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
              ('statements', 'ix_statements_sort', '100000 1 1'), ('statements', 'ix_statements_latest', '100000 1 1'),
              ('statements', 'ix_statements_source_sort', '100000 16667 1 1'), ('statements', 'sqlite_autoindex_statements_1', '100000 16667 1'),
              ('statement_figures', 'ix_statement_figures_figure', '2006 2006 2006 1 1'),
              ('statement_figures', 'sqlite_autoindex_statement_figures_1', '2006 1 1 1 1 1'), ('statement_figures', 'ix_statement_figures_drift', '2006 1 1');
            ANALYZE sqlite_schema;
            """);
        async Task<string> Plan(string sql) => string.Join('\n', (await connection.QueryAsync<(long, long, long, string)>("EXPLAIN QUERY PLAN " + sql,
            new { Figure = "allies-count", Topic = "sanctions", From = 0L, To = 1L, MinScore = 0.6, Take = 5, Values = 50 })).Select(r => r.Item4));

        // A figure's rows are read first and each statement looked up by its key: never every statement of the period
        // by date (with these statistics the plain JOIN did that, 1 s for the 8 figures at 100,000 statements).
        foreach (var sql in new[] { BriefingStore.FigureSql })
        {
            var plan = await Plan(sql);
            Assert.DoesNotContain("ix_statements_sort", plan, StringComparison.Ordinal);
            Assert.Contains("SEARCH s USING INTEGER PRIMARY KEY", plan, StringComparison.Ordinal);
        }

        var topic = await Plan(BriefingStore.TopicStatementsSql("NATO", oldestFirst: false));
        Assert.Contains("ix_statement_topics_current", topic, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", topic, StringComparison.Ordinal);
    }
}

public sealed class SqliteBriefingStoreTests() : BriefingStoreContract(Store.Sqlite);

public sealed class PostgresBriefingStoreTests() : BriefingStoreContract(Store.Postgres);
