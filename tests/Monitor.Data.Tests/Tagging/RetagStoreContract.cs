using Dapper;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Migrations;
using Monitor.Data.Statements;
using Monitor.Data.Tagging;
using Monitor.Testing;

namespace Monitor.Data.Tests.Tagging;

/// <summary>Re-tagging progress, lease and replacement, on SQLite and PostgreSQL alike.</summary>
public abstract class RetagStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_version_with_no_stale_tags_needs_no_run()
    {
        await StoreAsync("a", "v2");

        var run = await new RetagStore(Database).EnsureRunAsync("v2", T0);

        Assert.Equal((0, 0), (run.Total, run.Done));
        Assert.NotNull(run.FinishedAt);
    }

    [Fact]
    public async Task A_new_version_retags_every_statement_replacing_topics_and_figures_with_the_new_version()
    {
        var ids = new[] { await StoreAsync("a", "v1"), await StoreAsync("b", "v1") };
        var store = new RetagStore(Database);

        var run = await store.EnsureRunAsync("v2", T0);
        Assert.Equal((2, 0, (DateTimeOffset?)null), (run.Total, run.Done, run.FinishedAt));
        Assert.True(await store.TryLeaseAsync("v2", "worker-1", T0, Lease));
        var batch = await store.NextAsync("v2", 10);
        Assert.Equal(ids, batch.Select(i => i.StatementId));
        Assert.Equal("Title a", batch[0].Title);
        foreach (var item in batch)
        {
            Assert.True(await store.ReplaceAsync("v2", "worker-1", item,
                [new TopicScore("sanctions", 0.6, [new TopicEvidence("sanctions", "body", 3, 9)])],
                [new FigureValue("allies-count", 32, 30, true, "32 Allies", "body", 0)]));
        }

        Assert.Empty(await store.NextAsync("v2", 10));
        Assert.True(await store.FinishAsync("v2", "worker-1", T0.AddMinutes(1)));

        var latest = await new StatementStore(Database).GetLatestAsync(10);
        Assert.All(latest, s =>
        {
            var topic = Assert.Single(s.Topics);
            Assert.Equal(("sanctions", new TopicEvidence("sanctions", "body", 3, 9)), (topic.TopicId, Assert.Single(topic.Evidence)));
            Assert.Equal("allies-count", Assert.Single(s.Figures).FigureId);
        });
        await using var connection = await Database.OpenAsync();
        Assert.Equal(["v2"], await connection.QueryAsync<string>("SELECT DISTINCT baseline_version FROM statement_topics"));
        var finished = await store.GetLatestAsync();
        Assert.Equal(("v2", 2, 2, T0.AddMinutes(1)), (finished!.BaselineVersion, finished.Total, finished.Done, finished.FinishedAt));
    }

    [Fact]
    public async Task One_replica_holds_the_lease_until_it_expires()
    {
        await StoreAsync("a", "v1");
        var store = new RetagStore(Database);
        await store.EnsureRunAsync("v2", T0);

        Assert.True(await store.TryLeaseAsync("v2", "worker-1", T0, Lease));
        Assert.False(await store.TryLeaseAsync("v2", "worker-2", T0.AddSeconds(10), Lease));
        Assert.True(await store.TryLeaseAsync("v2", "worker-1", T0.AddSeconds(20), Lease));
        Assert.False(await store.TryLeaseAsync("v2", "worker-2", T0.AddSeconds(40), Lease));
        Assert.True(await store.TryLeaseAsync("v2", "worker-2", T0.AddSeconds(51), Lease));

        // The old holder cannot write any more: its replacement is refused and changes nothing.
        var item = Assert.Single(await store.NextAsync("v2", 10));
        Assert.False(await store.ReplaceAsync("v2", "worker-1", item, [], []));
        Assert.Equal(0, (await store.GetLatestAsync())!.Done);
    }

    [Fact]
    public async Task A_restarted_run_resumes_after_its_checkpoint()
    {
        var first = await StoreAsync("a", "v1");
        var second = await StoreAsync("b", "v1");
        var store = new RetagStore(Database);
        await store.EnsureRunAsync("v2", T0);
        await store.TryLeaseAsync("v2", "worker-1", T0, Lease);
        var item = (await store.NextAsync("v2", 1)).Single();
        Assert.Equal(first, item.StatementId);
        Assert.True(await store.ReplaceAsync("v2", "worker-1", item, [], []));

        // worker-1 dies; after its lease a new process picks the same run up where it stopped.
        var again = await new RetagStore(Database).EnsureRunAsync("v2", T0.AddMinutes(5));
        Assert.Equal(1, again.Done);
        Assert.True(await store.TryLeaseAsync("v2", "worker-2", T0.AddMinutes(5), Lease));
        Assert.Equal([second], (await store.NextAsync("v2", 10)).Select(i => i.StatementId));
    }

    [Fact]
    public async Task Evidence_stored_as_plain_terms_before_offsets_existed_is_still_read()
    {
        var id = await StoreAsync("a", "v1");
        await using (var connection = await Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE statement_topics SET evidence = @Legacy WHERE statement_id = @Id", new { Legacy = "[\"condemns\", \"war of aggression\"]", Id = id });
        }

        var topic = Assert.Single(Assert.Single(await new StatementStore(Database).GetLatestAsync(10)).Topics);

        Assert.Equal([new TopicEvidence("condemns", "", 0, 0), new TopicEvidence("war of aggression", "", 0, 0)], topic.Evidence);
    }

    private async Task<long> StoreAsync(string externalId, string version)
    {
        var discovered = new StatementDiscovered("nato-news", externalId, $"https://example.org/{externalId}", $"Title {externalId}",
            "Summary", "Body", T0, "en", $"hash-{externalId}", T0);
        var stored = await new StatementStore(Database).StoreAsync(
            new StatementTagged(discovered, [new TopicScore("condemnation-withdrawal", 0.7, [new TopicEvidence("condemns", "title", 0, 8)])], version, T0)
            {
                Figures = [new FigureValue("allies-count", 30, 30, false, "30 Allies", "body", 0)],
            },
            T0);
        return stored!.StatementId;
    }
}

public sealed class SqliteRetagStoreTests() : RetagStoreContract(Store.Sqlite);

public sealed class PostgresRetagStoreTests() : RetagStoreContract(Store.Postgres);
