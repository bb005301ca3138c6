using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// The EP press-release feeds in English, French and German (on 127.0.0.1) as three sources of the embedded dashboard,
/// polled and stored by its workers: <c>GET /api/statements/{id}</c> gives the English statement with its French and
/// German versions (language, title, url), and the press release only in French untagged, with the reason.
/// </summary>
public sealed class StatementLanguagesApiTests : IAsyncLifetime
{
    private EpLanguageFeeds _feeds = null!;
    private EmbeddedDashboard _embedded = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _feeds = await EpLanguageFeeds.StartAsync(localLinks: true);
        _embedded = await EmbeddedDashboard.StartAsync(configure: environment =>
        {
            var i = 1;
            foreach (var (id, feed) in new[] { ("ep-press-releases", "en"), ("ep-press-releases-fr", "fr"), ("ep-press-releases-de", "de") })
            {
                environment[$"Ingestion__Sources__{i}__Id"] = id;
                environment[$"Ingestion__Sources__{i}__Url"] = _feeds.FeedUrl(feed).ToString();
                environment[$"Ingestion__Sources__{i}__Adapter"] = "ep-rss";
                environment[$"Ingestion__Sources__{i}__PollIntervalSeconds"] = "1";
                i++;
            }
        });
        _http = new HttpClient { BaseAddress = _embedded.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _embedded.DisposeAsync();
        await _feeds.DisposeAsync();
    }

    [Fact]
    public async Task A_statement_gives_its_other_language_versions_and_one_only_in_french_says_why_it_is_untagged()
    {
        // Four press releases in all (two in English with their translations, one only in French, one untranslated in
        // the French feed), once the three feeds have been polled and the German version stored.
        var euChina = await WaitForAsync("20260716IPR46531", d => d.GetProperty("translations").GetArrayLength() == 2);
        var statements = (await _http.GetFromJsonAsync<List<StatementStored>>("/api/statements?limit=50", Json.Options))!;
        Assert.Equal(["20260716IPR46531", "20261202IPR50001", "20261203IPR50112", "20261204IPR50230"],
            statements.Select(s => s.ExternalId).Order(StringComparer.Ordinal));

        Assert.Equal("en", euChina.GetProperty("language").GetString());
        Assert.Equal("Press release - EU-China relations: Foreign Affairs Committee to visit Beijing", euChina.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, euChina.GetProperty("untaggedReason").ValueKind);
        var translations = euChina.GetProperty("translations").EnumerateArray()
            .Select(t => (t.GetProperty("language").GetString(), t.GetProperty("title").GetString(), t.GetProperty("url").GetString()))
            .ToList();
        Assert.Equal(
            [
                ("de", "Pressemitteilung - Beziehungen EU-China: Auswärtiger Ausschuss reist nach Peking", _feeds.FeedUrl("x").GetLeftPart(UriPartial.Authority) + "/news/de/press-room/20260716IPR46531/"),
                ("fr", "Communiqué de presse - Relations UE-Chine : la commission des affaires étrangères se rendra à Pékin", _feeds.FeedUrl("x").GetLeftPart(UriPartial.Authority) + "/news/fr/press-room/20260716IPR46531/"),
            ],
            translations);

        var moldova = await WaitForAsync("20261204IPR50230", _ => true);
        Assert.Equal("fr", moldova.GetProperty("language").GetString());
        Assert.Equal("no English version; Monitor tags English text only", moldova.GetProperty("untaggedReason").GetString());
        Assert.Equal(0, moldova.GetProperty("topics").GetArrayLength());
        Assert.Equal(0, moldova.GetProperty("translations").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_statement_is_a_404_problem()
    {
        using var response = await _http.GetAsync("/api/statements/987654321");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // The statement of that press release, once it is stored and the condition holds (the feeds are polled in any order).
    private async Task<JsonElement> WaitForAsync(string externalId, Func<JsonElement, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (true)
        {
            var statements = (await _http.GetFromJsonAsync<List<StatementStored>>("/api/statements?limit=50", Json.Options))!;
            if (statements.FirstOrDefault(s => s.ExternalId == externalId) is { } found)
            {
                using var detail = JsonDocument.Parse(await _http.GetStringAsync($"/api/statements/{found.StatementId}"));
                if (done(detail.RootElement))
                {
                    return detail.RootElement.Clone();
                }
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"{externalId} was not stored as expected within 90 s");
            await Task.Delay(250);
        }
    }
}
