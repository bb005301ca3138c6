using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitor.Contracts;
using Monitor.Data.Statements;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// <c>/api/marks</c> and the history's triage filters with two users on the running dashboard: each user's read state,
/// stars, labels and notes are theirs alone (user A never sees or changes user B's), anonymous callers have none, and bad
/// input is a 400 ProblemDetails naming the problem.
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class TriageApiTests(AlertsDashboard dashboard)
{
    [Fact]
    public async Task Read_state_stars_labels_and_notes_are_per_user_and_neither_user_sees_or_changes_the_others()
    {
        var (source, ids) = await StatementsAsync(4);
        var alice = await dashboard.UserAsync("viewer");
        var bob = await dashboard.UserAsync("analyst");

        await OkAsync(await alice.Http.PutAsync($"/api/marks/{ids[0]}/read", null));
        await OkAsync(await alice.Http.PutAsync($"/api/marks/{ids[1]}/star", null));
        await OkAsync(await alice.Http.PutAsJsonAsync($"/api/marks/{ids[1]}/labels", new { labels = new[] { "Brief", "follow-up" } }));
        await OkAsync(await alice.Http.PutAsJsonAsync($"/api/marks/{ids[1]}/note", new { note = "Alice's note" }));
        // Bob's writes on the same statements touch Bob's marks only.
        await OkAsync(await bob.Http.DeleteAsync($"/api/marks/{ids[0]}/read"));
        await OkAsync(await bob.Http.DeleteAsync($"/api/marks/{ids[1]}/star"));
        await OkAsync(await bob.Http.PutAsJsonAsync($"/api/marks/{ids[1]}/labels", new { labels = Array.Empty<string>() }));
        await OkAsync(await bob.Http.PutAsJsonAsync($"/api/marks/{ids[1]}/note", new { note = "" }));
        await OkAsync(await bob.Http.PutAsync($"/api/marks/{ids[2]}/star", null));

        var aliceMarks = await ArrayAsync(alice.Http, $"/api/marks?ids={string.Join(',', ids)}");
        var bobMarks = await ArrayAsync(bob.Http, $"/api/marks?ids={string.Join(',', ids)}");
        Assert.Equal([ids[0], ids[1]], aliceMarks.Select(StatementId));
        Assert.NotEqual(JsonValueKind.Null, aliceMarks[0].GetProperty("readAt").ValueKind);
        Assert.Equal(["brief", "follow-up"], aliceMarks[1].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("Alice's note", aliceMarks[1].GetProperty("note").GetString());
        Assert.NotEqual(JsonValueKind.Null, aliceMarks[1].GetProperty("starredAt").ValueKind);
        Assert.Equal([ids[2]], bobMarks.Select(StatementId));
        var bobsView = await alice.Http.GetFromJsonAsync<JsonElement>($"/api/marks/{ids[2]}");
        Assert.Equal(JsonValueKind.Null, bobsView.GetProperty("starredAt").ValueKind);

        // The history filters are the caller's.
        Assert.Equal([ids[3], ids[2], ids[1]], await HistoryAsync(alice.Http, $"sources={source}&unread=true"));
        Assert.Equal([ids[3], ids[2], ids[1], ids[0]], await HistoryAsync(bob.Http, $"sources={source}&unread=true"));
        Assert.Equal([ids[1]], await HistoryAsync(alice.Http, $"sources={source}&starred=true"));
        Assert.Equal([ids[2]], await HistoryAsync(bob.Http, $"sources={source}&starred=true"));
        Assert.Equal([ids[1]], await HistoryAsync(alice.Http, $"sources={source}&label=brief"));
        Assert.Empty(await HistoryAsync(bob.Http, $"sources={source}&label=brief"));
        var labels = await ArrayAsync(alice.Http, "/api/marks/labels");
        Assert.Contains(labels, l => l.GetProperty("label").GetString() == "brief" && l.GetProperty("statements").GetInt64() == 1);
        Assert.DoesNotContain(await ArrayAsync(bob.Http, "/api/marks/labels"), l => l.GetProperty("label").GetString() == "brief");
    }

    [Fact]
    public async Task Mark_read_up_to_a_statement_reads_the_matching_statements_at_or_before_it_for_the_caller_only()
    {
        var (source, ids) = await StatementsAsync(5);
        var alice = await dashboard.UserAsync("viewer");
        var bob = await dashboard.UserAsync("viewer");

        using var response = await alice.Http.PostAsync($"/api/marks/read-up-to?sources={source}&statement={ids[2]}", null);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, result.GetProperty("marked").GetInt32());
        Assert.False(result.GetProperty("more").GetBoolean());
        Assert.Equal([ids[4], ids[3]], await HistoryAsync(alice.Http, $"sources={source}&unread=true"));
        Assert.Equal(5, (await HistoryAsync(bob.Http, $"sources={source}&unread=true")).Count);

        using var byTime = await alice.Http.PostAsync($"/api/marks/read-up-to?sources={source}&at={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}", null);
        Assert.Equal(2, (await byTime.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32());
        Assert.Empty(await HistoryAsync(alice.Http, $"sources={source}&unread=true"));
    }

    [Fact]
    public async Task Anonymous_callers_have_no_marks_and_cannot_filter_by_them()
    {
        var (_, ids) = await StatementsAsync(1);

        using var lookup = await dashboard.Anonymous.GetAsync($"/api/marks?ids={ids[0]}");
        using var write = await dashboard.Anonymous.PutAsync($"/api/marks/{ids[0]}/read", null);
        using var upTo = await dashboard.Anonymous.PostAsync($"/api/marks/read-up-to?statement={ids[0]}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, lookup.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, upTo.StatusCode);
        await SubscriptionsApiTests.AssertProblemAsync(await dashboard.Anonymous.GetAsync("/api/statements?unread=true"), "Invalid filter", "sign in to filter by them", "anonymous unread");
        await SubscriptionsApiTests.AssertProblemAsync(await dashboard.Anonymous.GetAsync("/api/statements?starred=true"), "Invalid filter", "sign in to filter by them", "anonymous starred");
        // Without the triage parameters, anonymous reading works as before.
        using var list = await dashboard.Anonymous.GetAsync("/api/statements?limit=1");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task The_api_document_lists_the_triage_filters_of_the_history_and_no_caller_parameter()
    {
        using var document = JsonDocument.Parse(await dashboard.Anonymous.GetStringAsync("/openapi/v1.json"));

        var parameters = document.RootElement.GetProperty("paths").GetProperty("/api/statements").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("unread", parameters);
        Assert.Contains("starred", parameters);
        Assert.Contains("label", parameters);
        Assert.DoesNotContain(parameters, p => string.Equals(p, "User", StringComparison.OrdinalIgnoreCase));
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/api/marks/read-up-to", out _));
    }

    [Theory]
    [InlineData("GET", "/api/marks?ids=1,x", null, "Invalid ids", "got 'x'")]
    [InlineData("GET", "/api/marks", null, "Invalid ids", "'ids' is required")]
    [InlineData("GET", "/api/statements?unread=yes", null, "Invalid filter", "'unread' must be 'true' or 'false'; got 'yes'")]
    [InlineData("GET", "/api/statements?starred=1", null, "Invalid filter", "'starred' must be 'true' or 'false'; got '1'")]
    [InlineData("GET", "/api/statements?label=-x", null, "Invalid filter", "A label is 1 to 32 letters")]
    [InlineData("PUT", "/api/marks/{id}/labels", """{"labels":["a","b","c","d","e","f","g","h","i","j","k"]}""", "Invalid labels", "at most 10 labels; got 11")]
    [InlineData("PUT", "/api/marks/{id}/labels", """{"labels":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}""", "Invalid labels", "A label is 1 to 32 letters")]
    [InlineData("PUT", "/api/marks/{id}/labels", """{"labels":"brief"}""", "Invalid body", "The body is not the expected JSON")]
    [InlineData("PUT", "/api/marks/{id}/labels", """{}""", "Invalid labels", "The body must be")]
    [InlineData("PUT", "/api/marks/{id}/note", "NOTE", "Invalid note", "A note has at most 2000 characters; got 2001")]
    [InlineData("PUT", "/api/marks/{id}/note", "{not json", "Invalid body", "The body is not the expected JSON")]
    [InlineData("POST", "/api/marks/read-up-to", null, "Invalid point", "Give exactly one of 'statement'")]
    [InlineData("POST", "/api/marks/read-up-to?at=yesterday", null, "Invalid at", "got 'yesterday'")]
    [InlineData("POST", "/api/marks/read-up-to?statement=1&topics=no-such-topic", null, "Invalid filter", "Unknown topic 'no-such-topic'")]
    public async Task Bad_input_is_a_400_saying_what_is_wrong_and_changes_nothing(string method, string url, string? body, string title, string detail)
    {
        var (_, ids) = await StatementsAsync(1);
        var user = await dashboard.UserAsync("viewer");
        using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{id}", ids[0].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (body is not null)
        {
            var json = body == "NOTE" ? JsonSerializer.Serialize(new { note = new string('n', 2001) }) : body;
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        await SubscriptionsApiTests.AssertProblemAsync(await user.Http.SendAsync(request), title, detail, $"{method} {url}");
        Assert.Empty(await ArrayAsync(user.Http, $"/api/marks?ids={ids[0]}"));
    }

    [Fact]
    public async Task A_missing_statement_is_a_404()
    {
        var user = await dashboard.UserAsync("viewer");

        using var read = await user.Http.PutAsync("/api/marks/987654321/read", null);
        using var labels = await user.Http.PutAsJsonAsync("/api/marks/987654321/labels", new { labels = new[] { "x" } });
        using var upTo = await user.Http.PostAsync("/api/marks/read-up-to?statement=987654321", null);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, labels.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, upTo.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Statements of a source of their own (so a test's history filter sees only them), an hour apart, oldest first.</summary>
    private async Task<(string Source, long[] Ids)> StatementsAsync(int count)
    {
        var source = $"triage-{Guid.NewGuid():N}"[..20];
        var store = new StatementStore(dashboard.Database);
        var start = DateTimeOffset.UtcNow.AddHours(-count - 1);
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var at = start.AddHours(i);
            var tagged = new StatementTagged(
                new StatementDiscovered(source, $"item-{i}", $"https://example.org/{source}/{i}", $"Statement {i}", "Summary", "Body", at, "en", $"hash-{source}-{i}", at)
                    { DocumentType = DocumentTypes.News },
                [], "baseline-v1", at);
            ids.Add((await store.StoreAsync(tagged, at) ?? throw new InvalidOperationException("not stored")).StatementId);
        }

        return (source, [.. ids]);
    }

    private static async Task OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<List<long>> HistoryAsync(HttpClient http, string query) =>
        (await ArrayAsync(http, $"/api/statements?{query}")).Select(s => s.GetProperty("statementId").GetInt64()).ToList();

    private async Task<List<JsonElement>> ArrayAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}\n{(response.StatusCode == HttpStatusCode.InternalServerError ? dashboard.Process.Output[^Math.Min(4000, dashboard.Process.Output.Length)..] : "")}");
        return JsonSerializer.Deserialize<List<JsonElement>>(text) ?? [];
    }

    private static long StatementId(JsonElement mark) => mark.GetProperty("statementId").GetInt64();
}
