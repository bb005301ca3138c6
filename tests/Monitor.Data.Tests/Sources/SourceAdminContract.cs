using Monitor.Data;
using Monitor.Data.Migrations;
using Monitor.Data.Sources;
using Monitor.Testing;

namespace Monitor.Data.Tests.Sources;

/// <summary>
/// Managed sources on both databases: seeding puts a configured source in once, so a removal or a pause survives
/// restarts; the admin operations add, pause, resume and remove.
/// </summary>
public abstract class SourceAdminContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly SourceDefinition A = new("a", "A", "http://127.0.0.1/a.xml", "rss", 60);
    private static readonly SourceDefinition B = new("b", "B", "http://127.0.0.1/b.xml", "rss", 60);

    [Fact]
    public async Task A_seeded_source_the_user_removed_or_paused_stays_so_when_seeded_again()
    {
        var admin = new SourceAdminStore(Database);
        var sources = new SourceStore(Database);

        var first = await admin.SeedAsync([A, B], T0);
        Assert.True(await admin.RemoveAsync("a"));
        Assert.True(await admin.SetEnabledAsync("b", false, T0));
        var restart = await admin.SeedAsync([A, B with { Url = "http://127.0.0.1/b2.xml" }], T0.AddHours(1));
        var rows = await sources.ListAsync();

        Assert.Equal(["a", "b"], first.Added);
        Assert.Equal(["a"], restart.RemovedByUser);
        Assert.Equal(["b"], restart.Kept);
        Assert.Empty(restart.Added);
        var b = Assert.Single(rows);
        Assert.Equal("b", b.Id);
        Assert.False(b.Enabled);
        Assert.Equal("http://127.0.0.1/b2.xml", b.Url);
    }

    [Fact]
    public async Task A_new_default_is_seeded_at_the_next_start_beside_the_existing_ones()
    {
        var admin = new SourceAdminStore(Database);

        await admin.SeedAsync([A], T0);
        var next = await admin.SeedAsync([A, B], T0.AddHours(1));

        Assert.Equal(["b"], next.Added);
        Assert.Equal(["a"], next.Kept);
        Assert.Equal(["a", "b"], (await new SourceStore(Database).ListAsync()).Select(s => s.Id));
    }

    [Fact]
    public async Task Adding_an_existing_id_is_refused_and_changes_nothing()
    {
        var admin = new SourceAdminStore(Database);

        Assert.True(await admin.AddAsync(A, T0));
        Assert.False(await admin.AddAsync(A with { Url = "http://127.0.0.1/other.xml" }, T0));

        var row = Assert.Single(await new SourceStore(Database).ListAsync());
        Assert.Equal(A.Url, row.Url);
        Assert.True(row.Enabled);
    }

    [Fact]
    public async Task A_paused_source_is_never_claimed_and_a_resumed_one_is_due_at_once()
    {
        var admin = new SourceAdminStore(Database);
        var sources = new SourceStore(Database);
        await admin.AddAsync(A, T0);
        await sources.ClaimDueAsync(T0, 10, CancellationToken.None);

        Assert.True(await admin.SetEnabledAsync("a", false, T0.AddSeconds(1)));
        var whilePaused = await sources.ClaimDueAsync(T0.AddMinutes(5), 10, CancellationToken.None);
        Assert.True(await admin.SetEnabledAsync("a", true, T0.AddMinutes(6)));
        var resumed = await sources.ClaimDueAsync(T0.AddMinutes(6), 10, CancellationToken.None);

        Assert.Empty(whilePaused);
        Assert.Equal("a", Assert.Single(resumed).Id);
    }

    [Fact]
    public async Task Unknown_ids_are_reported_as_not_found()
    {
        var admin = new SourceAdminStore(Database);

        Assert.False(await admin.SetEnabledAsync("missing", false, T0));
        Assert.False(await admin.RemoveAsync("missing"));
    }
}

public sealed class SqliteSourceAdminTests() : SourceAdminContract(Store.Sqlite);

public sealed class PostgresSourceAdminTests() : SourceAdminContract(Store.Postgres);
