using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monitor.Contracts;
using Monitor.Core.Events;
using Monitor.Core.Events.Evaluation;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Semantic;
using Monitor.Data;
using Monitor.Data.Events;
using Monitor.Data.Statements;
using Monitor.Embeddings;
using Monitor.Tagging;
using Monitor.Tagging.Events;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.Workers.Tests.Events;

/// <summary>
/// The Tagging worker's event clustering on real stores, with the real embedder and statements of the labelled events
/// set (docs/events.md): replicas competing for the lease on PostgreSQL, and a backfill out of date order.
/// </summary>
public sealed class EventClusterServiceTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    // The first 150 labelled statements by date: enough for events of several statements, and NATO and EP ones.
    private static readonly Lazy<IReadOnlyList<EventItem>> Items = new(() => [.. EventSet.LoadDefault().Take(150)]);

    private static readonly Lazy<Tagger> Rules = new(() => new Tagger(TopicFile.LoadDefault()));

    [Fact]
    public async Task Two_replicas_handing_the_lease_over_make_the_events_of_a_single_run_on_postgres()
    {
        await using var single = await PostgresDatabase.CreateMigratedAsync();
        await using var shared = await PostgresDatabase.CreateMigratedAsync();
        var singleDb = Open(single);
        var ids = await SeedAsync(singleDb, Items.Value);
        await SeedAsync(Open(shared), Items.Value);
        var alone = Runner(singleDb, "alone", TimeSpan.FromMinutes(1));
        while (await alone.RunPageAsync(10) != EventPageOutcome.Idle)
        {
        }

        var expected = await PartitionAsync(singleDb);
        Assert.Contains(expected, e => e.Count >= 3);

        // Replica A starts alone; B starts once A has written, waits for the lease, and takes over when A stops.
        var dbA = Open(shared);
        var dbB = Open(shared);
        using var a = Replica(dbA);
        using var b = Replica(dbB);
        await a.StartAsync();
        await WaitAsync(async () => await new EventStore(dbA).CheckpointAsync() > 0, "replica A to cluster a page");
        await b.StartAsync();
        await a.StopAsync();
        var stoppedAt = await new EventStore(dbA).CheckpointAsync();
        var last = ids.Keys.Max();
        Assert.True(stoppedAt < last, $"replica A clustered everything ({stoppedAt}) before it was stopped: no hand-over was tested");
        await WaitAsync(async () => await new EventStore(dbB).CheckpointAsync() == last, "replica B to finish");
        await b.StopAsync();

        await using var connection = await dbB.OpenAsync();
        Assert.Equal(ids.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT statement_id) FROM event_members"));
        Assert.Equal(ids.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM event_members"));
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT lease_epoch FROM event_clustering") >= 2, "the lease never changed hands");
        Assert.Equal(expected, await PartitionAsync(dbB));
        Assert.Equal(await EventRowsAsync(singleDb), await EventRowsAsync(dbB));
    }

    [Fact]
    public async Task Two_runners_racing_for_a_lease_that_lapses_every_page_never_place_a_statement_twice_on_postgres()
    {
        await using var single = await PostgresDatabase.CreateMigratedAsync();
        await using var shared = await PostgresDatabase.CreateMigratedAsync();
        var singleDb = Open(single);
        var ids = await SeedAsync(singleDb, Items.Value);
        await SeedAsync(Open(shared), Items.Value);
        var alone = Runner(singleDb, "alone", TimeSpan.FromMinutes(1));
        while (await alone.RunPageAsync(7) != EventPageOutcome.Idle)
        {
        }

        // A lease of a millisecond: whichever runner asks next takes it, and a runner that lost it mid-page must not write.
        var outcomes = new List<EventPageOutcome>[] { [], [] };
        var runners = new[] { Runner(Open(shared), "one", TimeSpan.FromMilliseconds(1)), Runner(Open(shared), "two", TimeSpan.FromMilliseconds(1)) };
        await Task.WhenAll(runners.Select((runner, i) => Task.Run(async () =>
        {
            var idle = 0;
            while (idle < 3)
            {
                var outcome = await runner.RunPageAsync(7);
                outcomes[i].Add(outcome);
                idle = outcome == EventPageOutcome.Idle ? idle + 1 : 0;

                // A breath after each page, so the other runner's next try usually finds the lease lapsed and takes it.
                await Task.Delay(outcome == EventPageOutcome.Clustered ? 5 : 1);
            }
        })));

        var sharedDb = Open(shared);
        await using var connection = await sharedDb.OpenAsync();
        var handOvers = await connection.ExecuteScalarAsync<long>("SELECT lease_epoch FROM event_clustering") - 1;
        output.WriteLine($"pages clustered: {string.Join(" and ", outcomes.Select(o => o.Count(x => x == EventPageOutcome.Clustered)))}; lease handed over {handOvers} times");
        Assert.True(handOvers >= 2, $"the lease changed hands {handOvers} times: the runners did not compete");
        Assert.Equal(ids.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM event_members"));
        Assert.Equal(await PartitionAsync(singleDb), await PartitionAsync(sharedDb));
    }

    [Fact]
    public async Task A_backfill_stored_newest_first_is_clustered_as_it_arrives_and_still_groups_stories()
    {
        using var inOrder = await MigratedSqlite.CreateAsync();
        using var reversed = await MigratedSqlite.CreateAsync();
        var items = Items.Value;
        var ids = await SeedAsync(inOrder.Database, items);
        var reversedIds = await SeedAsync(reversed.Database, [.. items.Reverse()]);
        foreach (var (db, name) in new[] { (inOrder.Database, "in-order"), (reversed.Database, "reversed") })
        {
            var runner = Runner(db, name, TimeSpan.FromMinutes(1));
            while (await runner.RunPageAsync(20) != EventPageOutcome.Idle)
            {
            }
        }

        // Every statement of the reversed store is in exactly one event, and the late ones joined events: statements
        // stored newest first are all "late" after the first page, so a clusterer that could not place them would
        // leave every one alone and score like the all-singletons baseline.
        await using (var connection = await reversed.Database.OpenAsync())
        {
            Assert.Equal(items.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM event_members"));
        }

        var gold = items.ToDictionary(i => i.Statement.Id, i => i.Label.Event);
        var inOrderScores = Score(gold, await PartitionAsync(inOrder.Database), ids);
        var reversedScores = Score(gold, await PartitionAsync(reversed.Database), reversedIds);
        var singletons = ClusterMetrics.Score(gold, items.ToDictionary(i => i.Statement.Id, i => i.Statement.Id));
        output.WriteLine($"B-cubed F1: in date order {inOrderScores.BCubedF1:0.000}, newest first {reversedScores.BCubedF1:0.000}, all singletons {singletons.BCubedF1:0.000}; "
            + $"pairwise P/R: in order {inOrderScores.PairPrecision:0.000}/{inOrderScores.PairRecall:0.000}, newest first {reversedScores.PairPrecision:0.000}/{reversedScores.PairRecall:0.000}");
        Assert.True(reversedScores.BCubedF1 > singletons.BCubedF1 + 0.02,
            $"reversed B-cubed F1 {reversedScores.BCubedF1:0.000}, in order {inOrderScores.BCubedF1:0.000}, all singletons {singletons.BCubedF1:0.000}");
        Assert.True(reversedScores.CorrectPairs > 0);
    }

    [Fact]
    public async Task A_statement_whose_features_cannot_be_built_is_skipped_with_its_error_and_the_rest_are_clustered()
    {
        using var sqlite = await MigratedSqlite.CreateAsync();
        var items = Items.Value.Take(12).ToList();
        var ids = await SeedAsync(sqlite.Database, items);
        var bad = ids.Single(p => p.Value == items[5].Statement.Id).Key;
        // The features embed the statement's title normalised as the tagger's sentences are (SentenceText.Normalise).
        var embedder = new FailingEmbedder(Taggers.Embedder, SentenceText.Normalise(items[5].Statement.Title));
        var runner = new EventClusterRunner(new EventStore(sqlite.Database), new EventFeatures(Rules.Value, embedder), new EventOptions(), "one",
            TimeProvider.System, TimeSpan.FromMinutes(1));

        var pages = 0;
        while (await runner.RunPageAsync(5) != EventPageOutcome.Idle && ++pages < 20)
        {
        }

        await using var connection = await sqlite.Database.OpenAsync();
        var skipped = (await connection.QueryAsync<(long StatementId, string Reason)>("SELECT statement_id, reason FROM event_skipped")).ToList();
        var (skippedId, reason) = Assert.Single(skipped);
        Assert.Equal(bad, skippedId);
        Assert.StartsWith("InvalidOperationException: ", reason, StringComparison.Ordinal);
        var members = (await connection.QueryAsync<long>("SELECT statement_id FROM event_members")).ToHashSet();
        Assert.Equal(ids.Keys.Where(id => id != bad).ToHashSet(), members);
        Assert.Equal(ids.Keys.Max(), await new EventStore(sqlite.Database).CheckpointAsync());
        Assert.True(pages < 20, "the runner never went idle: the failing statement held the pages back");
    }

    [Fact]
    public async Task A_member_revised_to_another_story_leaves_its_event_and_revised_back_it_joins_its_story_again()
    {
        using var sqlite = await MigratedSqlite.CreateAsync();
        var ids = await SeedAsync(sqlite.Database, Items.Value);
        var runner = new EventClusterRunner(new EventStore(sqlite.Database), new EventFeatures(Rules.Value, Taggers.Embedder), new EventOptions(), "one",
            TimeProvider.System, TimeSpan.FromMinutes(1));
        await RunUntilIdleAsync(runner);

        // The largest event, and its latest member: revised to a text on another story altogether.
        var before = await PartitionAsync(sqlite.Database);
        var story = before.OrderByDescending(e => e.Count).ThenBy(e => e[0]).First();
        Assert.True(story.Count >= 3, $"the largest event has {story.Count} statements");
        var member = story[^1];
        var item = Items.Value.Single(i => i.Statement.Id == ids[member]);
        await ReviseAsync(sqlite.Database, item, "Fisheries quotas for the Baltic Sea agreed", "The Council agreed the catch limits for cod, herring and sprat in the Baltic Sea for next year, after talks with the fishing industry.");
        await RunUntilIdleAsync(runner);

        await using var connection = await sqlite.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM event_revised"));
        var after = await PartitionAsync(sqlite.Database);
        Assert.Equal(ids.Count, after.Sum(e => e.Count));
        var now = after.Single(e => e.Contains(member));
        Assert.DoesNotContain(now, story.Where(id => id != member).Contains);
        // The rest of the story is where it was, or in parts split off it, each with its reason.
        var rest = story.Where(id => id != member).ToList();
        var parts = after.Where(e => e.Any(rest.Contains)).ToList();
        Assert.All(parts, p => Assert.True(p.All(rest.Contains), "a part of the story took in a statement of another event"));
        var splits = (await connection.QueryAsync<string>("SELECT reason FROM event_splits")).ToList();
        Assert.Equal(parts.Count - 1, splits.Count);
        Assert.All(splits, r => Assert.Contains($"statement {member} was revised", r, StringComparison.Ordinal));
        output.WriteLine($"event of {story.Count}: statement {member} left it; the rest in {parts.Count} part(s): {string.Join(" | ", parts.Select(p => string.Join(",", p)))}");

        // Its own text back: it joins its story again.
        await ReviseAsync(sqlite.Database, item, item.Statement.Title, item.Statement.Text);
        await RunUntilIdleAsync(runner);
        var back = (await PartitionAsync(sqlite.Database)).Single(e => e.Contains(member));
        Assert.Contains(back, rest.Contains);
        Assert.Equal(ids.Count, (await PartitionAsync(sqlite.Database)).Sum(e => e.Count));
    }

    private static async Task RunUntilIdleAsync(EventClusterRunner runner)
    {
        var pages = 0;
        while (await runner.RunPageAsync(20) != EventPageOutcome.Idle)
        {
            Assert.True(++pages < 100, "the runner never went idle");
        }
    }

    // A new revision of a seeded statement, as Persistence stores one (the same feed item with new content).
    private static async Task ReviseAsync(Database database, EventItem item, string title, string text)
    {
        var s = item.Statement;
        var published = new DateTimeOffset(item.Date.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var discovered = new StatementDiscovered(s.Institution == "NATO" ? "nato-news" : "ep-press", s.Id, $"https://example.org/{s.Id}", title, text, "", published, "en",
            $"hash-{s.Id}-{title}", Now);
        await new StatementStore(database).StoreAsync(new StatementTagged(discovered, [.. s.Topics.Select(t => new TopicScore(t, 1, []))], "test", Now), Now);
    }

    [Fact]
    public async Task While_a_backfill_walks_live_statements_are_clustered_and_after_it_the_backlog_follows_its_refinement()
    {
        using var sqlite = await MigratedSqlite.CreateAsync();
        var db = sqlite.Database;
        var ids = (await SeedAsync(db, Items.Value.Take(30).ToList())).Keys.Order().ToList();
        var backlog = ids.Take(25).ToList();
        var live = ids.Skip(25).ToList();
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync($"UPDATE statements SET backfill_revision = 1, backfill_tags = 'rules' WHERE id {db.InList("Ids")}", new { Ids = backlog });
            await connection.ExecuteAsync(
                "INSERT INTO sources (id, name, url, adapter, poll_interval_seconds) VALUES ('archive', 'Archive', 'http://127.0.0.1/archive', 'rss', 60)");
            await connection.ExecuteAsync(
                "INSERT INTO backfill_jobs (source_id, since_day, until_day, state, created_at, updated_at) VALUES ('archive', '2020-01-01', '2026-12-01', 'running', 0, 0)");
        }

        using var replica = Replica(db);
        await replica.StartAsync();
        try
        {
            // The backfill walks: the live statements are placed, the backlog waits.
            await WaitAsync(async () => (await MembersAsync(db)).IsSupersetOf(live), "the live statements to be clustered during the backfill");
            await Task.Delay(500);
            Assert.Empty((await MembersAsync(db)).Intersect(backlog));

            // The walk is over: the backlog is clustered as far as its refinement has come, and no further.
            await using (var connection = await db.OpenAsync())
            {
                await connection.ExecuteAsync("UPDATE backfill_jobs SET state = 'done'");
                await connection.ExecuteAsync($"UPDATE statements SET backfill_tags = NULL WHERE id {db.InList("Ids")}", new { Ids = backlog.Take(10).ToList() });
            }

            await WaitAsync(async () => (await MembersAsync(db)).IsSupersetOf(backlog.Take(10)), "the refined part of the backlog to be clustered");
            await Task.Delay(500);
            Assert.Empty((await MembersAsync(db)).Intersect(backlog.Skip(10)));

            await using (var connection = await db.OpenAsync())
            {
                await connection.ExecuteAsync("UPDATE statements SET backfill_tags = NULL");
            }

            await WaitAsync(async () => (await MembersAsync(db)).Count == ids.Count, "the whole backlog to be clustered");
            Assert.Equal(ids[^1], await new EventStore(db).CheckpointAsync());
        }
        finally
        {
            await replica.StopAsync();
        }
    }

    private static async Task<HashSet<long>> MembersAsync(Database database)
    {
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<long>("SELECT statement_id FROM event_members")];
    }

    // The real embedder, except that it fails on any sentence containing the marker (an unexpected model error).
    private sealed class FailingEmbedder(ISentenceEmbedder inner, string marker) : ISentenceEmbedder
    {
        public string ModelId => inner.ModelId;

        public float[][] Embed(IReadOnlyList<string> sentences) =>
            sentences.Any(s => s.Contains(marker, StringComparison.OrdinalIgnoreCase))
                ? throw new InvalidOperationException("the model failed on this sentence")
                : inner.Embed(sentences);
    }

    private static ClusterScores Score(Dictionary<string, string> gold, List<List<long>> partition, Dictionary<long, string> labelOf)
    {
        var predicted = new Dictionary<string, string>();
        foreach (var e in partition)
        {
            foreach (var id in e)
            {
                predicted[labelOf[id]] = labelOf[e[0]];
            }
        }

        return ClusterMetrics.Score(gold, predicted);
    }

    private static Database Open(PostgresDatabase database) =>
        new(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString });

    private static EventClusterRunner Runner(Database database, string owner, TimeSpan lease) =>
        new(new EventStore(database), new EventFeatures(Rules.Value, Taggers.Embedder), new EventOptions(), owner, TimeProvider.System, lease);

    // One Tagging replica's clustering: its own DI container, its own connection pool, the worker's registration.
    private static IHost Replica(Database database)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(Rules.Value);
        builder.Services.AddSingleton(new TaggingOptions());
        builder.Services.AddEventClustering(new EventClusteringOptions { PageSize = 10, PollSeconds = 0.05, LeaseSeconds = 2 });
        return builder.Build();
    }

    // Stores the statements in the given order (ids follow it), dated by their day; returns statement id → labelled id.
    private static async Task<Dictionary<long, string>> SeedAsync(Database database, IReadOnlyList<EventItem> items)
    {
        var store = new StatementStore(database);
        foreach (var item in items)
        {
            var s = item.Statement;
            var source = s.Institution == "NATO" ? "nato-news" : "ep-press";
            var published = new DateTimeOffset(item.Date.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
            var discovered = new StatementDiscovered(source, s.Id, $"https://example.org/{s.Id}", s.Title, s.Text, "", published, "en", $"hash-{s.Id}", Now);
            await store.StoreAsync(new StatementTagged(discovered, [.. s.Topics.Select(t => new TopicScore(t, 1, []))], "test", Now), Now);
        }

        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(long Id, string ExternalId)>("SELECT id, external_id FROM statements"))
            .ToDictionary(r => r.Id, r => r.ExternalId);
    }

    // The events as sets of statement ids, in a canonical order.
    private static async Task<List<List<long>>> PartitionAsync(Database database)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(long EventId, long StatementId)>("SELECT event_id, statement_id FROM event_members ORDER BY statement_id");
        return [.. rows.GroupBy(r => r.EventId).Select(g => g.Select(r => r.StatementId).Order().ToList()).OrderBy(e => e[0])];
    }

    private static async Task<List<string>> EventRowsAsync(Database database)
    {
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<string>(
            "SELECT CAST(id AS text) || ' ' || CAST(first_day AS text) || ' ' || CAST(last_day AS text) || ' ' || institutions || ' ' || CAST(members AS text) || ' ' || title FROM events WHERE merged_into IS NULL ORDER BY id")];
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
