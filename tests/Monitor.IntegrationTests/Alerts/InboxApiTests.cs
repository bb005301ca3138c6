using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Core.Alerts;

namespace Monitor.IntegrationTests.Alerts;

/// <summary><c>/api/alerts</c>: a user's inbox, newest first, unread filter, paging, count and read marks.</summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class InboxApiTests(AlertsDashboard dashboard)
{
    [Fact]
    public async Task The_inbox_lists_the_users_alerts_newest_first_pages_with_before_and_counts_unread()
    {
        var (user, subscription, ids) = await UserWithAlertsAsync(5);
        var other = await dashboard.UserAsync("analyst");
        var otherSubscription = (await AlertsDashboard.CreateSubscriptionAsync(other.Http, new { name = "other", enabled = false })).GetProperty("id").GetInt64();
        await dashboard.InsertAlertAsync(otherSubscription, other.Id, "not yours", DateTimeOffset.UtcNow);

        var all = await ListAsync(user.Http, "/api/alerts");
        var page1 = await ListAsync(user.Http, "/api/alerts?limit=2");
        var page2 = await ListAsync(user.Http, $"/api/alerts?limit=2&before={page1[^1].GetProperty("id").GetInt64()}");
        var page3 = await ListAsync(user.Http, $"/api/alerts?limit=2&before={page2[^1].GetProperty("id").GetInt64()}");
        var count = await user.Http.GetFromJsonAsync<JsonElement>("/api/alerts/unread-count");

        var newestFirst = Enumerable.Reverse(ids).ToList();
        Assert.Equal(newestFirst, all.Select(Id));
        Assert.Equal(newestFirst, page1.Concat(page2).Concat(page3).Select(Id));
        Assert.Equal(5, count.GetProperty("count").GetInt64());
        var first = all[^1];
        Assert.Equal(subscription, first.GetProperty("subscriptionId").GetInt64());
        Assert.Equal("Inbox", first.GetProperty("subscriptionName").GetString());
        Assert.Equal("statement", first.GetProperty("kind").GetString());
        Assert.Equal(7, first.GetProperty("statementId").GetInt64());
        Assert.Equal(1, first.GetProperty("revision").GetInt32());
        Assert.Equal("alert 0", first.GetProperty("title").GetString());
        Assert.Equal("https://www.nato.int/cps/en/natohq/news_1.htm", first.GetProperty("url").GetString());
        Assert.Equal("collective-defence", Assert.Single(first.GetProperty("matchedTopics").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("readAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("detail").ValueKind);
    }

    [Fact]
    public async Task Reading_one_and_reading_all_change_the_unread_filter_and_count()
    {
        var (user, _, ids) = await UserWithAlertsAsync(3);

        using var read = await user.Http.PostAsync($"/api/alerts/{ids[0]}/read", null);
        var unread = await ListAsync(user.Http, "/api/alerts?unread=true");
        var one = await user.Http.GetFromJsonAsync<JsonElement>($"/api/alerts/{ids[0]}");
        var countAfterOne = (await user.Http.GetFromJsonAsync<JsonElement>("/api/alerts/unread-count")).GetProperty("count").GetInt64();
        using var readAll = await user.Http.PostAsync("/api/alerts/read-all", null);
        var countAfterAll = (await user.Http.GetFromJsonAsync<JsonElement>("/api/alerts/unread-count")).GetProperty("count").GetInt64();

        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal([ids[2], ids[1]], unread.Select(Id));
        Assert.NotEqual(JsonValueKind.Null, one.GetProperty("readAt").ValueKind);
        Assert.Equal(2, countAfterOne);
        Assert.Equal(HttpStatusCode.NoContent, readAll.StatusCode);
        Assert.Equal(0, countAfterAll);
        Assert.Empty(await ListAsync(user.Http, "/api/alerts?unread=true"));
        Assert.Equal(3, (await ListAsync(user.Http, "/api/alerts")).Count);
    }

    [Fact]
    public async Task A_viewer_has_an_inbox_too()
    {
        var viewer = await dashboard.UserAsync("viewer");

        Assert.Empty(await ListAsync(viewer.Http, "/api/alerts"));
        Assert.Equal(0, (await viewer.Http.GetFromJsonAsync<JsonElement>("/api/alerts/unread-count")).GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("limit=0", "Invalid limit", "'limit' must be a whole number from 1 to 200; got '0'")]
    [InlineData("limit=201", "Invalid limit", "got '201'")]
    [InlineData("limit=ten", "Invalid limit", "got 'ten'")]
    [InlineData("before=-3", "Invalid before", "'before' must be an alert id (a positive whole number); got '-3'")]
    [InlineData("unread=yes", "Invalid unread", "'unread' must be 'true' or 'false'; got 'yes'")]
    public async Task A_bad_query_parameter_is_a_400_naming_it(string query, string title, string detail)
    {
        var viewer = await dashboard.UserAsync("viewer");

        await SubscriptionsApiTests.AssertProblemAsync(await viewer.Http.GetAsync($"/api/alerts?{query}"), title, detail, query);
    }

    private async Task<(AlertsUser User, long Subscription, List<long> Ids)> UserWithAlertsAsync(int count)
    {
        var user = await dashboard.UserAsync("analyst");
        var subscription = (await AlertsDashboard.CreateSubscriptionAsync(user.Http, new { name = "Inbox", enabled = false })).GetProperty("id").GetInt64();
        var ids = new List<long>();
        var start = DateTimeOffset.UtcNow.AddMinutes(-count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(await dashboard.InsertAlertAsync(subscription, user.Id, $"alert {i}", start.AddMinutes(i)));
        }

        return (user, subscription, ids);
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient http, string url) =>
        await http.GetFromJsonAsync<List<JsonElement>>(url) ?? [];

    private static long Id(JsonElement alert) => alert.GetProperty("id").GetInt64();
}
