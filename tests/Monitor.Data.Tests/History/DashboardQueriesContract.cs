using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Data.History;
using Monitor.Data.Sources;
using Monitor.Data.Statements;

namespace Monitor.Data.Tests.History;

/// <summary>
/// The dashboard's own queries on both databases: the live view's catch-up (stored since, oldest first, keyset
/// pages), the topic summary (rolling windows and a daily series), the NATO-against-EP chart and source rates.
/// </summary>
public abstract class DashboardQueriesContract(Store store) : DatabaseContract(store)
{
    private readonly Store _store = store;

    // 15:00 UTC: every rolling window starts at 15:00 of an earlier day, so each has a partial first day.
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 15, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Catch_up_pages_stored_revisions_oldest_first_in_the_pushed_shape_and_a_revision_comes_again()
    {
        var statements = new StatementStore(Database);
        var before = await Save(statements, "nato-news", "before", Now.AddSeconds(-1), Now.AddHours(-5), ["sanctions"]);
        var first = await Save(statements, "ep-plenary", "first", Now, Now.AddHours(-4), ["sanctions", "energy"], drift: true);
        var sameTimeA = await Save(statements, "nato-news", "same-a", Now.AddSeconds(2), Now.AddHours(-3), []);
        var sameTimeB = await Save(statements, "ep-plenary", "same-b", Now.AddSeconds(2), null, ["crimea"]);
        var revised = await Save(statements, "nato-news", "revised", Now.AddSeconds(3), Now.AddHours(-2), ["crimea"]);
        var later = await Save(statements, "ep-plenary", "later", Now.AddSeconds(5), Now.AddHours(-1), []);
        var history = new HistoryStore(Database);

        var seen = new List<StatementStored>();
        LiveCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await history.StoredSinceAsync(Now, 2, cursor);
            seen.AddRange(page.Items);
            cursor = page.NextCursor is null ? null : LiveCursor.Decode(page.NextCursor);
            pages++;
            if (pages == 2)
            {
                // Between two pages "revised" gets a second revision: it comes again, at the end, as revision 2.
                revised = await Save(statements, "nato-news", "revised", Now.AddSeconds(9), Now.AddHours(-2), ["territorial-integrity"], text: "v2");
            }
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.DoesNotContain(seen, s => s.StatementId == before.StatementId);
        Assert.Equal(
            [(first.StatementId, 1), (sameTimeA.StatementId, 1), (sameTimeB.StatementId, 1), (revised.StatementId, 1), (later.StatementId, 1), (revised.StatementId, 2)],
            seen.Select(s => (s.StatementId, s.Revision)));
        Assert.True(sameTimeA.StatementId < sameTimeB.StatementId);
        // Item for item what the store announced (and the hub pushed): topics with evidence, figures, type, language.
        Assert.Equal(JsonSerializer.Serialize(first, Json), JsonSerializer.Serialize(seen[0], Json));
        Assert.Equal(JsonSerializer.Serialize(revised, Json), JsonSerializer.Serialize(seen[5], Json));
        Assert.Equal(JsonSerializer.Serialize(sameTimeB, Json), JsonSerializer.Serialize(seen[2], Json));

        Assert.Empty((await history.StoredSinceAsync(Now.AddSeconds(10), 50, null)).Items);
        Assert.Equal([revised.StatementId], (await history.StoredSinceAsync(Now.AddSeconds(9), 50, null)).Items.Select(s => s.StatementId));
    }

    [Fact]
    public void A_catch_up_cursor_survives_a_round_trip_and_a_forged_one_is_refused()
    {
        var cursor = new LiveCursor(Database.ToDb(Now), 42);

        Assert.Equal(cursor, LiveCursor.Decode(cursor.Encode()));
        Assert.Throws<FormatException>(() => LiveCursor.Decode("forged!"));
        Assert.Throws<FormatException>(() => LiveCursor.Decode(new HistoryCursor(HistorySort.Date, 1, 2).Encode()));
    }

