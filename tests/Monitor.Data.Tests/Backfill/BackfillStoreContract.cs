using Dapper;
using Monitor.Contracts;
using Monitor.Data.Backfill;
using Monitor.Data.History;
using Monitor.Data.Sources;
using Monitor.Data.Statements;
using Monitor.Data.Tagging;

namespace Monitor.Data.Tests.Backfill;

/// <summary>Backfill jobs (claim, checkpoint, states, lease take-over) and backfilled statements (catch-up, refinement), on SQLite and PostgreSQL alike.</summary>
public abstract class BackfillStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly Uri Page1 = new("https://example.org/archive?page=1");

    [Fact]
    public async Task A_backfill_is_claimed_by_one_owner_checkpointed_page_by_page_and_done_when_the_walk_ends()
    {
        await AddSourceAsync("nato-news");
        var jobs = new BackfillStore(Database);
        var job = await jobs.StartAsync("nato-news", new DateOnly(2022, 1, 1), new DateOnly(2022, 12, 31), Page1, T0);
        Assert.NotNull(job);
        Assert.Null(await jobs.StartAsync("nato-news", new DateOnly(2023, 1, 1), new DateOnly(2023, 12, 31), Page1, T0));

        var claimed = await jobs.ClaimAsync("a", T0, Lease);
        Assert.Equal(job!.Id, claimed!.Id);
        Assert.Null(await jobs.ClaimAsync("b", T0.AddSeconds(1), Lease));

        var state = await jobs.CheckpointAsync(job.Id, "a", new BackfillProgress("https://example.org/archive?page=2", 15, 12, 800, T0.AddYears(-4)), 1, T0.AddSeconds(2), Lease);
        Assert.Equal(BackfillStates.Running, state);
        Assert.Null(await jobs.CheckpointAsync(job.Id, "b", new BackfillProgress(null, 1, 1, 1, null), 1, T0.AddSeconds(2), Lease));

        // The owner dies: its lease runs out and another process takes over from the checkpoint.
        var takenOver = await jobs.ClaimAsync("b", T0.AddSeconds(40), Lease);
        Assert.Equal(("https://example.org/archive?page=2", 1, 15L, 12L, 800L), (takenOver!.NextUrl, takenOver.Pages, takenOver.ItemsFound, takenOver.ItemsPublished, takenOver.RunMs));
        Assert.Null(await jobs.CheckpointAsync(job.Id, "a", new BackfillProgress(null, 1, 1, 1, null), 1, T0.AddSeconds(41), Lease));

        Assert.Equal(BackfillStates.Done, await jobs.CheckpointAsync(job.Id, "b", new BackfillProgress(null, 3, 3, 100, T0.AddYears(-5)), 1, T0.AddSeconds(42), Lease));
        var done = await jobs.GetAsync(job.Id);
        Assert.Equal((BackfillStates.Done, 2, 18L, (long?)T0.AddYears(-5).ToUnixTimeMilliseconds()), (done!.State, done.Pages, done.ItemsFound, done.ReachedAt?.ToUnixTimeMilliseconds()));
        Assert.NotNull(await jobs.StartAsync("nato-news", new DateOnly(2023, 1, 1), new DateOnly(2023, 12, 31), Page1, T0));
    }

    [Fact]
    public async Task Pause_resume_and_cancel_move_only_from_their_states_and_a_paused_backfill_is_not_claimed()
    {
        await AddSourceAsync("ep-api");
        var jobs = new BackfillStore(Database);
        var job = (await jobs.StartAsync("ep-api", new DateOnly(2022, 1, 1), new DateOnly(2026, 1, 1), Page1, T0))!;
        Assert.True(await jobs.SetStateAsync(job.Id, [BackfillStates.Running], BackfillStates.Paused, T0));
        Assert.Null(await jobs.ClaimAsync("a", T0, Lease));
        Assert.False(await jobs.SetStateAsync(job.Id, [BackfillStates.Running], BackfillStates.Paused, T0));
        Assert.True(await jobs.SetStateAsync(job.Id, [BackfillStates.Paused, BackfillStates.Failed], BackfillStates.Running, T0));
        var claimed = await jobs.ClaimAsync("a", T0, Lease);
        Assert.NotNull(claimed);

        // Paused while a page is in hand: the checkpoint records the page and tells the walker to stop.
        Assert.True(await jobs.SetStateAsync(job.Id, [BackfillStates.Running], BackfillStates.Paused, T0));
        Assert.Equal(BackfillStates.Paused, await jobs.CheckpointAsync(job.Id, "a", new BackfillProgress("https://example.org/archive?page=2", 5, 5, 10, null), 1, T0, Lease));
        Assert.True(await jobs.SetStateAsync(job.Id, [BackfillStates.Running, BackfillStates.Paused, BackfillStates.Failed], BackfillStates.Cancelled, T0));
        Assert.False(await jobs.SetStateAsync(job.Id, [BackfillStates.Paused, BackfillStates.Failed], BackfillStates.Running, T0));

        // A failed page waits out its backoff; too many fail it for good.
        var second = (await jobs.StartAsync("ep-api", new DateOnly(2022, 1, 1), new DateOnly(2026, 1, 1), Page1, T0))!;
        Assert.Equal(second.Id, (await jobs.ClaimAsync("a", T0, Lease))!.Id);
        await jobs.RecordFailureAsync(second.Id, "a", "HTTP 429", 5, T0.AddMinutes(5), giveUp: false, T0);
        Assert.Null(await jobs.ClaimAsync("a", T0.AddMinutes(1), Lease));
        Assert.NotNull(await jobs.ClaimAsync("a", T0.AddMinutes(6), Lease));
        await jobs.RecordFailureAsync(second.Id, "a", "HTTP 500", 5, T0.AddMinutes(7), giveUp: true, T0);
        Assert.Equal((BackfillStates.Failed, 2, "HTTP 500"), ((await jobs.GetAsync(second.Id))!.State, (await jobs.GetAsync(second.Id))!.Failures, (await jobs.GetAsync(second.Id))!.LastError));
    }

    [Fact]
    public async Task A_backfilled_statement_stays_out_of_the_live_catch_up_and_waits_for_refinement_by_the_live_tagger()
    {
        var statements = new StatementStore(Database);
        var jobs = new BackfillStore(Database);
        var live = await StoreAsync(statements, "live-1", backfill: false, "hybrid-v1");
        var old = await StoreAsync(statements, "old-1", backfill: true, "rules-v1");
        Assert.Equal(new HashSet<string> { "live-1", "old-1" }, await jobs.StoredIdsAsync("nato-news", ["live-1", "old-1", "missing"]));

        var page = await new HistoryStore(Database).StoredSinceAsync(T0.AddMinutes(-1), 10, null);
        Assert.Equal([live.StatementId], page.Items.Select(s => s.StatementId));

        // Only the live statement's event went to the outbox: no subscription asked for history.
        await using (var connection = await Database.OpenAsync())
        {
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        }

        var retag = new RetagStore(Database);
        Assert.Equal(1L, await retag.CountBackfilledAsync("hybrid-v1"));
        var item = Assert.Single(await retag.NextBackfilledAsync("hybrid-v1", 10));
        Assert.Equal(old.StatementId, item.StatementId);
        await retag.RefineBackfilledAsync("hybrid-v1", item, [new TopicScore("sanctions", 0.8, [])], []);
        Assert.Empty(await retag.NextBackfilledAsync("hybrid-v1", 10));
        Assert.Equal(0L, await retag.CountBackfilledAsync("hybrid-v1"));
        await using var check = await Database.OpenAsync();
        Assert.Equal("hybrid-v1", await check.ExecuteScalarAsync<string>(
            "SELECT baseline_version FROM statement_topics WHERE statement_id = @Id", new { Id = old.StatementId }));
    }

    private async Task AddSourceAsync(string id) =>
        await new SourceAdminStore(Database).AddAsync(new SourceDefinition(id, id, "https://example.org/feed", "nato-json", 300), T0);

    private static async Task<StatementStored> StoreAsync(StatementStore statements, string externalId, bool backfill, string version)
    {
        var discovered = new StatementDiscovered("nato-news", externalId, $"https://example.org/{externalId}", $"Title {externalId}",
            "Summary", "Body", T0.AddYears(-3), "en", $"hash-{externalId}", T0) { Backfill = backfill };
        return (await statements.StoreAsync(new StatementTagged(discovered, [new TopicScore("sanctions", 0.5, [])], version, T0), T0))!;
    }
}

public sealed class SqliteBackfillStoreTests() : BackfillStoreContract(Store.Sqlite);

public sealed class PostgresBackfillStoreTests() : BackfillStoreContract(Store.Postgres);
