using System.Net;
using System.Net.Http.Json;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// A subscription's Atom feed read as a feed reader reads it: a plain GET with no credentials but the token in the URL,
/// parsed by an Atom reader (System.ServiceModel.Syndication).
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class AtomFeedTests(AlertsDashboard dashboard)
{
    [Fact]
    public async Task The_feed_holds_one_entry_per_alert_of_its_subscription_newest_first()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Eastern flank <watch>", enabled = false });
        var other = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Other", enabled = false });
        var id = created.GetProperty("id").GetInt64();
        var t0 = new DateTimeOffset(2026, 11, 28, 9, 30, 0, TimeSpan.Zero);
        var first = await dashboard.InsertAlertAsync(id, analyst.Id, "Allies reinforce the eastern flank", t0, statementId: 11,
            url: "https://www.nato.int/cps/en/natohq/news_11.htm", topics: ["deterrence-eastern-flank", "collective-defence"]);
        var second = await dashboard.InsertAlertAsync(id, analyst.Id, "Parliament & NATO: <b>air defence</b>", t0.AddHours(2), statementId: 12,
            url: "https://www.europarl.europa.eu/news/en/press-room/12", topics: ["air-defence"]);
        await dashboard.InsertAlertAsync(other.GetProperty("id").GetInt64(), analyst.Id, "Not in this feed", t0.AddHours(3));

        using var response = await dashboard.Anonymous.GetAsync(new Uri(created.GetProperty("feedUrl").GetString()!));
        var feed = await LoadAsync(response);

        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal("Eastern flank <watch>", feed.Title.Text);
        Assert.Equal([$"urn:monitor:alert:{second}", $"urn:monitor:alert:{first}"], feed.Items.Select(i => i.Id));
        var entry = feed.Items.Last();
        Assert.Equal("Allies reinforce the eastern flank", entry.Title.Text);
        Assert.Equal(t0, entry.LastUpdatedTime);
        Assert.Equal(new Uri("https://www.nato.int/cps/en/natohq/news_11.htm"), entry.Links.Single(l => l.RelationshipType == "alternate").Uri);
        Assert.Equal(new Uri(dashboard.Process.BaseAddress, "/statement.html?id=11"), entry.Links.Single(l => l.RelationshipType == "related").Uri);
        Assert.Contains("deterrence-eastern-flank, collective-defence", entry.Summary.Text, StringComparison.Ordinal);
        Assert.Equal(["deterrence-eastern-flank", "collective-defence"], entry.Categories.Select(c => c.Name));
        Assert.Equal("Parliament & NATO: <b>air defence</b>", feed.Items.First().Title.Text);
        Assert.Equal(t0.AddHours(2), feed.LastUpdatedTime);
    }

    [Fact]
    public async Task An_event_alert_links_to_this_dashboards_event_page()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Both spoke", kind = "event", topics = new[] { "sanctions" }, enabled = false });
        var id = created.GetProperty("id").GetInt64();
        // As the Alerts worker raises it without Alerts:DashboardUrl: the event page as a path.
        var raised = await new Monitor.Data.Alerts.AlertStore(dashboard.Database).RaiseAsync(new Monitor.Data.Alerts.AlertRecord
        {
            SubscriptionId = id, UserId = analyst.Id, Kind = Monitor.Core.Alerts.AlertKinds.Event, Title = "NATO and the EP on: Allies agree new sanctions",
            Url = "/event.html?id=5", MatchedTopics = ["sanctions"], Detail = """{"eventId":5,"institutions":["NATO","EP"],"members":2}""",
            TriggeredAt = DateTimeOffset.UtcNow,
        }, Monitor.Data.Alerts.AlertStore.EventKey(5), new Monitor.Data.Alerts.AlertPlan { SubscriptionName = "Both spoke", Notify = false });

        using var response = await dashboard.Anonymous.GetAsync(new Uri(created.GetProperty("feedUrl").GetString()!));
        var entry = Assert.Single((await LoadAsync(response)).Items);

        Assert.Equal($"urn:monitor:alert:{raised!.Alert.Id}", entry.Id);
        Assert.Equal("NATO and the EP on: Allies agree new sanctions", entry.Title.Text);
        var link = Assert.Single(entry.Links);
        Assert.Equal(("alternate", "The event", new Uri(dashboard.Process.BaseAddress, "/event.html?id=5")), (link.RelationshipType, link.Title, link.Uri));
        Assert.Equal("NATO and the European Parliament have both spoken on this event. Matched topics: sanctions.", entry.Summary.Text);
    }

    [Fact]
    public async Task The_feed_keeps_the_last_fifty_alerts()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Busy", enabled = false });
        var id = created.GetProperty("id").GetInt64();
        var ids = new List<long>();
        for (var i = 0; i < 53; i++)
        {
            ids.Add(await dashboard.InsertAlertAsync(id, analyst.Id, $"alert {i}", DateTimeOffset.UtcNow.AddMinutes(i - 60)));
        }

        using var response = await dashboard.Anonymous.GetAsync(new Uri(created.GetProperty("feedUrl").GetString()!));
        var feed = await LoadAsync(response);

        Assert.Equal(Enumerable.Reverse(ids).Take(50).Select(a => $"urn:monitor:alert:{a}"), feed.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task A_wrong_token_is_404_and_a_rotated_token_retires_the_old_url()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Rotate me", enabled = false });
        var oldUrl = new Uri(created.GetProperty("feedUrl").GetString()!);
        await dashboard.InsertAlertAsync(created.GetProperty("id").GetInt64(), analyst.Id, "Still here", DateTimeOffset.UtcNow);

        using var before = await dashboard.Anonymous.GetAsync(oldUrl);
        using var wrong = await dashboard.Anonymous.GetAsync(new Uri(oldUrl, "x" + oldUrl.Segments[^1]));
        using var rotate = await analyst.Http.PostAsync($"/api/subscriptions/{created.GetProperty("id").GetInt64()}/feed-token", null);
        var newUrl = new Uri((await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("feedUrl").GetString()!);
        using var old = await dashboard.Anonymous.GetAsync(oldUrl);
        using var fresh = await dashboard.Anonymous.GetAsync(newUrl);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        Assert.NotEqual(oldUrl, newUrl);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        var feed = await LoadAsync(fresh);
        Assert.Equal("Still here", Assert.Single(feed.Items).Title.Text);
    }

    [Fact]
    public async Task The_feed_of_a_disabled_user_is_404()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var admin = await dashboard.UserAsync("admin");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Soon gone", enabled = false });
        var url = new Uri(created.GetProperty("feedUrl").GetString()!);

        using var before = await dashboard.Anonymous.GetAsync(url);
        using var disable = await admin.Http.PatchAsJsonAsync($"/api/admin/users/{analyst.Id}", new { disabled = true });
        using var after = await dashboard.Anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    private static async Task<SyndicationFeed> LoadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = XmlReader.Create(body, new XmlReaderSettings { Async = true });
        var atom = new Atom10FeedFormatter();
        Assert.True(atom.CanRead(reader), "The body is not an Atom 1.0 feed.");
        atom.ReadFrom(reader);
        return atom.Feed;
    }
}
