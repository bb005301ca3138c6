using Dapper;
using Monitor.Contracts;
using Monitor.Core.Statements;
using Monitor.Data.Events;
using Monitor.Data.History;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.Data.Tests.Statements;

/// <summary>
/// The EP's language versions of a press release, read from its per-language feeds (served on 127.0.0.1), are one
/// statement with translations: never revisions, never statements of their own. A press release known only in French is
/// stored and shown, untagged with the reason, and its English version becomes its text when it comes.
/// </summary>
public abstract class TranslationStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private EpLanguageFeeds _feeds = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _feeds = await EpLanguageFeeds.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _feeds.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task An_english_press_release_and_its_french_and_german_versions_are_one_statement_with_two_translations()
    {
        var statements = new StatementStore(Database);
        var outbox = new OutboxStore(Database);

        var english = await StoreBatchAsync(statements, "ep-press-releases", "en", T0);
        var eventsAfterEnglish = await outbox.CountAsync();
        var french = await StoreBatchAsync(statements, "ep-press-releases-fr", "fr", T0.AddMinutes(5));
        var german = await StoreBatchAsync(statements, "ep-press-releases-de", "de", T0.AddMinutes(10));

        Assert.All(english, e => Assert.NotNull(e.Stored));
        // The French feed's versions of the two English press releases store nothing new; its French-only press
        // release and its untranslated English one are statements.
        Assert.Equal(
            [("20260716IPR46531", false), ("20261203IPR50112", false), ("20261204IPR50230", true), ("20261202IPR50001", true)],
            french.Select(f => (f.ExternalId, f.Stored is not null)));
        Assert.Null(Assert.Single(german).Stored);
        Assert.Equal(eventsAfterEnglish + 1, await outbox.CountAsync()); // the French batch's event, for its two new statements only

        var id = english[0].Stored!.StatementId;
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM statements WHERE document_reference = '20260716IPR46531'"));
        Assert.Equal(1, await ScalarAsync($"SELECT COUNT(*) FROM statement_revisions WHERE statement_id = {id}"));
        var detail = (await new StatementDetailStore(Database).GetAsync(id))!;
        Assert.Equal((1, "en", "Press release - EU-China relations: Foreign Affairs Committee to visit Beijing"), (detail.Revision, detail.Language, detail.Title));
        Assert.Null(detail.UntaggedReason);
        Assert.Equal("condemnation-withdrawal", Assert.Single(detail.Topics).TopicId);
        Assert.Equal(
            [
                new StatementTranslation("de", "Pressemitteilung - Beziehungen EU-China: Auswärtiger Ausschuss reist nach Peking",
                    "https://www.europarl.europa.eu/news/de/press-room/20260716IPR46531/"),
                new StatementTranslation("fr", "Communiqué de presse - Relations UE-Chine : la commission des affaires étrangères se rendra à Pékin",
                    "https://www.europarl.europa.eu/news/fr/press-room/20260716IPR46531/"),
            ],
            detail.Translations);
    }

    [Fact]
    public async Task A_language_version_seen_again_changes_nothing_and_announces_nothing()
    {
        var statements = new StatementStore(Database);
        var outbox = new OutboxStore(Database);
        await StoreBatchAsync(statements, "ep-press-releases", "en", T0);
        await StoreBatchAsync(statements, "ep-press-releases-fr", "fr", T0.AddMinutes(5));
        var before = (await outbox.CountAsync(), await ScalarAsync("SELECT COUNT(*) FROM statement_revisions"),
            await ScalarAsync("SELECT COUNT(*) FROM statement_translations"), await ScalarAsync("SELECT COUNT(*) FROM statements"));

        // A redelivery one by one and as a batch, as the broker may bring it.
        foreach (var item in await _feeds.ReadAsync("ep-press-releases-fr", "fr", T0.AddMinutes(6)))
        {
            Assert.Null(await statements.StoreAsync(Tag(item), T0.AddMinutes(6)));
        }

        Assert.All(await StoreBatchAsync(statements, "ep-press-releases-fr", "fr", T0.AddMinutes(7)), f => Assert.Null(f.Stored));
        Assert.Equal(before, (await outbox.CountAsync(), await ScalarAsync("SELECT COUNT(*) FROM statement_revisions"),
            await ScalarAsync("SELECT COUNT(*) FROM statement_translations"), await ScalarAsync("SELECT COUNT(*) FROM statements")));
    }

    [Fact]
    public async Task A_press_release_only_in_french_is_stored_and_shown_untagged_with_the_reason()
    {
        var statements = new StatementStore(Database);

        await StoreBatchAsync(statements, "ep-press-releases-fr", "fr", T0);

        var moldova = (await statements.GetLatestAsync(10)).Single(s => s.ExternalId == "20261204IPR50230");
        Assert.Equal("fr", moldova.Language);
        Assert.Empty(moldova.Topics);
        var detail = (await new StatementDetailStore(Database).GetAsync(moldova.StatementId))!;
        Assert.Equal("no English version; Monitor tags English text only", detail.UntaggedReason);
        Assert.Equal("Communiqué de presse - Moldavie : les députés saluent les progrès vers l'adhésion à l'UE", detail.Title);
        Assert.Empty(detail.Translations); // its own language is its text, not another version
        // The untranslated English item of the French feed is tagged as any English statement.
        var sakharov = (await statements.GetLatestAsync(10)).Single(s => s.ExternalId == "20261202IPR50001");
        Assert.Equal("en", sakharov.Language);
        Assert.Null((await new StatementDetailStore(Database).GetAsync(sakharov.StatementId))!.UntaggedReason);
    }

    [Fact]
    public async Task A_french_version_first_then_the_english_one_make_one_statement_whose_text_and_tags_are_the_english_ones()
    {
        var statements = new StatementStore(Database);
        foreach (var item in await _feeds.ReadAsync("ep-press-releases-fr", "fr", T0))
        {
            await statements.StoreAsync(Tag(item), T0);
        }

        var french = (await statements.GetLatestAsync(10)).Single(s => s.ExternalId == "20261204IPR50230");
        var later = await StoreBatchAsync(statements, "ep-press-releases", "en-later", T0.AddDays(1));

        var english = later.Single(l => l.ExternalId == "20261204IPR50230").Stored;
        Assert.NotNull(english);
        Assert.Equal((french.StatementId, 2), (english.StatementId, english.Revision));
        Assert.Equal("condemnation-withdrawal", Assert.Single(english.Topics).TopicId);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM statements WHERE document_reference = '20261204IPR50230'"));
        var detail = (await new StatementDetailStore(Database).GetAsync(french.StatementId))!;
        Assert.Equal(("en", "ep-press-releases", "Press release - Moldova: MEPs welcome progress towards EU membership"),
            (detail.Language, detail.SourceId, detail.Title));
        Assert.Null(detail.UntaggedReason);
        Assert.Equal("condemnation-withdrawal", Assert.Single(detail.Topics).TopicId);
        Assert.Equal(["fr"], detail.Translations.Select(t => t.Language));
        Assert.Equal([1, 2], detail.Revisions.Select(r => r.Revision));
        // Entities are those of the current (English) revision, once each.
        Assert.Equal(await ScalarAsync($"SELECT COUNT(DISTINCT entity_id) FROM statement_entities WHERE statement_id = {french.StatementId}"),
            await ScalarAsync($"SELECT COUNT(*) FROM statement_entities WHERE statement_id = {french.StatementId}"));

        // The French feed again, after the English version: nothing changes.
        Assert.All(await StoreBatchAsync(statements, "ep-press-releases-fr", "fr", T0.AddDays(2)), f => Assert.Null(f.Stored));
        Assert.Equal("Press release - Moldova: MEPs welcome progress towards EU membership", (await new StatementDetailStore(Database).GetAsync(french.StatementId))!.Title);
    }

    [Fact]
    public async Task Clustering_skips_a_statement_known_only_in_french_and_takes_it_when_its_english_version_comes()
    {
        var statements = new StatementStore(Database);
        var events = new EventStore(Database);
        await StoreBatchAsync(statements, "ep-press-releases-fr", "fr", T0);
        var moldova = (await statements.GetLatestAsync(10)).Single(s => s.ExternalId == "20261204IPR50230").StatementId;

        var first = await events.NextAsync(10);
        var untagged = first.Single(s => s.StatementId == moldova);
        Assert.Equal(StatementLanguage.UntaggedReason, untagged.UntaggedReason);
        var epoch = (await events.TryLeaseAsync("test", T0, TimeSpan.FromMinutes(1)))!.Value;
        await using (var page = (await events.BeginPageAsync("test", epoch, T0, TimeSpan.FromMinutes(1)))!)
        {
            foreach (var source in first)
            {
                await page.SkipAsync(source.StatementId, source.UntaggedReason ?? "test: not placed");
            }

            await page.CommitAsync(first.Max(s => s.StatementId));
        }

        Assert.DoesNotContain(await events.NextAsync(10), s => s.StatementId == moldova);

        await StoreBatchAsync(statements, "ep-press-releases", "en-later", T0.AddDays(1));

        var back = (await events.NextAsync(10)).Single(s => s.StatementId == moldova);
        Assert.True(back.WasSkipped);
        Assert.Null(back.UntaggedReason);
        Assert.Equal("Press release - Moldova: MEPs welcome progress towards EU membership", back.Title);
        Assert.Equal(["condemnation-withdrawal"], back.Topics);
    }

    // As the Tagging worker does: English text is tagged (here with one fixed topic), another language is not.
    private static StatementTagged Tag(StatementDiscovered statement) =>
        new(statement,
            StatementLanguage.IsTagged(statement.Language) ? [new TopicScore("condemnation-withdrawal", 0.5, [])] : [],
            "baseline-v1", statement.DiscoveredAt);

    private async Task<List<(string ExternalId, StatementStored? Stored)>> StoreBatchAsync(StatementStore statements, string sourceId, string feed, DateTimeOffset at)
    {
        var items = await _feeds.ReadAsync(sourceId, feed, at);
        IReadOnlyList<StatementStored?> stored;
        try
        {
            stored = await statements.StoreBatchAsync([.. items.Select(i => new StatementStore.BatchItem(Tag(i), null))], at);
        }
        catch (BatchNeedsSingleStoreException)
        {
            // What Persistence does then: each item on its own.
            var one = new List<StatementStored?>();
            foreach (var item in items)
            {
                one.Add(await statements.StoreAsync(Tag(item), at));
            }

            stored = one;
        }

        return [.. items.Select((item, i) => (item.ExternalId, stored[i]))];
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

public sealed class SqliteTranslationStoreTests() : TranslationStoreContract(Store.Sqlite);

public sealed class PostgresTranslationStoreTests() : TranslationStoreContract(Store.Postgres);
