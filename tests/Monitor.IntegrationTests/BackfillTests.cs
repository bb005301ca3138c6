using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Monitor.FeedSimulator;
using Monitor.Testing;
using Simulator = Monitor.FeedSimulator.FeedSimulator;

namespace Monitor.IntegrationTests;

/// <summary>
/// Backfills through the embedded dashboard process (every worker in one process, SQLite), walking the feed
/// simulator's generated archive over real HTTP on 127.0.0.1: a backfill killed half-way resumes from its checkpoint
/// (SIGKILL, then a new process), overlaps live polling of the same source without a duplicate, pushes nothing into
/// the live stream, and leaves live statements of another source going first.
/// </summary>
public sealed class BackfillTests : IAsyncLifetime
{
    private const int NatoItems = 2_000;
    private const int PageSize = 20;
    private const int EpItems = 20_000;

    private readonly TempSqliteFile _sqlite = new();
    private Simulator _simulator = null!;
    private MonitorProcess _dashboard = null!;
    private SimulatedFeed _live = null!;

    public async Task InitializeAsync()
    {
        _simulator = await Simulator.StartAsync(new FeedSimulatorOptions
        {
            Archive = new ArchiveOptions { NatoItems = NatoItems, EpApiItems = EpItems, ThinkTankItems = 0, AtomItems = 0 },
        });
        _live = _simulator.AddFeed("live-news", FeedShape.Rss, initialItems: 0);
        var site = _simulator.BaseAddress;
        var environment = new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = $"Data Source={_sqlite.Path}",
            ["Ingestion__UseDefaultSources"] = "false",
            ["Ingestion__AllowedNetworks__0"] = "127.0.0.1/32",
            // The archive source is also polled live every second: its first page is walked by both.
            ["Ingestion__Sources__0__Id"] = "nato-archive",
            ["Ingestion__Sources__0__Url"] = new Uri(site, $"archive/nato/news/search.json?searchText=&sortBy=dateDesc&pageSize={PageSize}&page=1").ToString(),
            ["Ingestion__Sources__0__Adapter"] = "nato-json",
            ["Ingestion__Sources__0__PollIntervalSeconds"] = "1",
            ["Ingestion__Sources__1__Id"] = "ep-archive",
            ["Ingestion__Sources__1__Url"] = new Uri(site, "archive/ep/api/v2/adopted-texts/feed").ToString(),
            ["Ingestion__Sources__1__Adapter"] = "ep-api",
            ["Ingestion__Sources__1__PollIntervalSeconds"] = "3600",
            ["Ingestion__Sources__2__Id"] = "live-news",
            ["Ingestion__Sources__2__Url"] = _live.Url.ToString(),
            ["Ingestion__Sources__2__Adapter"] = "rss",
            ["Ingestion__Sources__2__PollIntervalSeconds"] = "1",
            ["Ingestion__RateLimitPermits"] = "1000000",
            ["Backfill__RequestsPerSecondPerHost"] = "25",
            ["Backfill__Lease"] = "00:00:03",
            ["Backfill__Tick"] = "00:00:00.500",
            ["Backfill__MaxPagesInFlight"] = "5",
            ["Tagging__Semantic__Enabled"] = "false",
        };
        _dashboard = MonitorProcess.Create(Topology.Dashboard, environment);
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        await _simulator.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_backfill_killed_half_way_resumes_from_its_checkpoint_overlapping_live_polling_without_duplicates_or_live_pushes()
    {
        await using var db = TestAccounts.Sqlite(_sqlite.Path);
        using var admin = await TestAccounts.AdminClientAsync(db, _dashboard.BaseAddress);
        await using var client = await LiveClient.ConnectAsync(_dashboard.BaseAddress);

        // Live polling has stored the first page already: those statements were news when they were seen.
        await WaitUntilAsync(async () => await CountAsync(db, "nato-archive") >= PageSize, TimeSpan.FromSeconds(60), "live polling of the first page");

        using var started = await admin.PostAsJsonAsync("/api/admin/backfills", new { sourceId = "nato-archive", since = "2022-01-01" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // A second start of the same source is refused while this one runs.
        using var again = await admin.PostAsJsonAsync("/api/admin/backfills", new { sourceId = "nato-archive", since = "2023-01-01" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var pagesAtKill = 0;
        await WaitUntilAsync(async () => (pagesAtKill = (await GetAsync(admin, id)).GetProperty("pages").GetInt32()) >= 30, TimeSpan.FromSeconds(60), "30 pages walked");
        await _dashboard.KillAsync();
        Assert.True(pagesAtKill < (NatoItems / PageSize) - 10, $"the kill came too late to prove anything ({pagesAtKill} pages)");

        await _dashboard.RestartAsync();
        JsonElement view = default;
        await WaitUntilAsync(async () => (view = await GetAsync(admin, id)).GetProperty("state").GetString() == "done", TimeSpan.FromSeconds(120), "the backfill done");

        // Every archive item stored exactly once, one revision each, with its original date.
        await WaitUntilAsync(async () => await CountAsync(db, "nato-archive") >= NatoItems, TimeSpan.FromSeconds(60), "every item stored");
        await using var connection = await db.OpenAsync();
        var (count, distinct, revisions) = connection.QuerySingle<(long, long, long)>(
            "SELECT COUNT(*), COUNT(DISTINCT external_id), MAX(current_revision) FROM statements WHERE source_id = 'nato-archive'");
        Assert.Equal(NatoItems, count);
        Assert.Equal(NatoItems, distinct);
        Assert.Equal(1, revisions);
        var oldest = DateTimeOffset.FromUnixTimeMilliseconds(connection.ExecuteScalar<long>("SELECT MIN(published_at) FROM statements WHERE source_id = 'nato-archive'"));
        // The archive's oldest item, dated in January 2022: Brussels midnight of its day (CET, UTC+1), as NATO's day-only dates read.
        var oldestDay = DateOnly.FromDateTime(_simulator.Archive.DateOf(NatoItems - 1, NatoItems).UtcDateTime);
        Assert.Equal(new DateTimeOffset(oldestDay.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(1)), oldest);
        Assert.Equal(2022, oldestDay.Year);
        Assert.Equal(NatoItems, view.GetProperty("itemsStored").GetInt64());
        Assert.InRange(view.GetProperty("itemsFound").GetInt64(), NatoItems, NatoItems + (5 * PageSize));

        // Resumed, not restarted: only the pages walked but not yet stored at the kill (at most 5) were asked for
        // twice; the first ten pages, stored long before, once.
        var walked = Enumerable.Range(2, (NatoItems / PageSize) - 1).Select(page => _simulator.Archive.Requests.Where(r =>
            r.Key.Contains("/archive/nato/news/", StringComparison.Ordinal) && r.Key.EndsWith($"&page={page}", StringComparison.Ordinal)).Sum(r => r.Value)).ToList();
        Assert.All(walked, n => Assert.InRange(n, 1, 2));
        Assert.InRange(walked.Count(n => n == 2), 0, 5);
        Assert.All(walked.Take(9), n => Assert.Equal(1, n));

        // Nothing backfilled reached the live stream: of this source, at most the first page live polling found.
        Assert.InRange(client.Statements.Count(s => s.Statement.SourceId == "nato-archive"), 0, PageSize);
    }

    [Fact]
    public async Task Live_statements_go_before_a_running_backfill()
    {
        await using var db = TestAccounts.Sqlite(_sqlite.Path);
        using var admin = await TestAccounts.AdminClientAsync(db, _dashboard.BaseAddress);
        await using var client = await LiveClient.ConnectAsync(_dashboard.BaseAddress);
        // Live polling's first look at the archive sources (the EP feed's newest 50, NATO's first page) is stored and
        // pushed before the backfill starts; the push follows the store, so the client waits for it too.
        await WaitUntilAsync(async () => await CountAsync(db, "ep-archive") >= 50, TimeSpan.FromSeconds(60), "live polling of the EP feed");
        await WaitUntilAsync(async () => await CountAsync(db, "nato-archive") >= PageSize, TimeSpan.FromSeconds(60), "live polling of the NATO feed");
        var polled = await CountAsync(db, "ep-archive") + await CountAsync(db, "nato-archive");
        await client.WaitForCountAsync((int)polled, TimeSpan.FromSeconds(30));
        var before = client.Statements.Count;
        var startedAt = DateTimeOffset.UtcNow;
        using var started = await admin.PostAsJsonAsync("/api/admin/backfills", new { sourceId = "ep-archive", since = "2022-01-01" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await WaitUntilAsync(async () => (await GetAsync(admin, id)).GetProperty("itemsPublished").GetInt64() >= 1_000, TimeSpan.FromSeconds(60), "1,000 items published");

        // Five live statements while thousands of backfilled ones wait: each reaches the client while the backfill
        // is still running, and the live stream carries nothing but them.
        _simulator.Publish(_live.Id, 5);
        await client.WaitForCountAsync(before + 5, TimeSpan.FromSeconds(30));
        var during = await GetAsync(admin, id);
        Assert.Equal("running", during.GetProperty("state").GetString());
        Assert.True(during.GetProperty("itemsStored").GetInt64() < EpItems, "the backfill had finished: nothing was shown");
        var pushedDuring = client.Statements.Skip(before).ToList();
        Assert.Equal(5, pushedDuring.Count(s => s.Statement.SourceId == "live-news"));
        Assert.All(pushedDuring, s => Assert.Equal("live-news", s.Statement.SourceId));

        // The live statements took the live path only: none was tagged and stored a second time as history.
        await using (var connection = await db.OpenAsync())
        {
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statements WHERE source_id = 'live-news' AND backfill_revision IS NOT NULL"));
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statements WHERE source_id = 'ep-archive' AND backfill_revision IS NULL AND first_seen_at > @Started",
                new { Started = startedAt.ToUnixTimeMilliseconds() }));
        }

        // Pause and cancel are honoured at the next checkpoint.
        using var paused = await admin.PostAsync($"/api/admin/backfills/{id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var pages = (await GetAsync(admin, id)).GetProperty("pages").GetInt32();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(pages, (await GetAsync(admin, id)).GetProperty("pages").GetInt32());
        using var cancelled = await admin.PostAsync($"/api/admin/backfills/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        using var resumed = await admin.PostAsync($"/api/admin/backfills/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, resumed.StatusCode);
    }

    [Fact]
    public async Task A_backfill_of_a_source_without_an_archive_is_refused_with_a_reason()
    {
        await using var db = TestAccounts.Sqlite(_sqlite.Path);
        using var admin = await TestAccounts.AdminClientAsync(db, _dashboard.BaseAddress);
        using var badDate = await admin.PostAsJsonAsync("/api/admin/backfills", new { sourceId = "nato-archive", since = "yesterday" });
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        using var unknown = await admin.PostAsJsonAsync("/api/admin/backfills", new { sourceId = "nope", since = "2022-01-01" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var rss = await admin.PostAsJsonAsync("/api/admin/backfills", new { sourceId = "live-news", since = "2022-01-01", until = "2021-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, rss.StatusCode);
    }

    private static async Task<JsonElement> GetAsync(HttpClient admin, long id) =>
        await admin.GetFromJsonAsync<JsonElement>(string.Create(CultureInfo.InvariantCulture, $"/api/admin/backfills/{id}"));

    private static async Task<long> CountAsync(Monitor.Data.Database db, string sourceId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statements WHERE source_id = @sourceId", new { sourceId });
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {within.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(200);
        }
    }
}