    [Fact]
    public async Task Catch_up_reads_the_stored_time_index_in_order()
    {
        if (_store != Data.Tests.Store.Sqlite)
        {
            // PostgreSQL's choice depends on table statistics; measured on a large table in the report instead.
            return;
        }

        await using var connection = await Database.OpenAsync();
        var plan = string.Join('\n', (await connection.QueryAsync<(long, long, long, string)>(
            "EXPLAIN QUERY PLAN SELECT s.id FROM statements s JOIN statement_revisions r ON r.statement_id = s.id AND r.revision = s.current_revision WHERE s.updated_at >= 0 AND (s.updated_at, s.id) > (0, 0) ORDER BY s.updated_at, s.id LIMIT 10"))
            .Select(r => r.Item4));

        Assert.Contains("ix_statements_latest", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topic_summary_counts_rolling_windows_exactly_and_a_zero_filled_daily_series()
    {
        var statements = new StatementStore(Database);
        (string Id, TimeSpan Age, string Topic)[] corpus =
        [
            ("a1", TimeSpan.FromHours(1), "sanctions"),                     // today 14:00
            ("a2", TimeSpan.FromHours(23), "sanctions"),                    // yesterday 16:00: inside 24 h
            ("a3", TimeSpan.FromHours(25), "sanctions"),                    // yesterday 14:00: outside 24 h
            ("a4", TimeSpan.FromDays(7) - TimeSpan.FromHours(1), "sanctions"), // 7 days ago 16:00: inside 7 d
            ("a5", TimeSpan.FromDays(7) + TimeSpan.FromHours(1), "sanctions"), // 7 days ago 14:00: outside 7 d
            ("b1", TimeSpan.FromDays(30) - TimeSpan.FromHours(1), "crimea"),   // 30 days ago 16:00: inside 30 d, before the series
            ("b2", TimeSpan.FromDays(30) + TimeSpan.FromHours(1), "crimea"),   // outside everything
        ];
        foreach (var (id, age, topic) in corpus)
        {
            await Save(statements, "nato-news", id, Now.AddDays(-40), Now - age, [topic]);
        }

        var aggregates = new HistoryAggregates(Database);
        var summary = (await aggregates.SummarizeTopicsAsync(["sanctions", "crimea", "energy"], Now)).ToDictionary(s => s.TopicId);

        Assert.Equal((2L, 4L, 5L), (summary["sanctions"].Last24h, summary["sanctions"].Last7d, summary["sanctions"].Last30d));
        Assert.Equal((0L, 0L, 1L), (summary["crimea"].Last24h, summary["crimea"].Last7d, summary["crimea"].Last30d));
        Assert.Equal((0L, 0L, 0L), (summary["energy"].Last24h, summary["energy"].Last7d, summary["energy"].Last30d));
        var daily = summary["sanctions"].Daily;
        Assert.Equal(30, daily.Count);
        Assert.Equal(new DateOnly(2026, 2, 9), daily[0].Day);
        Assert.Equal(new DateOnly(2026, 3, 10), daily[^1].Day);
        Assert.Equal(1, daily[^1].Count);
        Assert.Equal(2, daily[^2].Count);
        Assert.Equal(2, daily[^8].Count);
        Assert.Equal(5, daily.Sum(d => d.Count));
        Assert.All(summary["crimea"].Daily, d => Assert.Equal(0, d.Count));

        // The same windows counted from the topic rows alone (a From that is not a whole day skips the roll-up).
        foreach (var (window, expected) in new[] { (TimeSpan.FromDays(1), summary["sanctions"].Last24h), (TimeSpan.FromDays(7), summary["sanctions"].Last7d), (TimeSpan.FromDays(30), summary["sanctions"].Last30d) })
        {
            var rows = await aggregates.CountTopicsAsync(new HistoryFilter { Topics = ["sanctions"], From = Now - window }, ChartInterval.Week);
            Assert.Equal(expected, rows.Sum(r => r.Count));
        }

        // A new revision moves a1 to crimea: the counts follow.
        await Save(statements, "nato-news", "a1", Now.AddDays(-40), Now - TimeSpan.FromHours(1), ["crimea"], text: "v2");
        var after = (await aggregates.SummarizeTopicsAsync(["sanctions", "crimea"], Now)).ToDictionary(s => s.TopicId);
        Assert.Equal((1L, 3L, 4L), (after["sanctions"].Last24h, after["sanctions"].Last7d, after["sanctions"].Last30d));
        Assert.Equal((1L, 1L, 2L), (after["crimea"].Last24h, after["crimea"].Last7d, after["crimea"].Last30d));
    }

    [Fact]
    public async Task Institution_chart_splits_each_topic_into_NATO_EP_and_other_sources_by_source_id_prefix()
    {
        var statements = new StatementStore(Database);
        var day = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero); // a Monday
        await Save(statements, "nato-news", "n1", day, day, ["sanctions"]);
        await Save(statements, "NATO-transcripts", "n2", day, day.AddHours(2), ["sanctions", "crimea"]);
        await Save(statements, "ep-plenary", "e1", day, day.AddDays(1), ["sanctions"]);
        await Save(statements, "think-tank", "o1", day, day.AddDays(8), ["sanctions"]);
        await Save(statements, "europe-rss", "o2", day, day.AddDays(8), ["crimea"]);
        var aggregates = new HistoryAggregates(Database);

        var daily = await aggregates.CountInstitutionsAsync(new HistoryFilter(), ChartInterval.Day);
        var weekly = await aggregates.CountInstitutionsAsync(new HistoryFilter { Topics = ["sanctions"] }, ChartInterval.Week);
        var filtered = await aggregates.CountInstitutionsAsync(new HistoryFilter { Sources = ["ep-plenary", "europe-rss"] }, ChartInterval.Week);

        Assert.Equal(
            [
                ("crimea", "NATO", day.Date, 1L), ("sanctions", "NATO", day.Date, 2L), ("sanctions", "EP", day.AddDays(1).Date, 1L),
                ("crimea", "Other", day.AddDays(8).Date, 1L), ("sanctions", "Other", day.AddDays(8).Date, 1L),
            ],
            daily.Select(c => (c.TopicId, c.Institution, c.Start.UtcDateTime, c.Count)));
        Assert.Equal(
            [("sanctions", "EP", day.Date, 1L), ("sanctions", "NATO", day.Date, 2L), ("sanctions", "Other", day.AddDays(7).Date, 1L)],
            weekly.Select(c => (c.TopicId, c.Institution, c.Start.UtcDateTime, c.Count)));
        Assert.Equal(
            [("sanctions", "EP", day.Date, 1L), ("crimea", "Other", day.AddDays(7).Date, 1L)],
            filtered.Select(c => (c.TopicId, c.Institution, c.Start.UtcDateTime, c.Count)));
    }

    [Fact]
    public async Task Source_rates_count_the_last_day_and_the_mean_of_the_last_seven_in_one_query()
    {
        var statements = new StatementStore(Database);
        await Save(statements, "a", "a1", Now, Now.AddHours(-1), []);
        await Save(statements, "a", "a2", Now, Now.AddDays(-2), []);
        await Save(statements, "a", "a3", Now, Now.AddDays(-8), []);
        foreach (var i in Enumerable.Range(1, 3))
        {
            await Save(statements, "b", $"b{i}", Now, Now.AddHours(-i), []);
        }

        await Save(statements, "c", "c1", Now, Now.AddDays(-10), []);

        var rates = await new SourceStore(Database).RatesAsync(Now);

        Assert.Equal(new SourceRate("a", 1, 0.3), rates["a"]);
        Assert.Equal(new SourceRate("b", 3, 0.4), rates["b"]);
        Assert.False(rates.ContainsKey("c"));
    }

    private static async Task<StatementStored> Save(
        StatementStore statements, string source, string externalId, DateTimeOffset storedAt, DateTimeOffset? published, string[] topics,
        bool drift = false, string text = "v1")
    {
        var tagged = new StatementTagged(
            new StatementDiscovered(source, externalId, $"https://example.org/{externalId}", $"Title {externalId} {text}", "Summary", "Body " + text,
                published, "en", $"hash-{externalId}-{text}", storedAt.AddSeconds(-30)) { DocumentType = DocumentTypes.Speech },
            topics.Select((t, i) => new TopicScore(t, 0.9 - i * 0.2, [new TopicEvidence(t, "body", 0, 4)])).ToList(),
            "baseline-v1",
            storedAt)
        {
            Figures = drift ? [new FigureValue("allies-count", 32, 30, true, "32 Allies", "body", 0)] : [],
        };
        return await statements.StoreAsync(tagged, storedAt) ?? throw new InvalidOperationException($"{externalId} was not stored");
    }
}

public sealed class SqliteDashboardQueriesTests() : DashboardQueriesContract(Store.Sqlite);

public sealed class PostgresDashboardQueriesTests() : DashboardQueriesContract(Store.Postgres);
