using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// With anonymous reading off, the topic and source feeds follow the read rule (a feed reader sends an API token), while
/// a saved search's feed needs only the secret token in its URL.
/// </summary>
[Collection(AuthDashboardCollection.Name)]
public sealed class StatementFeedsAuthTests(AuthDashboard fixture)
{
    [Fact]
    public async Task Topic_and_source_feeds_need_read_access_and_a_saved_searchs_feed_needs_only_its_token()
    {
        var (id, _, signedIn) = await fixture.SignedInAsync($"feeds-{Guid.NewGuid():N}"[..16], "viewer");
        using var bearer = TestAccounts.BearerClient(fixture.BaseAddress, await TestAccounts.CreateTokenAsync(fixture.Database, id));
        using var anonymous = fixture.Anonymous();

        using var anonymousTopic = await anonymous.GetAsync("/feeds/topics/sanctions");
        using var anonymousSource = await anonymous.GetAsync("/feeds/sources/anything");
        using var tokenTopic = await bearer.GetAsync("/feeds/topics/sanctions");
        using var saved = await signedIn.PostAsJsonAsync("/api/saved-searches", new { name = "Sanctions", query = "topics=sanctions" });
        var feedUrl = new Uri((await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("feedUrl").GetString()!);
        using var anonymousSaved = await anonymous.GetAsync(feedUrl.PathAndQuery);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousTopic.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousSource.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tokenTopic.StatusCode);
        Assert.Equal("application/atom+xml", tokenTopic.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymousSaved.StatusCode);
        Assert.Equal("application/atom+xml", anonymousSaved.Content.Headers.ContentType?.MediaType);
    }
}
