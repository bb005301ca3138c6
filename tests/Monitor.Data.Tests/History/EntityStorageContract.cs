using Dapper;
using Monitor.Contracts;
using Monitor.Data.History;
using Monitor.Data.Statements;

namespace Monitor.Data.Tests.History;

/// <summary>
/// Entities (docs/entities.md) are stored with their statement, in its transaction, and filter the history the same on
/// SQLite and PostgreSQL: one statement or a batch, a new revision replacing the old entities, a redelivery changing
/// nothing, the filter alone and with topics, text, charts and counts, and the fill for statements stored before.
/// </summary>
public abstract class EntityStorageContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static StatementTagged Tagged(string id, string title, string body, int day, string[] topics, string hash = "") =>
        new(new StatementDiscovered(id.StartsWith("ep", StringComparison.Ordinal) ? "ep" : "nato", id, $"https://example.org/{id}", title, "", body,
                T0.AddDays(day), "en", "hash-" + id + hash, T0.AddDays(day)),
            [.. topics.Select(t => new TopicScore(t, 0.9, [new TopicEvidence(t, "body", 0, 1)]))], "baseline-v1", T0.AddDays(day));

    // Real sentences of the corpus (nato-091, ep-036, nato-240, nato-147).
    private static readonly StatementTagged[] Statements =
    [
        Tagged("nato-1", "Opening remarks by NATO Secretary General Jens Stoltenberg", "A warm welcome to our close partners Finland, Sweden, Georgia and the European Union.", 0, ["open-door-enlargement"]),
        Tagged("ep-1", "European Parliament resolution on the state of play of EU-Moldova cooperation", "whereas the Russian Federation launched a war of aggression against Ukraine on 24 February 2022", 1, ["condemnation-withdrawal"]),
        Tagged("nato-2", "Joint press conference with the Prime Minister of Estonia, Kaja Kallas", "we also have Finland and Sweden as members", 2, ["open-door-enlargement", "deterrence-eastern-flank"]),
        Tagged("nato-3", "NATO Secretary General praises Poland’s support for Ukraine", "They also discussed the role of Belarus in Russia’s war.", 3, []),
    ];

    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var store = new StatementStore(Database);
        // The first one alone, the others as one batch: both paths write entity rows.
        _ids["nato-1"] = (await store.StoreAsync(Statements[0], T0))!.StatementId;
        var batch = await store.StoreBatchAsync([.. Statements.Skip(1).Select(s => new StatementStore.BatchItem(s, null))], T0.AddDays(3));
        for (var i = 1; i < Statements.Length; i++)
        {
            _ids[Statements[i].Statement.ExternalId] = batch[i - 1]!.StatementId;
        }
    }

    [Fact]
    public async Task A_statement_is_stored_with_the_entities_its_title_and_text_name()
    {
        Assert.Equal("eu,finland,georgia,jens-stoltenberg,nato,sweden", await EntitiesOf("nato-1"));
        Assert.Equal("eu,european-parliament,moldova,russia,ukraine", await EntitiesOf("ep-1"));
        Assert.Equal("belarus,nato,poland,russia,ukraine", await EntitiesOf("nato-3"));
    }

    [Fact]
    public async Task The_history_filters_by_one_entity_or_by_several_all_named()
    {
        Assert.Equal("nato-2,nato-1", await Names(new HistoryFilter { Entities = ["finland"] }));
        Assert.Equal("nato-3,ep-1", await Names(new HistoryFilter { Entities = ["russia", "ukraine"] }));
        Assert.Equal("nato-3", await Names(new HistoryFilter { Entities = ["russia", "belarus"] }));
        Assert.Equal("", await Names(new HistoryFilter { Entities = ["finland", "moldova"] }));
        Assert.Equal("", await Names(new HistoryFilter { Entities = ["chad"] }));
    }

    [Fact]
    public async Task The_entity_filter_combines_with_topics_text_counts_and_charts()
    {
        // One topic by date walks the topic rows: the entity clause must still apply.
        Assert.Equal("nato-2", await Names(new HistoryFilter { Topics = ["deterrence-eastern-flank"], Entities = ["estonia"] }));
        Assert.Equal("nato-1", await Names(new HistoryFilter { Topics = ["open-door-enlargement"], Entities = ["georgia"] }));
        Assert.Equal("nato-2", await Names(new HistoryFilter { Text = Monitor.Core.Search.TextQuery.Parse("members"), Entities = ["sweden"] }));
        Assert.Equal(new HistoryTotal(2, false), await new HistoryStore(Database).CountAsync(new HistoryFilter { Entities = ["sweden"] }));

        var chart = await new HistoryAggregates(Database).CountTopicsAsync(new HistoryFilter { Entities = ["kaja-kallas"] }, ChartInterval.Day);
        Assert.Equal([("deterrence-eastern-flank", 1L), ("open-door-enlargement", 1L)], chart.Select(c => (c.TopicId, c.Count)).Order().ToList());
    }

    [Fact]
    public async Task A_new_revision_replaces_the_entities_and_a_redelivery_changes_nothing()
    {
        var store = new StatementStore(Database);
        Assert.Null(await store.StoreAsync(Statements[1], T0.AddDays(5)));
        Assert.Equal("eu,european-parliament,moldova,russia,ukraine", await EntitiesOf("ep-1"));

        var revised = Tagged("ep-1", "European Parliament resolution on Georgia", "having regard to its previous resolutions on Georgia", 1, [], hash: "-2");
        var batch = await store.StoreBatchAsync([new StatementStore.BatchItem(revised, null)], T0.AddDays(6));
        Assert.Equal(2, batch[0]!.Revision);
        Assert.Equal("european-parliament,georgia", await EntitiesOf("ep-1"));
        Assert.Equal("", await Names(new HistoryFilter { Entities = ["moldova"] }));
    }

    [Fact]
    public async Task The_fill_finds_the_entities_of_statements_stored_before_the_table_existed()
    {
        await using (var connection = await Database.OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM statement_entities WHERE statement_id <> @Id", new { Id = _ids["nato-1"] });
        }

        Assert.Equal("", await Names(new HistoryFilter { Entities = ["ukraine"] }));
        var (statements, rows) = await new StatementEntityFill(Database).FillAsync(pageSize: 2);
        Assert.Equal(3, statements);
        Assert.Equal(5 + 4 + 5, rows); // ep-1, nato-2 (estonia, kaja-kallas, finland, sweden), nato-3
        Assert.Equal("nato-3,ep-1", await Names(new HistoryFilter { Entities = ["ukraine"] }));
        Assert.Equal((0, 0), await new StatementEntityFill(Database).FillAsync());
    }

    private async Task<string> EntitiesOf(string name)
    {
        await using var connection = await Database.OpenAsync();
        var ids = await connection.QueryAsync<string>("SELECT entity_id FROM statement_entities WHERE statement_id = @Id ORDER BY entity_id", new { Id = _ids[name] });
        return string.Join(',', ids);
    }

    private async Task<string> Names(HistoryFilter filter)
    {
        var page = await new HistoryStore(Database).SearchAsync(filter, HistorySort.Date, 50, null);
        return string.Join(',', page.Items.Select(s => _ids.Single(i => i.Value == s.StatementId).Key));
    }
}

public sealed class SqliteEntityStorageTests() : EntityStorageContract(Store.Sqlite);

public sealed class PostgresEntityStorageTests() : EntityStorageContract(Store.Postgres);
