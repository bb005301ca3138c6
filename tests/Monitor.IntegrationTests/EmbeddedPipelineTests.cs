using System.Net;
using System.Net.Http.Json;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// The embedded default: one dashboard process hosting every worker, the in-memory transport and SQLite, polling a
/// feed served on 127.0.0.1, watched by a real SignalR client.
/// </summary>
public sealed class EmbeddedPipelineTests : IAsyncLifetime
{
    private EmbeddedDashboard _embedded = null!;

    private FeedServer Feed => _embedded.Feed;

    public async Task InitializeAsync() => _embedded = await EmbeddedDashboard.StartAsync(feed =>
        feed.Add(new TestFeedItem("existing-1", "An item that was there before", "Allies discussed defence spending.", DateTimeOffset.UtcNow.AddHours(-2))));

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task A_new_feed_item_reaches_a_SignalR_client_tagged_and_the_API_lists_it()
    {
        await using var client = await LiveClient.ConnectAsync(_embedded.BaseAddress);

        Feed.Add(new TestFeedItem("new-1", "NATO reaffirms Article 5 collective defence commitment",
            "Allies said their commitment to collective defence under Article 5 is iron-clad.", DateTimeOffset.UtcNow));
        var pushed = await client.WaitForStatementAsync(s => s.ExternalId == "new-1", TimeSpan.FromSeconds(30));

        Assert.Equal("test-feed", pushed.SourceId);
        Assert.Equal("https://example.org/statements/new-1", pushed.Url);
        Assert.Contains(pushed.Topics, t => t.TopicId == "collective-defence" && t.Score > 0);

        using var http = new HttpClient { BaseAddress = _embedded.BaseAddress };
        var latest = await http.GetFromJsonAsync<List<StatementStored>>("/api/statements?limit=10", Json.Options);
        Assert.NotNull(latest);
        Assert.Contains(latest, s => s.ExternalId == "new-1" && s.StatementId == pushed.StatementId);
        Assert.Contains(latest, s => s.ExternalId == "existing-1");
    }

    [Fact]
    public async Task An_edited_item_is_pushed_again_as_revision_two_and_an_unchanged_one_is_not()
    {
        await using var client = await LiveClient.ConnectAsync(_embedded.BaseAddress);
        Feed.Add(new TestFeedItem("edit-1", "Parliament adopts resolution", "First wording.", DateTimeOffset.UtcNow));
        var first = await client.WaitForStatementAsync(s => s.ExternalId == "edit-1", TimeSpan.FromSeconds(30));

        Feed.Replace(new TestFeedItem("edit-1", "Parliament adopts resolution", "Corrected wording.", DateTimeOffset.UtcNow));
        var second = await client.WaitForStatementAsync(s => s.ExternalId == "edit-1" && s.Revision == 2, TimeSpan.FromSeconds(30));
        var requestsBefore = Feed.Requests;
        while (Feed.Requests < requestsBefore + 3)
        {
            await Task.Delay(200);
        }

        Assert.Equal(first.StatementId, second.StatementId);
        Assert.Equal(1, first.Revision);
        Assert.Equal(2, client.Statements.Count(s => s.Statement.ExternalId == "edit-1"));
    }

    [Fact]
    public async Task A_client_in_a_topic_group_also_gets_that_topics_statements_and_an_unknown_topic_is_refused()
    {
        await using var client = await LiveClient.ConnectAsync(_embedded.BaseAddress);
        await client.JoinTopicAsync("sanctions");

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => client.JoinTopicAsync("no-such-topic"));
        Feed.Add(
            new TestFeedItem("topic-1", "EU adopts a new package of sanctions on Russia", "The sanctions package adds export bans and asset freezes.", DateTimeOffset.UtcNow),
            new TestFeedItem("topic-2", "Parliament debates humanitarian aid for refugees", "Members discussed humanitarian assistance and refugees.", DateTimeOffset.UtcNow));
        await client.WaitForStatementAsync(s => s.ExternalId == "topic-1", TimeSpan.FromSeconds(30));
        await client.WaitForStatementAsync(s => s.ExternalId == "topic-2", TimeSpan.FromSeconds(30));
        await Task.Delay(500);

        Assert.Contains("Unknown topic 'no-such-topic'", refused.Message);
        var (topic, statement) = Assert.Single(client.TopicStatements);
        Assert.Equal("sanctions", topic);
        Assert.Equal("topic-1", statement.ExternalId);
    }

    [Fact]
    public async Task Health_endpoints_answer_and_a_bad_limit_gets_a_400_with_a_message()
    {
        using var http = new HttpClient { BaseAddress = _embedded.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        var bad = await http.GetAsync("/api/statements?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'limit' must be a whole number from 1 to 500", await bad.Content.ReadAsStringAsync());
        var notANumber = await http.GetAsync("/api/statements?limit=ten");
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_page_and_its_SignalR_script_are_served()
    {
        using var http = new HttpClient { BaseAddress = _embedded.BaseAddress };

        var page = await http.GetStringAsync("/");
        var script = await http.GetAsync("/lib/signalr/signalr.min.js");

        Assert.Contains("statements", page);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
