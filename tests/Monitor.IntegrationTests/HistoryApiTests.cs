using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// The history API through the dashboard's HTTP endpoints (embedded default, SQLite): filters, keyset paging, one
/// statement in full, exports, the OpenAPI document, and a 400 ProblemDetails for every kind of bad request.
/// </summary>
public sealed class HistoryApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private EmbeddedDashboard _embedded = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _embedded = await EmbeddedDashboard.StartAsync(feed => feed.Add(
            new TestFeedItem("h-1", "Allies agree air defence package for Ukraine", "Allies will deliver air defence systems to Ukraine.", Now.AddHours(-3)),
            new TestFeedItem("h-2", "Parliament calls for tougher sanctions on Russia", "Members demand new sanctions against Russia.", Now.AddHours(-2)),
            new TestFeedItem("h-3", "Secretary General on Crimea", "Crimea is Ukraine; we will never recognise its illegal annexation.", Now.AddHours(-1))));
        _http = new HttpClient { BaseAddress = _embedded.BaseAddress };
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while ((await _http.GetFromJsonAsync<List<StatementStored>>("/api/statements?limit=10", Json.Options))!.Count < 3)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the three feed items were not stored within 60 s");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _embedded.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/statements?q=%22air%20defence", "Invalid filter", "no closing quote")]
    [InlineData("/api/statements?q=nato%20AND", "Invalid filter", "ends where a word was expected")]
    [InlineData("/api/statements?q=-sanctions", "Invalid filter", "only excludes words")]
    [InlineData("/api/statements?topics=sanctions,not-a-topic", "Invalid filter", "Unknown topic 'not-a-topic'")]
    [InlineData("/api/statements?from=2026-03-01&to=2026-02-01", "Invalid filter", "'from' (2026-03-01) must be before 'to' (2026-02-01)")]
    [InlineData("/api/statements?from=yesterday", "Invalid filter", "'from' must be an ISO 8601 date")]
    [InlineData("/api/statements?types=tweet", "Invalid filter", "Unknown document type 'tweet'")]
    [InlineData("/api/statements?minScore=2", "Invalid filter", "'minScore' must be a number from 0 to 1")]
    [InlineData("/api/statements?limit=0", "Invalid limit", "'limit' must be a whole number from 1 to 500; got '0'")]
    [InlineData("/api/statements?limit=100000", "Invalid limit", "'limit' must be a whole number from 1 to 500")]
    [InlineData("/api/statements?limit=ten", "Invalid limit", "got 'ten'")]
    [InlineData("/api/statements?cursor=forged!", "Invalid cursor", "not one this API handed out")]
    [InlineData("/api/statements?sort=relevance", "Invalid sort", "needs a text query")]
    [InlineData("/api/statements/export?format=xlsx", "Invalid format", "'format' must be 'csv' or 'ndjson'")]
    [InlineData("/api/statements/charts/topics?interval=month", "Invalid interval", "'interval' must be 'day' or 'week'")]
    [InlineData("/api/statements/first-mentions?topics=nope", "Invalid filter", "Unknown topic 'nope'")]
    [InlineData("/api/statements?entity=ukraine,crimea", "Invalid filter", "Unknown entity 'crimea'")]
    [InlineData("/api/statements/charts/topics?entity=Ukraine", "Invalid filter", "Unknown entity 'Ukraine'")]
    public async Task A_bad_request_gets_a_400_problem_saying_what_is_wrong(string url, string title, string detail)
    {
        await Problems.AssertBadRequestAsync(_http, url, title, detail);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_header_newest_first_and_the_total_is_counted_on_request()
    {
        var seen = new List<string>();
        var url = "/api/statements?limit=1&count=true";
        while (true)
        {
            using var response = await _http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            Assert.Equal("3", response.Headers.GetValues("X-Total-Count").Single());
            var page = (await response.Content.ReadFromJsonAsync<List<StatementStored>>(Json.Options))!;
            seen.AddRange(page.Select(s => s.ExternalId));
            if (!response.Headers.TryGetValues("X-Next-Cursor", out var cursor))
            {
                break;
            }

            url = "/api/statements?limit=1&count=true&cursor=" + Uri.EscapeDataString(cursor.Single());
        }

        Assert.Equal(["h-3", "h-2", "h-1"], seen);
    }

    [Fact]
    public async Task Full_text_and_topic_filters_narrow_the_list()
    {
        var phrase = await _http.GetFromJsonAsync<List<StatementStored>>("/api/statements?q=%22air%20defence%22", Json.Options);
        var either = await _http.GetFromJsonAsync<List<StatementStored>>("/api/statements?q=sanction*%20OR%20crimea&sort=relevance", Json.Options);
        var excluded = await _http.GetFromJsonAsync<List<StatementStored>>("/api/statements?q=ukraine%20-crimea", Json.Options);

        Assert.Equal(["h-1"], phrase!.Select(s => s.ExternalId));
        Assert.Equal(["h-2", "h-3"], either!.Select(s => s.ExternalId).Order());
        Assert.Equal(["h-1"], excluded!.Select(s => s.ExternalId));
    }

    [Fact]
    public async Task The_entity_filter_keeps_the_statements_naming_every_entity_given()
    {
        // Persistence found the entities when it stored the statements (docs/entities.md).
        Assert.Equal("h-3,h-1", await ExternalIds("/api/statements?entity=ukraine"));
        Assert.Equal("h-2", await ExternalIds("/api/statements?entity=russia"));
        Assert.Equal("", await ExternalIds("/api/statements?entity=ukraine,russia"));
        Assert.Equal("h-1", await ExternalIds("/api/statements?entity=ukraine&q=%22air%20defence%22"));
    }

    [Fact]
    public async Task One_statement_comes_in_full_and_an_unknown_id_is_a_404()
    {
        var list = await _http.GetFromJsonAsync<List<StatementStored>>("/api/statements?q=crimea", Json.Options);
        var id = Assert.Single(list!).StatementId;

        using var detail = JsonDocument.Parse(await _http.GetStringAsync($"/api/statements/{id}"));
        using var missing = await _http.GetAsync("/api/statements/987654321");

        Assert.Contains("illegal annexation", detail.RootElement.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, detail.RootElement.GetProperty("revisions").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Exports_stream_csv_and_ndjson_of_the_query()
    {
        using var csv = await _http.GetAsync("/api/statements/export?format=csv&q=ukraine");
        using var ndjson = await _http.GetAsync("/api/statements/export?format=ndjson");

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("statement_id,revision,source_id", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length); // header + h-3 + h-1
        var records = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<StatementStored>(line, Json.Options)!).ToList();
        Assert.Equal(["h-3", "h-2", "h-1"], records.Select(r => r.ExternalId));
    }

    [Fact]
    public async Task The_API_is_described_by_OpenAPI_and_browsable_at_api_docs()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json"));
        using var docs = await _http.GetAsync("/api/docs");

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/statements", out var list));
        Assert.Contains(list.GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "q");
        Assert.True(paths.TryGetProperty("/api/statements/{id}", out _));
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("openapi/v1.json", await docs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ExternalIds(string url) =>
        string.Join(',', (await _http.GetFromJsonAsync<List<StatementStored>>(url, Json.Options))!.Select(s => s.ExternalId));
}
