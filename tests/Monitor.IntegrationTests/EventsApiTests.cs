using System.Net;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// Events through the dashboard's HTTP endpoints (embedded default, SQLite): the embedded Tagging worker clusters the
/// stored statements, the statement API names each one's event, the list and one event come back, and bad requests
/// get a 400 or 404 ProblemDetails.
/// </summary>
public sealed class EventsApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private EmbeddedDashboard _embedded = null!;
    private HttpClient _http = null!;
    private readonly Dictionary<string, long> _eventOf = [];

    public async Task InitializeAsync()
    {
        _embedded = await EmbeddedDashboard.StartAsync(feed => feed.Add(
            new TestFeedItem("e-1", "Allies agree air defence package for Ukraine", "Allies will deliver air defence systems to Ukraine.", Now.AddHours(-3)),
            new TestFeedItem("e-2", "Parliament calls for tougher sanctions on Russia", "Members demand new sanctions against Russia.", Now.AddHours(-2))));
        _http = new HttpClient { BaseAddress = _embedded.BaseAddress };
        var deadline = DateTimeOffset.UtcNow.AddSeconds(120);
        while (_eventOf.Count < 2)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the two feed items were not stored and put in events within 120 s");
            await Task.Delay(250);
            using var list = JsonDocument.Parse(await _http.GetStringAsync("/api/statements?limit=10"));
            foreach (var statement in list.RootElement.EnumerateArray())
            {
                var id = statement.GetProperty("statementId").GetInt64();
                using var detail = JsonDocument.Parse(await _http.GetStringAsync($"/api/statements/{id}"));
                if (detail.RootElement.GetProperty("eventId").ValueKind == JsonValueKind.Number)
                {
                    _eventOf[statement.GetProperty("externalId").GetString()!] = detail.RootElement.GetProperty("eventId").GetInt64();
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _embedded.DisposeAsync();
    }

    [Fact]
    public async Task Stored_statements_are_put_in_events_listed_newest_first_and_shown_in_full()
    {
        Assert.NotEqual(_eventOf["e-1"], _eventOf["e-2"]);
        using var list = JsonDocument.Parse(await _http.GetStringAsync("/api/events?limit=10"));
        using var one = JsonDocument.Parse(await _http.GetStringAsync($"/api/events/{_eventOf["e-2"]}"));
        using var paged = await _http.GetAsync("/api/events?limit=1");

        Assert.Equal([_eventOf["e-2"], _eventOf["e-1"]], list.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
        Assert.Equal("Parliament calls for tougher sanctions on Russia", one.RootElement.GetProperty("event").GetProperty("title").GetString());
        var member = Assert.Single(one.RootElement.GetProperty("members").EnumerateArray());
        Assert.Equal("first statement", member.GetProperty("reason").GetString());
        Assert.Equal(1, one.RootElement.GetProperty("firstSpeakers").GetArrayLength());
        Assert.True(paged.Headers.TryGetValues("X-Next-Cursor", out var cursor));
        using var next = JsonDocument.Parse(await _http.GetStringAsync($"/api/events?limit=1&cursor={Uri.EscapeDataString(cursor!.Single())}"));
        Assert.Equal(_eventOf["e-1"], Assert.Single(next.RootElement.EnumerateArray()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task The_statement_list_and_the_live_catch_up_carry_each_statements_event_for_its_chip()
    {
        using var list = JsonDocument.Parse(await _http.GetStringAsync("/api/statements?limit=10"));
        var since = Uri.EscapeDataString(Now.AddDays(-1).ToString("o"));
        using var caughtUp = JsonDocument.Parse(await _http.GetStringAsync($"/api/live/since?after={since}"));

        foreach (var statements in new[] { list.RootElement, caughtUp.RootElement })
        {
            Assert.Equal(2, statements.GetArrayLength());
            foreach (var statement in statements.EnumerateArray())
            {
                var eventId = _eventOf[statement.GetProperty("externalId").GetString()!];
                using var one = JsonDocument.Parse(await _http.GetStringAsync($"/api/events/{eventId}"));
                var expected = one.RootElement.GetProperty("event");
                var chip = statement.GetProperty("event");
                Assert.Equal(eventId, chip.GetProperty("eventId").GetInt64());
                Assert.True(chip.GetProperty("newEvent").GetBoolean(), "each of the two statements started its event");
                Assert.Equal(expected.GetProperty("title").GetString(), chip.GetProperty("title").GetString());
                Assert.Equal(expected.GetProperty("members").GetInt32(), chip.GetProperty("members").GetInt32());
                Assert.Equal(
                    expected.GetProperty("institutions").EnumerateArray().Select(i => i.GetString()),
                    chip.GetProperty("institutions").EnumerateArray().Select(i => i.GetString()));
            }
        }
    }

    [Fact]
    public async Task A_new_statement_is_pushed_and_then_its_event_chip_names_the_event_it_is_in()
    {
        await using var client = await LiveClient.ConnectAsync(_embedded.BaseAddress);
        _embedded.Feed.Add(new TestFeedItem("e-3", "Finland hosts Nordic defence ministers", "Nordic defence ministers met in Helsinki to discuss regional security.", Now.AddHours(-1)));

        var pushed = await client.WaitForStatementAsync(s => s.ExternalId == "e-3", TimeSpan.FromSeconds(60));
        Assert.Null(pushed.Event); // stored before it is clustered
        var chips = await client.WaitForGroupedAsync(pushed.StatementId, TimeSpan.FromSeconds(60));

        var placed = Assert.Single(chips.Statements, s => s.StatementId == pushed.StatementId);
        using var detail = JsonDocument.Parse(await _http.GetStringAsync($"/api/statements/{pushed.StatementId}"));
        Assert.Equal(detail.RootElement.GetProperty("eventId").GetInt64(), placed.EventId);
        using var one = JsonDocument.Parse(await _http.GetStringAsync($"/api/events/{placed.EventId}"));
        var chip = Assert.Single(chips.Events, e => e.EventId == placed.EventId);
        Assert.Equal(one.RootElement.GetProperty("event").GetProperty("members").GetInt32(), chip.Members);
        Assert.Equal(one.RootElement.GetProperty("event").GetProperty("title").GetString(), chip.Title);
        Assert.Equal(chip.Members == 1, placed.NewEvent);
    }

    [Fact]
    public async Task An_unknown_event_is_a_404_problem()
    {
        using var missing = await _http.GetAsync("/api/events/987654321");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("There is no event 987654321", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_filters_by_entity_title_words_days_and_institution_and_an_event_names_its_entities()
    {
        async Task<long[]> Ids(string url)
        {
            using var list = JsonDocument.Parse(await _http.GetStringAsync(url));
            return [.. list.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];
        }

        var tomorrow = Now.UtcDateTime.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var (airDefence, sanctions) = (_eventOf["e-1"], _eventOf["e-2"]);

        // The extractor found Ukraine in e-1's title and Russia in e-2's when they were stored.
        Assert.Equal([airDefence], await Ids("/api/events?entity=ukraine"));
        Assert.Equal([sanctions], await Ids("/api/events?entity=russia"));
        Assert.Empty(await Ids("/api/events?entity=ukraine,russia"));
        Assert.Equal([sanctions], await Ids("/api/events?q=TOUGHER%20Sanctions"));
        Assert.Empty(await Ids("/api/events?q=tougher%20defence"));
        Assert.Equal([sanctions, airDefence], await Ids($"/api/events?from={Now.UtcDateTime.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}&to={tomorrow}"));
        Assert.Empty(await Ids($"/api/events?from={tomorrow}"));
        Assert.Empty(await Ids("/api/events?institution=both"));
        Assert.Equal([sanctions, airDefence], await Ids($"/api/events?topics=&entity=&to={tomorrow}&limit=50"));

        using var one = JsonDocument.Parse(await _http.GetStringAsync($"/api/events/{airDefence}"));
        var entity = Assert.Single(one.RootElement.GetProperty("entities").EnumerateArray(), e => e.GetProperty("entityId").GetString() == "ukraine");
        Assert.Equal(("Ukraine", "country", 1), (entity.GetProperty("name").GetString(), entity.GetProperty("kind").GetString(), entity.GetProperty("statements").GetInt32()));
    }

    [Fact]
    public async Task The_history_facets_name_the_entities_of_the_matching_statements_with_counts()
    {
        using var all = JsonDocument.Parse(await _http.GetStringAsync("/api/statements/entities"));
        using var russia = JsonDocument.Parse(await _http.GetStringAsync("/api/statements/entities?q=sanctions&take=1"));

        var ids = all.RootElement.EnumerateArray().Select(e => (e.GetProperty("entityId").GetString(), e.GetProperty("statements").GetInt32())).ToList();
        Assert.Contains(("ukraine", 1), ids);
        Assert.Contains(("russia", 1), ids);
        var only = Assert.Single(russia.RootElement.EnumerateArray());
        Assert.Equal(("russia", "Russia", "country", 1), (only.GetProperty("entityId").GetString(), only.GetProperty("name").GetString(), only.GetProperty("kind").GetString(), only.GetProperty("statements").GetInt32()));
    }

    [Theory]
    [InlineData("/api/events?topic=not-a-topic", "Invalid filter", "Unknown topic 'not-a-topic'")]
    [InlineData("/api/events?topics=sanctions,not-a-topic", "Invalid filter", "Unknown topic 'not-a-topic'")]
    [InlineData("/api/events?institution=un", "Invalid filter", "'institution' must be 'nato', 'ep' or 'both'")]
    [InlineData("/api/events?entity=ukraine,atlantis", "Invalid filter", "Unknown entity 'atlantis'")]
    [InlineData("/api/events?from=yesterday", "Invalid filter", "'from'")]
    [InlineData("/api/events?from=2026-05-01&to=2026-04-01", "Invalid filter", "must be before 'to'")]
    [InlineData("/api/events?q=%21%21%21", "Invalid filter", "'q' has no word to look for in event titles")]
    [InlineData("/api/events?q=a%20b%20c%20d%20e%20f%20g%20h%20i", "Invalid filter", "at most 8 words")]
    [InlineData("/api/statements/entities?take=0", "Invalid take", "'take' must be a whole number from 1 to 50; got '0'")]
    [InlineData("/api/statements/entities?take=51", "Invalid take", "got '51'")]
    [InlineData("/api/statements/entities?entity=atlantis", "Invalid filter", "Unknown entity 'atlantis'")]
    [InlineData("/api/statements/entities?q=%22open", "Invalid filter", "'q' is not a valid query")]
    [InlineData("/api/events?limit=0", "Invalid limit", "'limit' must be a whole number from 1 to 200; got '0'")]
    [InlineData("/api/events?limit=ten", "Invalid limit", "got 'ten'")]
    [InlineData("/api/events?cursor=forged!", "Invalid cursor", "is not an events cursor")]
    public async Task A_bad_request_gets_a_400_problem_saying_what_is_wrong(string url, string title, string detail) =>
        await Problems.AssertBadRequestAsync(_http, url, title, detail);
}
