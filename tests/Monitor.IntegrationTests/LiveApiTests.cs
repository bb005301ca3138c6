using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// GET /api/live/since, the live view's catch-up, through the dashboard's HTTP endpoint: oldest first by
/// (storedAt, statementId), keyset pages in X-Next-Cursor, items exactly as the hub pushed them, 400s for bad input.
/// </summary>
public abstract class LiveApiContract(DashboardApiFixture api)
{
    private HttpClient Http => api.Http;

    [Fact]
    public async Task Pages_from_the_beginning_cover_every_statement_once_oldest_stored_first()
    {
        var all = await api.WaitForStatementsAsync(5);
        var seen = new List<StatementStored>();
        var url = "/api/live/since?after=2000-01-01T00:00:00Z&limit=2";
        var pages = 0;
        while (true)
        {
            using var response = await Http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            var page = (await response.Content.ReadFromJsonAsync<List<StatementStored>>(Json.Options))!;
            Assert.InRange(page.Count, 1, 2);
            seen.AddRange(page);
            pages++;
            if (!response.Headers.TryGetValues("X-Next-Cursor", out var cursor))
            {
                break;
            }

            url = "/api/live/since?after=2000-01-01T00:00:00Z&limit=2&cursor=" + Uri.EscapeDataString(cursor.Single());
        }

        Assert.Equal(all.Select(s => (s.StatementId, s.Revision)).Order(), seen.Select(s => (s.StatementId, s.Revision)).Order());
        Assert.Equal((all.Count + 1) / 2, pages);
        Assert.Equal(seen.OrderBy(s => s.StoredAt).ThenBy(s => s.StatementId).Select(s => s.StatementId), seen.Select(s => s.StatementId));
        var sanctions = seen.First(s => s.ExternalId == "e-1");
        Assert.Contains(sanctions.Topics, t => t.TopicId == "sanctions" && t.Evidence.Count > 0);
        Assert.Equal("ep-test", sanctions.SourceId);
        Assert.False(string.IsNullOrEmpty(sanctions.DocumentType));

        // 'after' is inclusive: from the newest stored time exactly, the newest statement(s) only; a millisecond later, nothing.
        var newest = seen.Max(s => s.StoredAt);
        var fromNewest = await Since(newest);
        using var later = await Http.GetAsync("/api/live/since?after=" + Uri.EscapeDataString(newest.AddMilliseconds(1).ToString("O", CultureInfo.InvariantCulture)));
        Assert.Equal(seen.Where(s => s.StoredAt == newest).Select(s => s.StatementId), fromNewest.Select(s => s.StatementId));
        Assert.Empty((await later.Content.ReadFromJsonAsync<List<StatementStored>>(Json.Options))!);
        Assert.False(later.Headers.Contains("X-Next-Cursor"));
    }

    [Fact]
    public async Task A_client_catching_up_from_a_minute_before_its_newest_push_gets_that_push_again_in_the_same_shape()
    {
        await using var live = await LiveClient.ConnectAsync(api.Dashboard.BaseAddress);
        var guid = "live-" + Guid.NewGuid().ToString("N")[..8];
        api.NatoFeed.Add(new TestFeedItem(guid, "NATO on the annexation of Crimea", "Allies will never recognise Russia's illegal annexation of Crimea, which is Ukraine.", DateTimeOffset.UtcNow));

        var pushed = await live.WaitForStatementAsync(s => s.ExternalId == guid, TimeSpan.FromSeconds(30));
        var caughtUp = await Since(pushed.StoredAt.AddSeconds(-60));

        var again = Assert.Single(caughtUp, s => s.StatementId == pushed.StatementId && s.Revision == pushed.Revision);
        Assert.Equal(JsonSerializer.Serialize(Normalized(pushed), Json.Options), JsonSerializer.Serialize(Normalized(again), Json.Options));
        Assert.NotEmpty(again.Topics);
        Assert.Equal(caughtUp.OrderBy(s => s.StoredAt).ThenBy(s => s.StatementId).Select(s => s.StatementId), caughtUp.Select(s => s.StatementId));
    }

    [Theory]
    [InlineData("/api/live/since", "Invalid after", "'after' is required")]
    [InlineData("/api/live/since?after=", "Invalid after", "'after' is required")]
    [InlineData("/api/live/since?after=yesterday", "Invalid after", "'after' must be an ISO 8601 date-time")]
    [InlineData("/api/live/since?after=2026-01-01T00:00:00Z&limit=0", "Invalid limit", "from 1 to 500; got '0'")]
    [InlineData("/api/live/since?after=2026-01-01T00:00:00Z&limit=501", "Invalid limit", "got '501'")]
    [InlineData("/api/live/since?after=2026-01-01T00:00:00Z&limit=ten", "Invalid limit", "got 'ten'")]
    [InlineData("/api/live/since?after=2026-01-01T00:00:00Z&cursor=forged!", "Invalid cursor", "not one this API handed out")]
    [InlineData("/api/live/since?after=2026-01-01T00:00:00Z&cursor=ZDoxOjI", "Invalid cursor", "not one this API handed out")]
    public async Task A_bad_request_gets_a_400_problem_saying_what_is_wrong(string url, string title, string detail)
    {
        await Problems.AssertBadRequestAsync(Http, url, title, detail);
    }

    /// <summary>
    /// The pushed event carries the clock's full precision and the tagger's topic order; the database keeps
    /// milliseconds and reads topics by score. Everything else must be identical.
    /// </summary>
    private static StatementStored Normalized(StatementStored s) => s with
    {
        PublishedAt = s.PublishedAt is { } published ? Millis(published) : null,
        DiscoveredAt = Millis(s.DiscoveredAt),
        StoredAt = Millis(s.StoredAt),
        Topics = s.Topics.OrderByDescending(t => t.Score).ThenBy(t => t.TopicId, StringComparer.Ordinal).ToList(),
        Figures = s.Figures.OrderBy(f => f.FigureId, StringComparer.Ordinal).ThenBy(f => f.Field, StringComparer.Ordinal).ThenBy(f => f.Start).ToList(),
    };

    private static DateTimeOffset Millis(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    private async Task<List<StatementStored>> Since(DateTimeOffset after) =>
        (await Http.GetFromJsonAsync<List<StatementStored>>(
            "/api/live/since?limit=500&after=" + Uri.EscapeDataString(after.ToString("O", CultureInfo.InvariantCulture)), Json.Options))!;
}

[Collection(SqliteDashboardApiCollection.Name)]
public sealed class SqliteLiveApiTests(SqliteDashboardApi api) : LiveApiContract(api);

[Collection(PostgresDashboardApiCollection.Name)]
public sealed class PostgresLiveApiTests(PostgresDashboardApi api) : LiveApiContract(api);
