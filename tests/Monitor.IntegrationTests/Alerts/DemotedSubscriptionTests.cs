using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// A role change disables what the new role does not allow: a demoted analyst's subscriptions are suspended (no
/// alerts, no sends, the feed answers 404), the user and admins see it, and an admin can list and remove them.
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class DemotedSubscriptionTests(AlertsDashboard dashboard)
{
    [Fact]
    public async Task A_demoted_analysts_feed_stops_answering_they_and_admins_see_it_suspended_and_an_admin_removes_it()
    {
        var analyst = await dashboard.UserAsync("analyst");
        using var admin = await TestAccounts.AdminClientAsync(dashboard.Database, dashboard.Process.BaseAddress, $"demoting-admin-{analyst.Id}");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Eastern flank", enabled = true });
        var id = created.GetProperty("id").GetInt64();
        var feedUrl = new Uri(created.GetProperty("feedUrl").GetString()!);
        using var feedBefore = await dashboard.Anonymous.GetAsync(feedUrl);

        using var demote = await admin.PatchAsJsonAsync($"/api/admin/users/{analyst.Id}", new { role = "viewer" });
        using var feedAfter = await dashboard.Anonymous.GetAsync(feedUrl);
        var me = await analyst.Http.GetFromJsonAsync<JsonDocument>("/api/account/me");
        var listed = await admin.GetFromJsonAsync<JsonDocument>($"/api/admin/users/{analyst.Id}/subscriptions");
        var user = await admin.GetFromJsonAsync<JsonDocument>($"/api/admin/users/{analyst.Id}");
        using var ownList = await analyst.Http.GetAsync(new Uri("/api/subscriptions", UriKind.Relative));
        using var removeOther = await admin.DeleteAsync(new Uri($"/api/admin/users/{analyst.Id + 1000}/subscriptions/{id}", UriKind.Relative));
        using var remove = await admin.DeleteAsync(new Uri($"/api/admin/users/{analyst.Id}/subscriptions/{id}", UriKind.Relative));
        var afterRemove = await admin.GetFromJsonAsync<JsonDocument>($"/api/admin/users/{analyst.Id}/subscriptions");

        Assert.Equal(HttpStatusCode.OK, feedBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, feedAfter.StatusCode);
        Assert.Equal(1, me!.RootElement.GetProperty("suspendedSubscriptions").GetInt32());
        var row = Assert.Single(listed!.RootElement.EnumerateArray());
        Assert.Equal((id, "Eastern flank", true), (row.GetProperty("id").GetInt64(), row.GetProperty("name").GetString(), row.GetProperty("suspended").GetBoolean()));
        Assert.Equal(1, user!.RootElement.GetProperty("suspendedSubscriptions").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, ownList.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removeOther.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Empty(afterRemove!.RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Promoted_again_the_subscription_runs_and_its_feed_answers_again()
    {
        var analyst = await dashboard.UserAsync("analyst");
        using var admin = await TestAccounts.AdminClientAsync(dashboard.Database, dashboard.Process.BaseAddress, $"promoting-admin-{analyst.Id}");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Back again", enabled = true });
        var feedUrl = new Uri(created.GetProperty("feedUrl").GetString()!);

        using var demote = await admin.PatchAsJsonAsync($"/api/admin/users/{analyst.Id}", new { role = "viewer" });
        using var promote = await admin.PatchAsJsonAsync($"/api/admin/users/{analyst.Id}", new { role = "analyst" });
        using var feed = await dashboard.Anonymous.GetAsync(feedUrl);
        var own = await analyst.Http.GetFromJsonAsync<JsonDocument>("/api/subscriptions");

        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        Assert.False(Assert.Single(own!.RootElement.EnumerateArray()).GetProperty("suspended").GetBoolean());
    }
}
