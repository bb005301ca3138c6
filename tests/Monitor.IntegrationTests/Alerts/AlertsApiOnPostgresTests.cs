using System.Net;
using System.Net.Http.Json;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>The alerts API end to end on a dashboard that stores in PostgreSQL: the same answers as on SQLite.</summary>
public sealed class AlertsApiOnPostgresTests(PostgresAlertsDashboard dashboard) : IClassFixture<PostgresAlertsDashboard>
{
    [Fact]
    public async Task Subscriptions_inbox_deliveries_and_feed_work_on_PostgreSQL_and_stay_the_owners()
    {
        var alice = await dashboard.UserAsync("analyst");
        var bob = await dashboard.UserAsync("analyst");
        var created = await AlertsDashboard.CreateSubscriptionAsync(alice.Http, new
        {
            name = "Flank", enabled = false, topics = new[] { "deterrence-eastern-flank" }, query = "air defence",
            quietHours = new { start = "22:00", end = "07:00" }, timeZone = "Europe/Brussels",
            channels = new { webhook = new { url = "https://203.0.113.10/hook" } },
        });
        var id = created.GetProperty("id").GetInt64();
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var a1 = await dashboard.InsertAlertAsync(id, alice.Id, "first", t0);
        var a2 = await dashboard.InsertAlertAsync(id, alice.Id, "second", t0.AddMinutes(1));
        var a3 = await dashboard.InsertAlertAsync(id, alice.Id, "third", t0.AddMinutes(2));
        var dead = await dashboard.InsertDeliveryAsync(id, "dead", [a1, a2]);

        var page = await alice.Http.GetFromJsonAsync<JsonElement[]>($"/api/alerts?limit=2&before={a3}") ?? [];
        using var read = await alice.Http.PostAsync($"/api/alerts/{a2}/read", null);
        var unread = await alice.Http.GetFromJsonAsync<JsonElement[]>("/api/alerts?unread=true") ?? [];
        var count = (await alice.Http.GetFromJsonAsync<JsonElement>("/api/alerts/unread-count")).GetProperty("count").GetInt64();
        using var bobReads = await bob.Http.GetAsync($"/api/alerts/{a1}");
        using var bobReplays = await bob.Http.PostAsync($"/api/deliveries/{dead}/replay", null);
        using var replay = await alice.Http.PostAsync($"/api/deliveries/{dead}/replay", null);
        var pending = await alice.Http.GetFromJsonAsync<JsonElement[]>($"/api/subscriptions/{id}/deliveries?state=pending") ?? [];
        using var feedResponse = await dashboard.Anonymous.GetAsync(new Uri(created.GetProperty("feedUrl").GetString()!));
        await using var body = await feedResponse.Content.ReadAsStreamAsync();
        using var reader = XmlReader.Create(body);
        var feed = SyndicationFeed.Load(reader);

        Assert.Equal("Europe/Brussels", created.GetProperty("timeZone").GetString());
        Assert.Equal([a2, a1], page.Select(a => a.GetProperty("id").GetInt64()));
        Assert.Equal("Flank", page[0].GetProperty("subscriptionName").GetString());
        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal([a3, a1], unread.Select(a => a.GetProperty("id").GetInt64()));
        Assert.Equal(2, count);
        Assert.Equal(HttpStatusCode.NotFound, bobReads.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bobReplays.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal([dead], pending.Select(d => d.GetProperty("id").GetInt64()));
        Assert.Equal([a1, a2], pending[0].GetProperty("alertIds").EnumerateArray().Select(a => a.GetInt64()));
        Assert.Equal(HttpStatusCode.OK, feedResponse.StatusCode);
        Assert.Equal("Flank", feed.Title.Text);
        Assert.Equal(new[] { a3, a2, a1 }.Select(a => $"urn:monitor:alert:{a}"), feed.Items.Select(i => i.Id));
    }
}
