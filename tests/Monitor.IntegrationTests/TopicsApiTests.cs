using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// The topics view's endpoints (/api/topics/summary, /api/topics/{id}), the NATO-against-EP chart and the sources'
/// statement rates, through HTTP. Expected counts are worked out here from the statements the history API lists.
/// </summary>
public abstract class TopicsApiContract(DashboardApiFixture api)
{
    private static readonly string RepositoryRoot = MonitorProcess.RepositoryRoot;

    private HttpClient Http => api.Http;

    [Fact]
    public async Task The_summary_lists_every_topic_with_rolling_counts_and_thirty_zero_filled_days_ending_today()
    {
        var statements = await api.WaitForStatementsAsync(5);
        var todayBefore = DateOnly.FromDateTime(DateTime.UtcNow);
        var now = DateTimeOffset.UtcNow;
        using var summary = JsonDocument.Parse(await Http.GetStringAsync("/api/topics/summary"));
        var todayAfter = DateOnly.FromDateTime(DateTime.UtcNow);

        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "src/Monitor.Core/Tagging/topics.json")));
        var ids = file.RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        var topics = summary.RootElement.EnumerateArray().ToList();
        Assert.Equal(ids, topics.Select(t => t.GetProperty("id").GetString()));
        Assert.All(topics, t => Assert.False(string.IsNullOrEmpty(t.GetProperty("title").GetString())));
        foreach (var topic in topics)
        {
            var id = topic.GetProperty("id").GetString()!;
            var dates = statements.Where(s => s.Topics.Any(t => t.TopicId == id)).Select(s => s.PublishedAt!.Value).ToList();
            Assert.Equal(dates.Count(d => d >= now.AddDays(-1)), topic.GetProperty("last24h").GetInt64());
            Assert.Equal(dates.Count(d => d >= now.AddDays(-7)), topic.GetProperty("last7d").GetInt64());
            Assert.Equal(dates.Count(d => d >= now.AddDays(-30)), topic.GetProperty("last30d").GetInt64());
            var daily = topic.GetProperty("daily").EnumerateArray().ToList();
            Assert.Equal(30, daily.Count);
            var last = DateOnly.ParseExact(daily[^1].GetProperty("day").GetString()!, "yyyy-MM-dd");
            Assert.True(last == todayBefore || last == todayAfter, $"the last day is {last}, not today");
            Assert.Equal(last.AddDays(-29), DateOnly.ParseExact(daily[0].GetProperty("day").GetString()!, "yyyy-MM-dd"));
            Assert.Equal(dates.Count(d => DateOnly.FromDateTime(d.UtcDateTime) > last.AddDays(-30)), daily.Sum(d => d.GetProperty("count").GetInt64()));
        }

        // The feeds' sanctions statements: 2 h, 5 h, 20 d and 40 d old.
        var sanctions = topics.Single(t => t.GetProperty("id").GetString() == "sanctions");
        Assert.Equal(2, sanctions.GetProperty("last24h").GetInt64());
        Assert.Equal(3, sanctions.GetProperty("last30d").GetInt64());
    }

    [Fact]
    public async Task One_topic_has_its_scope_briefing_passages_and_figures_and_an_unknown_id_is_a_404()
    {
        var briefing = await File.ReadAllLinesAsync(Path.Combine(RepositoryRoot, "tests/Monitor.Core.Tests/Fixtures/baseline/briefing.txt"));
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "src/Monitor.Core/Tagging/topics.json")));
        var figureLines = file.RootElement.GetProperty("figures").EnumerateArray()
            .Select(f => (Id: f.GetProperty("id").GetString()!, Line: f.GetProperty("anchor").GetProperty("line").GetInt32())).ToList();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in file.RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("id").GetString()!))
        {
            using var topic = JsonDocument.Parse(await Http.GetStringAsync($"/api/topics/{id}"));
            var root = topic.RootElement;
            Assert.Equal(id, root.GetProperty("id").GetString());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("scope").GetString()));
            Assert.InRange(root.GetProperty("minScore").GetDouble(), 0.01, 0.99);
            var anchors = root.GetProperty("anchors").EnumerateArray().ToList();
            Assert.NotEmpty(anchors);
            foreach (var anchor in anchors)
            {
                // Each passage is quoted from its line of the briefing (whitespace and line ends aside).
                var line = anchor.GetProperty("line").GetInt32();
                Assert.Contains(anchor.GetProperty("text").GetString()!.Trim(), briefing[line - 1], StringComparison.Ordinal);
            }

            var figures = root.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();
            listed.UnionWith(figures);
            var anchorLines = anchors.Select(a => a.GetProperty("line").GetInt32()).ToHashSet();
            // A figure stated in one of the topic's passages is one of its figures.
            Assert.All(figureLines.Where(f => anchorLines.Contains(f.Line)), f => Assert.Contains(f.Id, figures));
        }

        Assert.Equal(figureLines.Select(f => f.Id).Order(), listed.Order());
        using var deterrence = JsonDocument.Parse(await Http.GetStringAsync("/api/topics/deterrence-eastern-flank"));
        var troops = deterrence.RootElement.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "troops-under-nato-command-east");
        Assert.Equal(40000m, troops.GetProperty("baseline").GetDecimal());
        Assert.Equal("troops under direct NATO command on the eastern flank", troops.GetProperty("label").GetString());
        Assert.Equal("troops under NATO command", troops.GetProperty("unit").GetString());
        using var sanctions = JsonDocument.Parse(await Http.GetStringAsync("/api/topics/sanctions"));
        Assert.Equal(0, sanctions.RootElement.GetProperty("figures").GetArrayLength());

        using var missing = await Http.GetAsync("/api/topics/not-a-topic");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not-a-topic", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_institution_chart_counts_NATO_and_EP_statements_per_topic_and_takes_the_history_filters()
    {
        var statements = await api.WaitForStatementsAsync(5);

        var weekly = (await Http.GetFromJsonAsync<List<InstitutionCount>>("/api/statements/charts/institutions?interval=week&topics=sanctions", Json.Options))!;
        var recent = (await Http.GetFromJsonAsync<List<InstitutionCount>>(
            "/api/statements/charts/institutions?topics=sanctions&sources=ep-test&from=" + Uri.EscapeDataString(DashboardApiFixture.Now.AddDays(-10).ToString("O", CultureInfo.InvariantCulture)), Json.Options))!;

        var tagged = statements.Where(s => s.Topics.Any(t => t.TopicId == "sanctions")).ToList();
        Assert.All(weekly, c => Assert.Equal("sanctions", c.TopicId));
        Assert.All(weekly, c => Assert.Equal(DayOfWeek.Monday, c.Start.UtcDateTime.DayOfWeek));
        Assert.Equal(tagged.Count(s => s.SourceId == "nato-test"), weekly.Where(c => c.Institution == "NATO").Sum(c => c.Count));
        Assert.Equal(tagged.Count(s => s.SourceId == "ep-test"), weekly.Where(c => c.Institution == "EP").Sum(c => c.Count));
        Assert.Equal(3, weekly.Where(c => c.Institution == "EP").Sum(c => c.Count));
        var e1 = Assert.Single(recent);
        Assert.Equal(("sanctions", "EP", 1L), (e1.TopicId, e1.Institution, e1.Count));
        Assert.Equal(DashboardApiFixture.EpItems[0].Published.UtcDateTime.Date, e1.Start.UtcDateTime);
    }

    [Theory]
    [InlineData("/api/statements/charts/institutions?interval=month", "Invalid interval", "'interval' must be 'day' or 'week'")]
    [InlineData("/api/statements/charts/institutions?topics=nope", "Invalid filter", "Unknown topic 'nope'")]
    [InlineData("/api/statements/charts/institutions?from=soon", "Invalid filter", "'from' must be an ISO 8601 date")]
    public async Task A_bad_chart_request_gets_a_400_problem(string url, string title, string detail)
    {
        await Problems.AssertBadRequestAsync(Http, url, title, detail);
    }

    [Fact]
    public async Task Sources_carry_their_statements_of_the_last_day_and_per_day_over_the_week()
    {
        var statements = await api.WaitForStatementsAsync(5);
        var now = DateTimeOffset.UtcNow;

        using var sources = JsonDocument.Parse(await Http.GetStringAsync("/api/sources"));

        foreach (var id in new[] { "nato-test", "ep-test" })
        {
            var source = sources.RootElement.EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
            var dates = statements.Where(s => s.SourceId == id).Select(s => s.PublishedAt!.Value).ToList();
            Assert.Equal(dates.Count(d => d >= now.AddDays(-1)), source.GetProperty("statementsLast24h").GetInt64());
            Assert.Equal(Math.Round(dates.Count(d => d >= now.AddDays(-7)) / 7.0, 1, MidpointRounding.AwayFromZero), source.GetProperty("statementsPerDay").GetDouble());
        }

        var ep = sources.RootElement.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "ep-test");
        Assert.Equal(1, ep.GetProperty("statementsLast24h").GetInt64());
        Assert.Equal(0.1, ep.GetProperty("statementsPerDay").GetDouble());
    }

    [Fact]
    public async Task The_new_endpoints_are_in_the_OpenAPI_document()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        foreach (var (path, operation) in new[]
        {
            ("/api/live/since", "LiveSince"), ("/api/topics/summary", "TopicSummary"), ("/api/topics/{id}", "GetTopic"),
            ("/api/statements/charts/institutions", "ChartInstitutions"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from the OpenAPI document");
            Assert.Equal(operation, item.GetProperty("get").GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(item.GetProperty("get").GetProperty("summary").GetString()));
        }
    }

    private sealed record InstitutionCount(string TopicId, string Institution, DateTimeOffset Start, long Count);
}

[Collection(SqliteDashboardApiCollection.Name)]
public sealed class SqliteTopicsApiTests(SqliteDashboardApi api) : TopicsApiContract(api);

[Collection(PostgresDashboardApiCollection.Name)]
public sealed class PostgresTopicsApiTests(PostgresDashboardApi api) : TopicsApiContract(api);
