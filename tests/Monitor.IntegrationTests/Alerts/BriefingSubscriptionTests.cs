using System.Net;
using System.Net.Http.Json;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using Monitor.Core.Alerts;
using Monitor.Core.Briefing;
using Monitor.Data.Alerts;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// A weekly briefing subscription through the dashboard's API: the kind is taken, a statement filter on it is a 400
/// naming the field, and its weekly alert (as the Alerts worker raises it) reads back from the inbox with its counts
/// and Markdown and from the Atom feed with the Markdown as the entry's summary and the week's page as its link.
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class BriefingSubscriptionTests(AlertsDashboard dashboard)
{
    [Fact]
    public async Task A_briefing_subscription_is_taken_and_its_weekly_alert_reads_back_from_the_inbox_and_the_feed()
    {
        var analyst = await dashboard.UserAsync("analyst");
        using (var refused = await analyst.Http.PostAsJsonAsync("/api/subscriptions", new { name = "Weekly", kind = "briefing", query = "sanctions" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Invalid fields for a briefing", problem.GetProperty("title").GetString());
            Assert.Contains("'query'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Weekly", kind = "briefing", topics = new[] { "open-door-enlargement" }, enabled = false });
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal("briefing", created.GetProperty("kind").GetString());

        var (from, to) = (new DateTimeOffset(2023, 4, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2023, 4, 10, 0, 0, 0, TimeSpan.Zero));
        const string markdown = "# Russia's war on Ukraine: NATO response\n\nFrom 3 April 2023 to 10 April 2023.\n";
        var raised = await new AlertStore(dashboard.Database).RaiseAsync(new AlertRecord
        {
            SubscriptionId = id, UserId = analyst.Id, Kind = AlertKinds.Briefing, MatchedTopics = ["open-door-enlargement"],
            Title = "Briefing, 3 April 2023–9 April 2023: 1 NATO statement and 1 EP statement", Url = "/" + BriefingDigest.PagePath(from, to),
            Detail = BriefingDigest.Detail(from, to, [], markdown), TriggeredAt = new DateTimeOffset(2023, 4, 10, 6, 0, 0, TimeSpan.Zero),
        }, BriefingDigest.DedupeKey(from), new AlertPlan { SubscriptionName = "Weekly" });
        Assert.NotNull(raised);

        var inbox = await analyst.Http.GetFromJsonAsync<JsonElement>($"/api/alerts/{raised.Alert.Id}");
        Assert.Equal("briefing", inbox.GetProperty("kind").GetString());
        Assert.Equal(markdown, inbox.GetProperty("detail").GetProperty("markdown").GetString());

        using var response = await dashboard.Anonymous.GetAsync(new Uri(created.GetProperty("feedUrl").GetString()!));
        response.EnsureSuccessStatusCode();
        using var reader = XmlReader.Create(await response.Content.ReadAsStreamAsync());
        var entry = Assert.Single(SyndicationFeed.Load(reader).Items);
        Assert.Equal("Briefing, 3 April 2023–9 April 2023: 1 NATO statement and 1 EP statement", entry.Title.Text);
        Assert.Equal(markdown, entry.Summary.Text);
        Assert.Equal(new Uri(dashboard.Process.BaseAddress, "/briefing.html?from=2023-04-03&to=2023-04-09"),
            entry.Links.Single(l => l.RelationshipType == "alternate").Uri);
    }
}
