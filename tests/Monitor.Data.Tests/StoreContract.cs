using Dapper;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Migrations;
using Monitor.Data.Outbox;
using Monitor.Data.Sources;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.Data.Tests;

/// <summary>
/// The behaviour every store must have, run against each database Monitor supports: the same SQL must mean the
/// same thing on SQLite and on PostgreSQL. Each test gets a fresh, migrated database.
/// </summary>
public abstract class StoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Migrations_apply_once_and_a_second_run_applies_nothing()
    {
        var again = await new Migrator(Database).MigrateAsync();

        Assert.Empty(again);
        await using var connection = await Database.OpenAsync();
        var versions = await connection.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version");
        Assert.Equal(Migrator.LoadScripts(Database.Provider).Select(s => s.Version), versions);
    }

    [Fact]
    public async Task Migrations_exist_for_both_dialects_with_the_same_numbers()
    {
        var postgres = Migrator.LoadScripts(DatabaseProvider.Postgres).Select(s => s.Version);
        var sqlite = Migrator.LoadScripts(DatabaseProvider.Sqlite).Select(s => s.Version);

        Assert.NotEmpty(postgres);
        Assert.Equal(postgres, sqlite);
    }

    [Fact]
    public async Task A_new_statement_is_stored_as_revision_one_with_its_topics_and_one_outbox_event()
    {
        var store = new StatementStore(Database);

        var stored = await store.StoreAsync(Tagged("ep-1", "Parliament condemns the invasion", "hash-a"), T0);

        Assert.NotNull(stored);
        Assert.Equal(1, stored.Revision);
        var latest = Assert.Single(await store.GetLatestAsync(10));
        Assert.Equal(stored.StatementId, latest.StatementId);
        Assert.Equal("Parliament condemns the invasion", latest.Title);
        Assert.Equal(T0.AddHours(-1), latest.PublishedAt);
        var topic = Assert.Single(latest.Topics);
        Assert.Equal("condemnation-withdrawal", topic.TopicId);
        Assert.Equal(0.75, topic.Score, 6);
        Assert.Equal([new TopicEvidence("condemns", "title", 11, 8)], topic.Evidence);
        Assert.Equal(1, await new OutboxStore(Database).CountAsync());
    }

    [Fact]
    public async Task Document_type_language_and_stated_figures_are_stored_and_read_back()
    {
        var store = new StatementStore(Database);
        var tagged = Tagged("nato-1", "Allies meet", "hash-a") with
        {
            Statement = Tagged("nato-1", "Allies meet", "hash-a").Statement with
            {
                DocumentType = DocumentTypes.Speech,
                BodyHtml = "<p>Body</p>",
                PublishedRaw = "19 Sep. 2025 12:00:00 GMT",
            },
            Figures = [new FigureValue("allies", 33, 32, true, "33 Allies", "body", 12)],
        };

        var stored = await store.StoreAsync(tagged, T0);

        Assert.NotNull(stored);
        Assert.Equal(DocumentTypes.Speech, stored.DocumentType);
        var latest = Assert.Single(await store.GetLatestAsync(10));
        Assert.Equal(DocumentTypes.Speech, latest.DocumentType);
        Assert.Equal("en", latest.Language);
        var figure = Assert.Single(latest.Figures);
        Assert.Equal(new FigureValue("allies", 33, 32, true, "33 Allies", "body", 12), figure);
    }

    [Fact]
    public async Task Storing_the_same_content_again_changes_nothing_and_queues_nothing()
    {
        var store = new StatementStore(Database);
        var tagged = Tagged("ep-1", "Title", "hash-a");

        var first = await store.StoreAsync(tagged, T0);
        var again = await store.StoreAsync(tagged, T0.AddMinutes(1));
        var redelivered = await store.StoreAsync(tagged with { TaggedAt = T0.AddMinutes(2) }, T0.AddMinutes(2));

        Assert.NotNull(first);
        Assert.Null(again);
        Assert.Null(redelivered);
        Assert.Equal(1, await store.CountAsync());
        Assert.Equal(1, await store.CountRevisionsAsync());
        Assert.Equal(1, await new OutboxStore(Database).CountAsync());
        Assert.Equal(1, Assert.Single(await store.GetLatestAsync(10)).Revision);
    }

    [Fact]
    public async Task Changed_content_becomes_a_new_revision_of_the_same_statement()
    {
        var store = new StatementStore(Database);

        var first = await store.StoreAsync(Tagged("ep-1", "Draft title", "hash-a"), T0);
        var second = await store.StoreAsync(Tagged("ep-1", "Corrected title", "hash-b"), T0.AddMinutes(5));
        var late = await store.StoreAsync(Tagged("ep-1", "Draft title", "hash-a"), T0.AddMinutes(6));

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(late);
        Assert.Equal(first.StatementId, second.StatementId);
        Assert.Equal(2, second.Revision);
        Assert.Equal(1, await store.CountAsync());
        Assert.Equal(2, await store.CountRevisionsAsync());
        var latest = Assert.Single(await store.GetLatestAsync(10));
        Assert.Equal("Corrected title", latest.Title);
        Assert.Equal(2, latest.Revision);
        Assert.Equal(2, await new OutboxStore(Database).CountAsync());
    }

    [Fact]
    public async Task The_same_external_id_in_two_sources_is_two_statements()
    {
        var store = new StatementStore(Database);

        await store.StoreAsync(Tagged("same", "A", "hash-a", source: "ep-press-releases"), T0);
        await store.StoreAsync(Tagged("same", "A", "hash-a", source: "ep-plenary"), T0);

        Assert.Equal(2, await store.CountAsync());
    }

    [Fact]
    public async Task Two_sources_with_the_same_document_reference_are_one_statement_with_two_links()
    {
        var store = new StatementStore(Database);

        var first = await store.StoreAsync(Referenced("ep-rss", "rss-guid-1_EN", "TA-10-2026-0123", "hash-rss", T0.AddHours(-2)), T0);
        var second = await store.StoreAsync(Referenced("ep-api", "eli/dl/doc/TA-10-2026-0123", "TA-10-2026-0123", "hash-api", T0.AddHours(-2)), T0.AddMinutes(1));

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(1, await store.CountAsync());
        Assert.Equal(1, await store.CountRevisionsAsync());
        Assert.Equal(1, await new OutboxStore(Database).CountAsync());
        var links = await store.GetLinksAsync(first.StatementId);
        Assert.Equal([("ep-rss", "rss-guid-1_EN"), ("ep-api", "eli/dl/doc/TA-10-2026-0123")], links.Select(l => (l.SourceId, l.ExternalId)));
    }

    [Fact]
    public async Task Redelivered_copies_of_a_linked_statement_change_nothing()
    {
        var store = new StatementStore(Database);
        var rss = Referenced("ep-rss", "rss-guid-2_EN", "TA-10-2026-0200", "hash-rss", T0.AddHours(-2));
        var api = Referenced("ep-api", "eli/dl/doc/TA-10-2026-0200", "TA-10-2026-0200", "hash-api", T0.AddHours(-1));
        var first = await store.StoreAsync(rss, T0);
        var edit = await store.StoreAsync(api, T0.AddMinutes(1));

        var again = new[]
        {
            await store.StoreAsync(rss, T0.AddMinutes(2)),
            await store.StoreAsync(api, T0.AddMinutes(3)),
            await store.StoreAsync(rss, T0.AddMinutes(4)),
        };

        Assert.NotNull(first);
        Assert.NotNull(edit);
        Assert.Equal(first.StatementId, edit.StatementId);
        Assert.Equal(2, edit.Revision);
        Assert.All(again, Assert.Null);
        Assert.Equal(1, await store.CountAsync());
        Assert.Equal(2, await store.CountRevisionsAsync());
        Assert.Equal(2, await new OutboxStore(Database).CountAsync());
        Assert.Equal(2, (await store.GetLinksAsync(first.StatementId)).Count);
    }

    [Fact]
    public async Task Another_feeds_copy_is_a_new_revision_only_when_it_is_a_newer_edit()
    {
        var store = new StatementStore(Database);
        var first = await store.StoreAsync(Referenced("ep-api", "doc-1", "TA-10-2026-0300", "hash-1", T0.AddHours(-1)), T0);

        var older = await store.StoreAsync(Referenced("ep-rss", "rss-1_EN", "TA-10-2026-0300", "hash-older", T0.AddHours(-3)), T0.AddMinutes(1));
        var undated = await store.StoreAsync(Referenced("ep-think-tank", "tt-1", "TA-10-2026-0300", "hash-undated", null), T0.AddMinutes(2));
        var newer = await store.StoreAsync(Referenced("ep-plenary", "pl-1", "TA-10-2026-0300", "hash-newer", T0), T0.AddMinutes(3));
        var ownEdit = await store.StoreAsync(Referenced("ep-api", "doc-1", "TA-10-2026-0300", "hash-own-edit", T0.AddHours(-5)), T0.AddMinutes(4));

        Assert.NotNull(first);
        Assert.Null(older);
        Assert.Null(undated);
        Assert.NotNull(newer);
        Assert.Equal((first.StatementId, 2), (newer.StatementId, newer.Revision));
        Assert.NotNull(ownEdit);
        Assert.Equal(3, ownEdit.Revision);
        Assert.Equal(4, (await store.GetLinksAsync(first.StatementId)).Count);
        Assert.Equal(1, await store.CountAsync());
        Assert.Equal(3, await store.CountRevisionsAsync());
    }

    [Fact]
    public async Task Statements_without_a_document_reference_are_never_merged()
    {
        var store = new StatementStore(Database);

        await store.StoreAsync(Referenced("ep-rss", "a", null, "hash-a", T0), T0);
        await store.StoreAsync(Referenced("ep-api", "b", null, "hash-a", T0), T0);
        await store.StoreAsync(Referenced("ep-api", "c", "  ", "hash-a", T0), T0);

        Assert.Equal(3, await store.CountAsync());
    }

    [Fact]
    public async Task Concurrent_first_copies_from_two_feeds_become_one_statement()
    {
        var store = new StatementStore(Database);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            store.StoreAsync(Referenced($"feed-{i}", $"item-{i}", "TA-10-2026-0400", "hash-same", T0), T0))));

        Assert.Single(results, r => r is not null);
        Assert.Equal(1, await store.CountAsync());
        Assert.Equal(8, (await store.GetLinksAsync(results.First(r => r is not null)!.StatementId)).Count);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_statement_store_it_once()
    {
        var store = new StatementStore(Database);
        var tagged = Tagged("ep-race", "Raced", "hash-a");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await store.StoreAsync(tagged, T0);
                }
                catch (Exception) when (attempt < 20)
                {
                    // A lost race may surface as a conflict; the consumer's retry policy does the same.
                    await Task.Delay(20);
                }
            }
        }));

        Assert.Single(results, r => r is not null);
        Assert.Equal(1, await store.CountRevisionsAsync());
        Assert.Equal(1, await new OutboxStore(Database).CountAsync());
    }

    [Fact]
    public async Task Latest_statements_come_newest_first_and_respect_the_limit()
    {
        var store = new StatementStore(Database);
        for (var i = 0; i < 5; i++)
        {
            await store.StoreAsync(Tagged($"ep-{i}", $"Statement {i}", $"hash-{i}"), T0.AddMinutes(i));
        }

        var latest = await store.GetLatestAsync(3);

        Assert.Equal(["Statement 4", "Statement 3", "Statement 2"], latest.Select(s => s.Title));
    }

    [Fact]
    public async Task An_outbox_batch_is_claimed_by_one_relay_only_until_its_lock_expires()
    {
        var store = new StatementStore(Database);
        var outbox = new OutboxStore(Database);
        for (var i = 0; i < 3; i++)
        {
            await store.StoreAsync(Tagged($"ep-{i}", $"Statement {i}", $"hash-{i}"), T0);
        }

        var first = await outbox.ClaimAsync(10, TimeSpan.FromSeconds(30), T0, CancellationToken.None);
        var second = await outbox.ClaimAsync(10, TimeSpan.FromSeconds(30), T0.AddSeconds(1), CancellationToken.None);
        var afterExpiry = await outbox.ClaimAsync(10, TimeSpan.FromSeconds(30), T0.AddSeconds(31), CancellationToken.None);

        Assert.Equal(3, first.Count);
        Assert.Empty(second);
        Assert.Equal(first.Select(m => m.MessageId), afterExpiry.Select(m => m.MessageId));
        Assert.All(first, m => Assert.Equal(typeof(StatementsStored).FullName, m.MessageType));

        await outbox.DeleteAsync(first.Select(m => m.Id).ToList(), CancellationToken.None);
        Assert.Equal(0, await outbox.CountAsync());
    }

    [Fact]
    public async Task Due_sources_are_claimed_once_and_become_due_again_after_their_interval()
    {
        var sources = new SourceStore(Database);
        await sources.UpsertAsync([new SourceDefinition("a", "A", "http://127.0.0.1/a.xml", "rss", 60), new SourceDefinition("b", "B", "http://127.0.0.1/b.xml", "rss", 60)]);

        var first = await sources.ClaimDueAsync(T0, 10, CancellationToken.None);
        var again = await sources.ClaimDueAsync(T0.AddSeconds(1), 10, CancellationToken.None);
        var later = await sources.ClaimDueAsync(T0.AddSeconds(61), 1, CancellationToken.None);

        Assert.Equal(["a", "b"], first.Select(s => s.Id).Order());
        Assert.Empty(again);
        Assert.Single(later);
    }

    [Fact]
    public async Task A_claimed_source_stays_claimed_for_the_lease_when_that_is_longer_than_its_interval()
    {
        var sources = new SourceStore(Database);
        await sources.UpsertAsync([new SourceDefinition("fast", "Fast", "http://127.0.0.1/a.xml", "rss", 1), new SourceDefinition("slow", "Slow", "http://127.0.0.1/b.xml", "rss", 3600)]);
        var lease = TimeSpan.FromMinutes(10);

        var first = await sources.ClaimDueAsync(T0, 10, lease, CancellationToken.None);
        var duringPoll = await sources.ClaimDueAsync(T0.AddSeconds(5), 10, lease, CancellationToken.None);
        var leaseOver = await sources.ClaimDueAsync(T0.AddMinutes(10), 10, lease, CancellationToken.None);

        Assert.Equal(2, first.Count);
        Assert.Empty(duringPoll);
        Assert.Equal(["fast"], leaseOver.Select(s => s.Id));
    }

    [Fact]
    public async Task A_renewed_claim_holds_while_its_poll_runs_a_recorded_result_ends_it_and_an_unrenewed_one_lapses()
    {
        var sources = new SourceStore(Database);
        await sources.UpsertAsync([new SourceDefinition("kept", "Kept", "http://127.0.0.1/a.xml", "rss", 1), new SourceDefinition("dead", "Dead", "http://127.0.0.1/b.xml", "rss", 1)]);
        var lease = TimeSpan.FromSeconds(30);
        var claimed = (await sources.ClaimDueAsync(T0, 10, lease, CancellationToken.None)).ToDictionary(s => s.Id);
        Assert.Equal(T0 + lease, claimed["kept"].NextPollAt);

        // "kept" is renewed at 20 s (its poll still runs); "dead" is not (its process was killed mid-poll).
        Assert.True(await sources.RenewClaimAsync("kept", claimed["kept"].NextPollAt, T0.AddSeconds(50), CancellationToken.None));
        Assert.False(await sources.RenewClaimAsync("kept", claimed["kept"].NextPollAt, T0.AddSeconds(60), CancellationToken.None));
        Assert.Equal(["dead"], (await sources.ClaimDueAsync(T0.AddSeconds(31), 10, lease, CancellationToken.None)).Select(s => s.Id));

        // The poll records its result: a renewal in flight after it changes nothing.
        await sources.RecordSuccessAsync("kept", T0.AddSeconds(40), T0.AddSeconds(41), null, null, CancellationToken.None);
        Assert.False(await sources.RenewClaimAsync("kept", T0.AddSeconds(50), T0.AddSeconds(80), CancellationToken.None));
        Assert.Equal(["kept"], (await sources.ClaimDueAsync(T0.AddSeconds(41), 10, lease, CancellationToken.None)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_failed_poll_records_the_error_and_a_success_clears_it()
    {
        var sources = new SourceStore(Database);
        await sources.UpsertAsync([new SourceDefinition("a", "A", "http://127.0.0.1/a.xml", "rss", 60)]);

        var failures = await sources.RecordFailureAsync("a", "HTTP 202 with an empty body", SourceHealth.Degraded, T0.AddMinutes(2), CancellationToken.None);
        failures = await sources.RecordFailureAsync("a", "HTTP 500", SourceHealth.Degraded, T0.AddMinutes(4), CancellationToken.None);
        var failing = Assert.Single(await sources.ListAsync());
        await sources.RecordSuccessAsync("a", T0.AddMinutes(5), T0.AddMinutes(6), "\"v1\"", null, CancellationToken.None);
        var healthy = Assert.Single(await sources.ListAsync());

        Assert.Equal(2, failures);
        Assert.Equal("HTTP 500", failing.LastError);
        Assert.Equal(SourceHealth.Degraded, failing.Health);
        Assert.Equal(SourceHealth.Healthy, healthy.Health);
        Assert.Null(healthy.LastError);
        Assert.Equal(0, healthy.ConsecutiveFailures);
        Assert.Equal("\"v1\"", healthy.ETag);
        Assert.Equal(T0.AddMinutes(5).ToUnixTimeMilliseconds(), healthy.LastSuccessAt?.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_sources_rhythm_and_quiet_flag_are_stored_and_kept_when_a_poll_learns_nothing()
    {
        var sources = new SourceStore(Database);
        await sources.UpsertAsync([new SourceDefinition("a", "A", "http://127.0.0.1/a.xml", "rss", 60)]);

        await sources.RecordSuccessAsync("a", T0, T0.AddMinutes(1), null, null, new SourceActivity(T0, TimeSpan.FromHours(2), false), CancellationToken.None);
        await sources.RecordSuccessAsync("a", T0.AddHours(8), T0.AddHours(9), null, null, new SourceActivity(null, null, true), CancellationToken.None);
        var quiet = Assert.Single(await sources.ListAsync());
        await sources.RecordSuccessAsync("a", T0.AddHours(9), T0.AddHours(10), null, null, null, CancellationToken.None);
        var kept = Assert.Single(await sources.ListAsync());

        Assert.True(quiet.Quiet);
        Assert.Equal(T0.ToUnixTimeMilliseconds(), quiet.LastNewItemAt?.ToUnixTimeMilliseconds());
        Assert.Equal((long)TimeSpan.FromHours(2).TotalMilliseconds, quiet.TypicalGapMs);
        Assert.True(kept.Quiet);
        Assert.Equal(quiet.TypicalGapMs, kept.TypicalGapMs);
    }

    [Fact]
    public async Task Discovered_items_remember_the_last_published_hash()
    {
        var items = new DiscoveredItemStore(Database);

        await items.MarkDiscoveredAsync("a", [("x", "h1"), ("y", "h2")], T0, CancellationToken.None);
        await items.MarkDiscoveredAsync("a", [("x", "h3")], T0, CancellationToken.None);
        var hashes = await items.GetHashesAsync("a", ["x", "y", "z"], CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { ["x"] = "h3", ["y"] = "h2" }, hashes);
    }

    private static StatementTagged Referenced(string source, string externalId, string? reference, string hash, DateTimeOffset? published) =>
        new(new StatementDiscovered(source, externalId, $"https://example.org/{source}/{externalId}", "Texts adopted", "Summary " + hash, "Body",
                published, "en", hash, T0)
        {
            DocumentReference = reference,
        },
            [new TopicScore("condemnation-withdrawal", 0.75, [new TopicEvidence("condemns", "title", 0, 8)])],
            "baseline-v1",
            T0);

    [Fact]
    public async Task A_batch_stores_what_the_same_statements_one_by_one_store_with_one_event_each_and_exact_day_counts()
    {
        var store = new StatementStore(Database);
        var first = Tagged("ep-1", "First", "hash-1");
        var batch = new List<StatementStore.BatchItem>
        {
            new(first, null),
            new(Tagged("ep-2", "Second", "hash-2") with { Topics = [new TopicScore("sanctions", 0.9, []), new TopicScore("condemnation-withdrawal", 0.5, [])] }, null),
            new(first, null), // a repeat inside the batch: nothing new
            new(Tagged("ep-1", "First, edited", "hash-1b"), null), // an edit inside the batch: revision 2
            new(Tagged("ep-3", "Third", "hash-3") with { Figures = [new FigureValue("allies", 33, 32, true, "33 Allies", "body", 12)] }, null),
        };

        var results = await store.StoreBatchAsync(batch, T0);

        Assert.Equal(5, results.Count);
        Assert.Equal([1, 1, 0, 2, 1], results.Select(r => r?.Revision ?? 0));
        Assert.Equal(results[0]!.StatementId, results[3]!.StatementId);
        Assert.Equal(3, await store.CountAsync());
        Assert.Equal(4, await store.CountRevisionsAsync());
        Assert.Equal(1, await new OutboxStore(Database).CountAsync()); // one event for the batch, of its 4 new revisions
        var latest = (await store.GetLatestAsync(10)).ToDictionary(s => s.ExternalId);
        Assert.Equal("First, edited", latest["ep-1"].Title);
        Assert.Equal(["condemnation-withdrawal", "sanctions"], latest["ep-2"].Topics.Select(t => t.TopicId).Order());
        Assert.Equal(new FigureValue("allies", 33, 32, true, "33 Allies", "body", 12), Assert.Single(latest["ep-3"].Figures));

        // The roll-up counts each statement's current revision once: ep-1 (revision 2), ep-2 and ep-3 on one day.
        await using var connection = await Database.OpenAsync();
        var counts = (await connection.QueryAsync<(string TopicId, long Statements)>(
            "SELECT topic_id, statements FROM topic_day_counts WHERE statements <> 0 ORDER BY topic_id")).ToList();
        var exact = (await connection.QueryAsync<(string TopicId, long Statements)>(
            "SELECT topic_id, COUNT(*) FROM statement_topics WHERE current_sort_at IS NOT NULL GROUP BY topic_id ORDER BY topic_id")).ToList();
        Assert.Equal([("condemnation-withdrawal", 3L), ("sanctions", 1L)], counts);
        Assert.Equal(exact, counts);
    }

    [Fact]
    public async Task A_batch_links_another_feeds_copy_of_a_known_document_and_stores_the_new_ones_beside_it()
    {
        var store = new StatementStore(Database);
        var original = Tagged("ep-1", "Resolution", "hash-1") with { Statement = Tagged("ep-1", "Resolution", "hash-1").Statement with { DocumentReference = "TA-10-2026-0001" } };
        var known = await store.StoreAsync(original, T0);
        var copy = Tagged("api-1", "Resolution", "hash-copy", source: "ep-api") with { Statement = Tagged("api-1", "Resolution", "hash-copy", source: "ep-api").Statement with { DocumentReference = "TA-10-2026-0001" } };

        var results = await store.StoreBatchAsync([new(Tagged("ep-2", "New one", "hash-2"), null), new(copy, null), new(Tagged("ep-3", "New two", "hash-3"), null)], T0.AddMinutes(1));

        Assert.NotNull(known);
        Assert.Equal(1, results[0]?.Revision);
        Assert.Null(results[1]);
        Assert.Equal(1, results[2]?.Revision);
        Assert.Equal(3, await store.CountAsync());
        Assert.Equal(2, await new OutboxStore(Database).CountAsync()); // the first statement's, and the batch's
        Assert.Contains(await store.GetLinksAsync(known.StatementId), l => l.SourceId == "ep-api" && l.ExternalId == "api-1");
        Assert.Single(await store.GetLinksAsync(results[0]!.StatementId));
    }

    [Fact]
    public async Task Events_a_batch_writes_claimed_are_left_to_their_writer_until_the_claim_runs_out_then_a_relay_takes_them()
    {
        var store = new StatementStore(Database);
        var outbox = new OutboxStore(Database);

        var result = await store.StoreBatchAsync([new(Tagged("ep-1", "One", "hash-1"), null), new(Tagged("ep-2", "Two", "hash-2"), null)], T0, T0.AddSeconds(30));

        // One event for the batch, naming both statements.
        var stored = Assert.IsType<StatementsStored>(Assert.Single(result.Events).Message);
        Assert.Equal(result.Stored.Select(s => s!.StatementId), stored.Statements.Select(s => s.StatementId));
        Assert.Empty(await outbox.ClaimAsync(10, TimeSpan.FromSeconds(30), T0.AddSeconds(29), CancellationToken.None));
        var relayed = await outbox.ClaimAsync(10, TimeSpan.FromSeconds(30), T0.AddSeconds(31), CancellationToken.None);
        Assert.Equal(result.Events.Select(e => e.MessageId.ToString()), relayed.Select(m => m.MessageId));
        Assert.Equal(result.Events.Select(e => e.Id), relayed.Select(m => m.Id));
    }

    [Fact]
    public async Task A_batch_with_one_statement_the_database_refuses_stores_nothing_and_the_good_ones_store_alone_after()
    {
        var store = new StatementStore(Database);
        var good = Tagged("ep-1", "Good", "hash-1");
        var bad = Tagged("ep-2", "Bad", "hash-2") with { Statement = Tagged("ep-2", "Bad", "hash-2").Statement with { Title = null! } };

        await Assert.ThrowsAnyAsync<Exception>(() => store.StoreBatchAsync([new(good, null), new(bad, null)], T0));

        Assert.Equal(0, await store.CountAsync());
        Assert.Equal(0, await new OutboxStore(Database).CountAsync());
        Assert.NotNull(await store.StoreAsync(good, T0));
        Assert.Equal(1, await store.CountAsync());
    }

    private static StatementTagged Tagged(string externalId, string title, string hash, string source = "ep-press-releases") =>
        new(new StatementDiscovered(source, externalId, $"https://example.org/{externalId}", title, "Summary", "Body",
                T0.AddHours(-1), "en", hash, T0),
            [new TopicScore("condemnation-withdrawal", 0.75, [new TopicEvidence("condemns", "title", 11, 8)])],
            "baseline-v1",
            T0);
}

public sealed class SqliteStoreTests() : StoreContract(Store.Sqlite);

public sealed class PostgresStoreTests() : StoreContract(Store.Postgres);
