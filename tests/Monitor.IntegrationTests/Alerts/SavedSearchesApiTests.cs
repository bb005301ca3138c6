using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Monitor.Contracts;
using Monitor.Data.Statements;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// Saved searches through the API of a running dashboard: per user (another user's id is 404 like a missing one),
/// checked like GET /api/statements, followed as Atom by a feed reader with only the token, and turned into the draft
/// of an alert subscription; and the Atom feeds per topic and per source.
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class SavedSearchesApiTests(AlertsDashboard dashboard)
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task A_saved_search_is_listed_renamed_and_deleted_by_its_owner_and_another_user_sees_none_of_it()
    {
        var alice = await dashboard.UserAsync("viewer");
        var bob = await dashboard.UserAsync("analyst");

        var created = await CreateAsync(alice.Http, "Sanctions on Russia", "?q=sanctions%20russia&topics=sanctions&topicMatch=any&sort=relevance&from=2026-01-01&to=2026-02-01");
        var id = created.GetProperty("id").GetInt64();

        Assert.Equal("q=sanctions%20russia&topics=sanctions&from=2026-01-01&to=2026-02-01&sort=relevance", created.GetProperty("query").GetString());
        Assert.Equal("/history.html?q=sanctions%20russia&topics=sanctions&from=2026-01-01&to=2026-01-31&sort=relevance", created.GetProperty("historyUrl").GetString());
        Assert.StartsWith(new Uri(dashboard.Process.BaseAddress, "/feeds/saved/").ToString(), created.GetProperty("feedUrl").GetString(), StringComparison.Ordinal);
        var listed = Assert.Single(await alice.Http.GetFromJsonAsync<JsonElement[]>("/api/saved-searches") ?? []);
        Assert.Equal(id, listed.GetProperty("id").GetInt64());
        Assert.False(listed.TryGetProperty("feedUrl", out _), "the feed URL is shown only when created or rotated");
        Assert.Empty(await bob.Http.GetFromJsonAsync<JsonElement[]>("/api/saved-searches") ?? []);

        foreach (var (method, path) in new[] { ("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/feed-token"), ("GET", "/alert-draft") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/saved-searches/{id}{path}");
            request.Content = method == "PUT" ? JsonContent.Create(new { name = "Bob's now" }) : null;
            using var answer = await bob.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }

        using (var renamed = await alice.Http.PutAsJsonAsync($"/api/saved-searches/{id}", new { name = "  Russia sanctions " }))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            var view = await renamed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Russia sanctions", view.GetProperty("name").GetString());
            Assert.Equal(created.GetProperty("query").GetString(), view.GetProperty("query").GetString());
        }

        using (var replaced = await alice.Http.PutAsJsonAsync($"/api/saved-searches/{id}", new { name = "Russia sanctions", query = "q=russia" }))
        {
            Assert.Equal("q=russia", (await replaced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("query").GetString());
        }

        Assert.Equal("Russia sanctions", (await alice.Http.GetFromJsonAsync<JsonElement>($"/api/saved-searches/{id}")).GetProperty("name").GetString());
        using var deleted = await alice.Http.DeleteAsync($"/api/saved-searches/{id}");
        using var again = await alice.Http.GetAsync($"/api/saved-searches/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var anonymous = await dashboard.Anonymous.GetAsync("/api/saved-searches");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData("""{"query":"q=nato"}""", 400, "Invalid name", "'name' must be 1 to 100 characters; got none")]
    [InlineData("""{"name":"   ","query":"q=nato"}""", 400, "Invalid name", "'name' must be 1 to 100 characters; got 0")]
    [InlineData("""{"name":"x"}""", 400, "Invalid query", "'query' is required")]
    [InlineData("""{"name":"x","query":"q=nato&limit=5"}""", 400, "Invalid query", "'query' has 'limit', which is not a filter of GET /api/statements")]
    [InlineData("""{"name":"x","query":"q=nato&q=eu"}""", 400, "Invalid query", "'query' has 'q' 2 times")]
    [InlineData("""{"name":"x","query":"topics=no-such-topic"}""", 400, "Invalid query", "Unknown topic 'no-such-topic'")]
    [InlineData("""{"name":"x","query":"q=(nato"}""", 400, "Invalid query", "'q' is not a valid query")]
    [InlineData("""{"name":"x","query":"sort=relevance"}""", 400, "Invalid query", "'sort=relevance' needs a text query in 'q'.")]
    [InlineData("""{"name":"x","query":"from=2026-02-01&to=2026-01-01"}""", 400, "Invalid query", "must be before 'to'")]
    [InlineData("""{"name":"x","query":"minScore=2"}""", 400, "Invalid query", "'minScore' must be a number from 0 to 1")]
    [InlineData("""{"name":"x","query":""", 400, "Invalid request", "")]
    public async Task A_bad_saved_search_is_a_problem_saying_what_is_wrong(string body, int status, string title, string detail)
    {
        var user = await dashboard.UserAsync("viewer");

        using var response = await user.Http.PostAsync("/api/saved-searches", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_name_a_taken_name_and_the_101st_saved_search_are_refused()
    {
        var user = await dashboard.UserAsync("viewer");
        await CreateAsync(user.Http, "first", "q=nato");

        using var tooLong = await user.Http.PostAsJsonAsync("/api/saved-searches", new { name = new string('n', 101), query = "" });
        using var taken = await user.Http.PostAsJsonAsync("/api/saved-searches", new { name = "first", query = "q=eu" });
        for (var i = 1; i < 100; i++)
        {
            await CreateAsync(user.Http, $"search {i}", "");
        }

        using var over = await user.Http.PostAsJsonAsync("/api/saved-searches", new { name = "one too many", query = "" });

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("got 101", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("already have a saved search named 'first'", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Contains("You have 100 saved searches", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(100, (await user.Http.GetFromJsonAsync<JsonElement[]>("/api/saved-searches") ?? []).Length);
    }

    [Fact]
    public async Task The_feed_of_a_saved_search_holds_its_matching_statements_as_valid_atom_until_the_token_is_rotated()
    {
        var user = await dashboard.UserAsync("viewer");
        var word = $"zq{Guid.NewGuid():N}"[..12];
        var source = await AddSourceAsync();
        var t0 = new DateTimeOffset(2021, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var matching = await StoreAsync(source, $"Allies discuss {word} & <air defence>", t0, "asia-pacific-partners");
        await StoreAsync(source, "Unrelated statement", t0.AddHours(1), "asia-pacific-partners");
        var created = await CreateAsync(user.Http, "Watch <word>", $"q={word}");
        var url = new Uri(created.GetProperty("feedUrl").GetString()!);

        using var response = await dashboard.Anonymous.GetAsync(url);
        var (feed, xml) = await LoadAsync(response);

        Assert.True(response.Headers.CacheControl?.NoStore, "a secret URL is not cached");
        Assert.Equal("Watch <word>", feed.Title.Text);
        var entry = Assert.Single(feed.Items);
        Assert.Equal($"urn:monitor:statement:{matching.StatementId}", entry.Id);
        Assert.Equal($"Allies discuss {word} & <air defence>", entry.Title.Text);
        Assert.Equal(new Uri($"https://example.org/{matching.ExternalId}"), entry.Links.Single(l => l.RelationshipType == "alternate").Uri);
        Assert.Equal(new Uri(dashboard.Process.BaseAddress, $"/statement.html?id={matching.StatementId}"), entry.Links.Single(l => l.RelationshipType == "related").Uri);
        Assert.Equal(["asia-pacific-partners"], entry.Categories.Select(c => c.Name));
        Assert.Equal(new Uri(dashboard.Process.BaseAddress, $"/history.html?q={word}"), feed.Links.Single(l => l.RelationshipType == "alternate").Uri);
        AssertRequiredAtomElements(xml, 1);

        // A feed reader's conditional GET: the same ETag is 304, with no body.
        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await dashboard.Anonymous.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(matching.StoredAt.ToUnixTimeSeconds(), response.Content.Headers.LastModified?.ToUnixTimeSeconds());

        using var rotate = await user.Http.PostAsync($"/api/saved-searches/{created.GetProperty("id").GetInt64()}/feed-token", null);
        var newUrl = new Uri((await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("feedUrl").GetString()!);
        using var old = await dashboard.Anonymous.GetAsync(url);
        using var fresh = await dashboard.Anonymous.GetAsync(newUrl);
        using var wrong = await dashboard.Anonymous.GetAsync(new Uri(newUrl, "x" + newUrl.Segments[^1]));
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        Assert.Equal("application/problem+json", old.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Single((await LoadAsync(fresh)).Feed.Items);
    }

    [Fact]
    public async Task The_feed_of_a_disabled_users_saved_search_is_404()
    {
        var user = await dashboard.UserAsync("viewer");
        var admin = await dashboard.UserAsync("admin");
        var url = new Uri((await CreateAsync(user.Http, "Soon gone", "q=nato")).GetProperty("feedUrl").GetString()!);

        using var before = await dashboard.Anonymous.GetAsync(url);
        using var disable = await admin.Http.PatchAsJsonAsync($"/api/admin/users/{user.Id}", new { disabled = true });
        using var after = await dashboard.Anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task The_topic_and_source_feeds_hold_their_newest_fifty_statements_as_valid_atom()
    {
        var source = await AddSourceAsync();
        var t0 = new DateTimeOffset(2020, 5, 1, 9, 0, 0, TimeSpan.Zero);
        var stored = new List<StatementStored>();
        for (var i = 0; i < 53; i++)
        {
            stored.Add(await StoreAsync(source, $"Statement {i} of {source}", t0.AddHours(i), "partners-at-risk"));
        }

        using var bySource = await dashboard.Anonymous.GetAsync($"/feeds/sources/{source}");
        var (sourceFeed, sourceXml) = await LoadAsync(bySource);
        using var byTopic = await dashboard.Anonymous.GetAsync("/feeds/topics/partners-at-risk");
        var (topicFeed, topicXml) = await LoadAsync(byTopic);

        Assert.Equal(Enumerable.Reverse(stored).Take(50).Select(s => $"urn:monitor:statement:{s.StatementId}"), sourceFeed.Items.Select(i => i.Id));
        Assert.All(sourceFeed.Items, i => Assert.Equal(source, Assert.Single(i.Authors).Name));
        AssertRequiredAtomElements(sourceXml, 50);
        Assert.Equal(50, topicFeed.Items.Count());
        Assert.All(topicFeed.Items, i => Assert.Contains("partners-at-risk", i.Categories.Select(c => c.Name)));
        Assert.Equal(topicFeed.Items.Select(i => i.PublishDate).OrderDescending(), topicFeed.Items.Select(i => i.PublishDate));
        Assert.Equal(new Uri(dashboard.Process.BaseAddress, "/topic.html?id=partners-at-risk"), topicFeed.Links.Single(l => l.RelationshipType == "alternate").Uri);
        AssertRequiredAtomElements(topicXml, 50);

        using var unknownTopic = await dashboard.Anonymous.GetAsync("/feeds/topics/no-such-topic");
        using var unknownSource = await dashboard.Anonymous.GetAsync("/feeds/sources/no-such-source");
        Assert.Equal(HttpStatusCode.NotFound, unknownTopic.StatusCode);
        Assert.Contains("There is no topic 'no-such-topic'", await unknownTopic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownSource.StatusCode);
        Assert.Equal("application/problem+json", unknownSource.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_saved_search_becomes_the_draft_of_an_alert_with_its_filters_and_one_with_dates_is_refused_naming_them()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var carried = await CreateAsync(analyst.Http, "Drones over the flank",
            "q=drones%20OR%20missiles&topics=deterrence-eastern-flank,collective-defence&topicMatch=all&minScore=0.4&sources=test-feed&types=speech,news&drift=true&sort=relevance");
        var refused = await CreateAsync(analyst.Http, "Finland in January", "q=nato&from=2026-01-01&to=2026-02-01&entity=finland&language=en");

        var draft = await analyst.Http.GetFromJsonAsync<JsonElement>($"/api/saved-searches/{carried.GetProperty("id").GetInt64()}/alert-draft");
        using var refusal = await analyst.Http.GetAsync($"/api/saved-searches/{refused.GetProperty("id").GetInt64()}/alert-draft");

        Assert.Equal("Drones over the flank", draft.GetProperty("name").GetString());
        Assert.Equal("statements", draft.GetProperty("kind").GetString());
        Assert.Equal(["deterrence-eastern-flank", "collective-defence"], draft.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("all", draft.GetProperty("topicMatch").GetString());
        Assert.Equal(["test-feed"], draft.GetProperty("sources").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["speech", "news"], draft.GetProperty("documentTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0.4, draft.GetProperty("minScore").GetDouble());
        Assert.Equal("drones OR missiles", draft.GetProperty("query").GetString());
        Assert.True(draft.GetProperty("driftOnly").GetBoolean());

        // The draft is a valid subscription as it stands.
        using var subscribed = await analyst.Http.PostAsJsonAsync("/api/subscriptions", draft);
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var subscription = await subscribed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("drones OR missiles", subscription.GetProperty("query").GetString());
        Assert.Equal(["deterrence-eastern-flank", "collective-defence"], subscription.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        using (await analyst.Http.DeleteAsync($"/api/subscriptions/{subscription.GetProperty("id").GetInt64()}"))
        {
        }

        Assert.Equal(HttpStatusCode.BadRequest, refusal.StatusCode);
        var problem = await refusal.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Cannot become an alert", problem.GetProperty("title").GetString());
        Assert.Contains("cannot carry 'from', 'to', 'language', 'entity' of this saved search", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_search_of_the_owners_unread_statements_feeds_what_its_owner_has_not_read_and_cannot_become_an_alert()
    {
        var owner = await dashboard.UserAsync("analyst");
        var other = await dashboard.UserAsync("analyst");
        var word = $"zq{Guid.NewGuid():N}"[..12];
        var source = await AddSourceAsync();
        var t0 = new DateTimeOffset(2021, 4, 1, 9, 0, 0, TimeSpan.Zero);
        var read = await StoreAsync(source, $"First on {word}", t0, "asia-pacific-partners");
        var unread = await StoreAsync(source, $"Second on {word}", t0.AddHours(1), "asia-pacific-partners");
        using (var marked = await owner.Http.PutAsync($"/api/marks/{read.StatementId}/read", null))
        {
            Assert.True(marked.IsSuccessStatusCode, $"{(int)marked.StatusCode}");
        }

        // Another user's marks do not count: they read the second one.
        using (var marked = await other.Http.PutAsync($"/api/marks/{unread.StatementId}/read", null))
        {
            Assert.True(marked.IsSuccessStatusCode, $"{(int)marked.StatusCode}");
        }

        var created = await CreateAsync(owner.Http, "My unread", $"q={word}&unread=true&starred=false");
        Assert.Equal($"q={word}&unread=true", created.GetProperty("query").GetString());
        using var response = await dashboard.Anonymous.GetAsync(new Uri(created.GetProperty("feedUrl").GetString()!));
        var entry = Assert.Single((await LoadAsync(response)).Feed.Items);
        Assert.Equal($"urn:monitor:statement:{unread.StatementId}", entry.Id);

        using var refusal = await owner.Http.GetAsync($"/api/saved-searches/{created.GetProperty("id").GetInt64()}/alert-draft");
        Assert.Equal(HttpStatusCode.BadRequest, refusal.StatusCode);
        Assert.Contains("'unread'", (await refusal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>RFC 4287's required elements, read without an Atom library: the feed's id, title, updated and author, each entry's id, title and updated.</summary>
    private static void AssertRequiredAtomElements(XDocument xml, int entries)
    {
        var feed = xml.Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        foreach (var name in new[] { "id", "title", "updated" })
        {
            Assert.False(string.IsNullOrWhiteSpace(feed.Element(Atom + name)?.Value), $"feed has no {name}");
        }

        Assert.False(string.IsNullOrWhiteSpace(feed.Element(Atom + "author")?.Element(Atom + "name")?.Value), "feed has no author");
        Assert.NotNull(feed.Elements(Atom + "link").SingleOrDefault(l => (string?)l.Attribute("rel") == "alternate"));
        var items = feed.Elements(Atom + "entry").ToList();
        Assert.Equal(entries, items.Count);
        foreach (var entry in items)
        {
            foreach (var name in new[] { "id", "title", "updated" })
            {
                Assert.False(string.IsNullOrWhiteSpace(entry.Element(Atom + name)?.Value), $"entry has no {name}");
            }

            Assert.True(DateTimeOffset.TryParse(entry.Element(Atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
        }
    }

    private static async Task<JsonElement> CreateAsync(HttpClient http, string name, string query)
    {
        using var response = await http.PostAsJsonAsync("/api/saved-searches", new { name, query });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A source of its own, on a documentation address (its polls fail), whose statements the test writes.</summary>
    private async Task<string> AddSourceAsync()
    {
        var admin = await dashboard.UserAsync("admin");
        var id = $"saved-{Guid.NewGuid():N}"[..20];
        using var added = await admin.Http.PostAsJsonAsync("/api/admin/sources", new { id, url = "https://203.0.113.30/feed.xml" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return id;
    }

    /// <summary>A statement as Persistence stores it, dated in the past so it is never the newest of the shared dashboard.</summary>
    private async Task<StatementStored> StoreAsync(string source, string title, DateTimeOffset published, string topic)
    {
        var externalId = Guid.NewGuid().ToString("N");
        var stored = await new StatementStore(dashboard.Database).StoreAsync(new StatementTagged(
            new StatementDiscovered(source, externalId, $"https://example.org/{externalId}", title, "A summary.", "A body.", published, "en", externalId, published),
            [new TopicScore(topic, 0.8, [])], "baseline-v1", published), DateTimeOffset.UtcNow);
        return stored!;
    }

    private static async Task<(SyndicationFeed Feed, XDocument Xml)> LoadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        var text = await response.Content.ReadAsStringAsync();
        using var reader = XmlReader.Create(new StringReader(text));
        var atom = new Atom10FeedFormatter();
        Assert.True(atom.CanRead(reader), "The body is not an Atom 1.0 feed.");
        atom.ReadFrom(reader);
        return (atom.Feed, XDocument.Parse(text));
    }
}
