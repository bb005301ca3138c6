using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// <c>/api/subscriptions</c> against a running dashboard: create (with the feed URL and webhook secret shown once), read,
/// replace, delete, rotate; deliveries and replay; and a 400 naming the field for every kind of bad request.
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class SubscriptionsApiTests(AlertsDashboard dashboard)
{
    private const string Valid = """{"name":"Defence","topics":["collective-defence"]}""";

    /// <summary>Label, body, the problem's title, a part of its detail.</summary>
    public static TheoryData<string, string, string, string> BadRequests => new()
    {
        { "no body", "", "Missing body", "Send a JSON body" },
        { "broken JSON", """{"name":""", "Invalid JSON", "not a valid subscription" },
        { "wrong type", """{"name":"x","minScore":"high"}""", "Invalid JSON", "$.minScore" },
        { "empty name", """{"name":"  "}""", "Invalid name", "'name' must be 1 to 100 characters" },
        { "long name", $$"""{"name":"{{new string('n', 101)}}"}""", "Invalid name", "'name' must be 1 to 100 characters; got 101" },
        { "kind", """{"name":"x","kind":"weekly"}""", "Invalid kind", "'kind' must be 'statements', 'spike', 'briefing' or 'event'; got 'weekly'" },
        { "event with a query", """{"name":"x","kind":"event","topics":["sanctions"],"query":"sanctions"}""", "Invalid fields for an event subscription", "'query' does not apply to it" },
        { "event with sources", """{"name":"x","kind":"event","sources":["test-feed"]}""", "Invalid fields for an event subscription", "'sources' does not apply to it" },
        { "event with all topics", """{"name":"x","kind":"event","topics":["sanctions","collective-defence"],"topicMatch":"all"}""", "Invalid fields for an event subscription", "'topicMatch' does not apply to it" },
        { "event with a spike window", """{"name":"x","kind":"event","spikeWindowHours":6}""", "Invalid fields for an event subscription", "'spikeWindowHours' does not apply to it" },
        { "event with unknown topics", """{"name":"x","kind":"event","topics":["no-such-topic"]}""", "Unknown topics", "'no-such-topic'" },
        { "topics", """{"name":"x","topics":["collective-defence","no-such-topic","also-not"]}""", "Unknown topics", "'topics' has unknown topic ids: 'no-such-topic', 'also-not'" },
        { "topicMatch", """{"name":"x","topicMatch":"most"}""", "Invalid topicMatch", "'topicMatch' must be 'any' or 'all'; got 'most'" },
        { "sources", """{"name":"x","sources":["test-feed","no-such-source"]}""", "Unknown sources", "'sources' has unknown source ids: 'no-such-source'" },
        { "documentTypes", """{"name":"x","documentTypes":["speech","memo"]}""", "Unknown document types", "'documentTypes' has unknown document types: 'memo'" },
        { "minScore above 1", """{"name":"x","minScore":1.5}""", "Invalid minScore", "'minScore' must be from 0 to 1; got 1.5" },
        { "minScore below 0", """{"name":"x","minScore":-0.1}""", "Invalid minScore", "'minScore' must be from 0 to 1; got -0.1" },
        { "query", """{"name":"x","query":"\"air defence"}""", "Invalid query", "'query' is not a valid query: The phrase opened at position 1 has no closing quote." },
        { "query of negations", """{"name":"x","query":"-exercise"}""", "Invalid query", "'query' is not a valid query: The query only excludes words" },
        { "spike without topics", """{"name":"x","kind":"spike","spikeWindowHours":6,"spikeFactor":3}""", "Invalid topics", "'topics' must name at least one" },
        { "spike without window", """{"name":"x","kind":"spike","topics":["sanctions"],"spikeFactor":3}""", "Invalid spikeWindowHours", "needs 'spikeWindowHours'" },
        { "spike window 0", """{"name":"x","kind":"spike","topics":["sanctions"],"spikeWindowHours":0,"spikeFactor":3}""", "Invalid spikeWindowHours", "'spikeWindowHours' must be from 1 to 168 (a week); got 0" },
        { "spike window 169", """{"name":"x","kind":"spike","topics":["sanctions"],"spikeWindowHours":169,"spikeFactor":3}""", "Invalid spikeWindowHours", "got 169" },
        { "spike without factor", """{"name":"x","kind":"spike","topics":["sanctions"],"spikeWindowHours":6}""", "Invalid spikeFactor", "needs 'spikeFactor'" },
        { "spike factor 1", """{"name":"x","kind":"spike","topics":["sanctions"],"spikeWindowHours":6,"spikeFactor":1}""", "Invalid spikeFactor", "'spikeFactor' must be more than 1" },
        { "quiet hours half", """{"name":"x","quietHours":{"start":"22:00"}}""", "Invalid quietHours", "'quietHours' needs both 'start' and 'end' as \"HH:mm\"" },
        { "quiet hours 25:00", """{"name":"x","quietHours":{"start":"25:00","end":"07:00"}}""", "Invalid quietHours", "got '25:00' and '07:00'" },
        { "quiet hours equal", """{"name":"x","quietHours":{"start":"07:00","end":"07:00"}}""", "Invalid quietHours", "start and end are both 07:00" },
        { "timeZone", """{"name":"x","timeZone":"Mars/Olympus_Mons"}""", "Invalid timeZone", "'timeZone' must be an IANA time zone id such as 'Europe/Brussels' or 'UTC'; got 'Mars/Olympus_Mons'" },
        { "timeZone path", """{"name":"x","timeZone":"../../etc/passwd"}""", "Invalid timeZone", "got '../../etc/passwd'" },
        { "delivery", """{"name":"x","delivery":"weekly"}""", "Invalid delivery", "'delivery' must be 'immediate', 'hourly' or 'daily'; got 'weekly'" },
        { "digestHour", """{"name":"x","delivery":"daily","digestHour":24}""", "Invalid digestHour", "'digestHour' must be from 0 to 23; got 24" },
        { "email without SMTP", """{"name":"x","channels":{"email":true}}""", "Email unavailable", "'channels.email' needs an SMTP server" },
        { "webhook scheme", """{"name":"x","channels":{"webhook":{"url":"ftp://203.0.113.10/hook"}}}""", "Invalid webhook", "'channels.webhook.url' must be an absolute http or https URL" },
        { "webhook relative", """{"name":"x","channels":{"webhook":{"url":"/hook"}}}""", "Invalid webhook", "'channels.webhook.url' must be an absolute http or https URL" },
        { "webhook user info", """{"name":"x","channels":{"webhook":{"url":"https://me:pw@203.0.113.10/hook"}}}""", "Invalid webhook", "'channels.webhook.url' must not carry a user name or password" },
        { "webhook format", """{"name":"x","channels":{"webhook":{"url":"https://203.0.113.10/hook","format":"xml"}}}""", "Invalid webhook", "'channels.webhook.format' must be 'json' or 'chat'; got 'xml'" },
        { "webhook loopback", """{"name":"x","channels":{"webhook":{"url":"http://127.0.0.1:9/hook"}}}""", "Webhook address refused", "127.0.0.1 is a loopback address; allow it with Alerts:AllowedNetworks" },
        { "webhook localhost", """{"name":"x","channels":{"webhook":{"url":"http://localhost:9/hook"}}}""", "Webhook address refused", "is a loopback address" },
        { "webhook IPv6 loopback", """{"name":"x","channels":{"webhook":{"url":"http://[::1]:9/hook"}}}""", "Webhook address refused", "::1 is a loopback address" },
        { "webhook private", """{"name":"x","channels":{"webhook":{"url":"https://10.1.2.3/hook"}}}""", "Webhook address refused", "10.1.2.3 is a private address" },
        { "webhook metadata", """{"name":"x","channels":{"webhook":{"url":"http://169.254.169.254/latest/meta-data"}}}""", "Webhook address refused", "169.254.169.254 is a link-local address" },
        { "webhook NAT64 loopback", """{"name":"x","channels":{"webhook":{"url":"http://[64:ff9b::7f00:1]:9/hook"}}}""", "Webhook address refused", "(IPv4 127.0.0.1) is a loopback address" },
        { "webhook 6to4 metadata", """{"name":"x","channels":{"webhook":{"url":"http://[2002:a9fe:a9fe::]/latest"}}}""", "Webhook address refused", "(IPv4 169.254.169.254) is a link-local address" },
        { "webhook IPv4-compatible private", """{"name":"x","channels":{"webhook":{"url":"http://[::10.0.0.1]/hook"}}}""", "Webhook address refused", "(IPv4 10.0.0.1) is a private address" },
        { "webhook benchmarking", """{"name":"x","channels":{"webhook":{"url":"http://198.18.0.1/hook"}}}""", "Webhook address refused", "198.18.0.1 is a benchmarking address" },
        { "ntfy relative", """{"name":"x","channels":{"ntfy":{"url":"alerts"}}}""", "Invalid ntfy", "'channels.ntfy.url' must be an absolute http or https URL" },
        { "ntfy no topic", """{"name":"x","channels":{"ntfy":{"url":"https://203.0.113.10/"}}}""", "Invalid ntfy", "'channels.ntfy.url' must be a topic URL" },
        { "ntfy priority", """{"name":"x","channels":{"ntfy":{"url":"https://203.0.113.10/alerts","priority":9}}}""", "Invalid ntfy", "'channels.ntfy.priority' must be from 1 (min) to 5" },
        { "ntfy loopback", """{"name":"x","channels":{"ntfy":{"url":"http://127.0.0.1:9/alerts"}}}""", "ntfy address refused", "127.0.0.1 is a loopback address; allow it with Alerts:AllowedNetworks" },
        { "ntfy metadata", """{"name":"x","channels":{"ntfy":{"url":"http://169.254.169.254/alerts"}}}""", "ntfy address refused", "169.254.169.254 is a link-local address" },
        { "telegram chat", """{"name":"x","channels":{"telegram":{"chatId":"my friends","botToken":"123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"}}}""", "Invalid telegram", "'channels.telegram.chatId' must be a numeric chat id" },
        { "telegram no token", """{"name":"x","channels":{"telegram":{"chatId":"42"}}}""", "Invalid telegram", "'channels.telegram.botToken' is required" },
        { "telegram bad token", """{"name":"x","channels":{"telegram":{"chatId":"42","botToken":"hunter2"}}}""", "Invalid telegram", "'channels.telegram.botToken' is not a bot token" },
        { "telegram parse mode", """{"name":"x","channels":{"telegram":{"chatId":"42","botToken":"123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw","parseMode":"Markdown"}}}""", "Invalid telegram", "'channels.telegram.parseMode' must be 'HTML' or 'MarkdownV2'" },
        { "webhook Teredo", """{"name":"x","channels":{"webhook":{"url":"http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook"}}}""", "Webhook address refused", "is a Teredo address" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_field_is_a_400_naming_it_on_create_and_on_replace(string label, string body, string title, string detail)
    {
        var analyst = await dashboard.UserAsync("analyst");
        var existing = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, JsonSerializer.Deserialize<JsonElement>(Valid));
        var id = existing.GetProperty("id").GetInt64();

        await AssertProblemAsync(await analyst.Http.PostAsync("/api/subscriptions", Body(body)), title, detail, label);
        await AssertProblemAsync(await analyst.Http.PutAsync($"/api/subscriptions/{id}", Body(body)), title, detail, label);
        var unchanged = await analyst.Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}");
        Assert.Equal("Defence", unchanged.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_answers_the_view_with_the_feed_url_and_webhook_secret_once_and_get_lists_and_replaces_it()
    {
        var analyst = await dashboard.UserAsync("analyst");

        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new
        {
            name = "  Eastern flank  ",
            topics = new[] { "deterrence-eastern-flank", "collective-defence", "collective-defence" },
            topicMatch = "all",
            sources = new[] { "test-feed" },
            documentTypes = new[] { "speech", "press-release" },
            minScore = 0.4,
            query = "\"air defence\" OR patriot*",
            driftOnly = true,
            quietHours = new { start = "22:00", end = "07:00" },
            timeZone = "Europe/Brussels",
            delivery = "daily",
            digestHour = 7,
            channels = new { inApp = false, email = false, webhook = new { url = "https://203.0.113.10/hook", format = "chat" } },
        });
        var id = created.GetProperty("id").GetInt64();
        var feedUrl = created.GetProperty("feedUrl").GetString()!;
        var secret = created.GetProperty("webhookSecret").GetString()!;

        Assert.Equal("Eastern flank", created.GetProperty("name").GetString());
        Assert.Equal("statements", created.GetProperty("kind").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal(["deterrence-eastern-flank", "collective-defence"], Strings(created.GetProperty("topics")));
        Assert.Equal("all", created.GetProperty("topicMatch").GetString());
        Assert.Equal(["test-feed"], Strings(created.GetProperty("sources")));
        Assert.Equal(["speech", "press-release"], Strings(created.GetProperty("documentTypes")));
        Assert.Equal(0.4, created.GetProperty("minScore").GetDouble());
        Assert.Equal("\"air defence\" OR patriot*", created.GetProperty("query").GetString());
        Assert.True(created.GetProperty("driftOnly").GetBoolean());
        Assert.Equal("22:00", created.GetProperty("quietHours").GetProperty("start").GetString());
        Assert.Equal("07:00", created.GetProperty("quietHours").GetProperty("end").GetString());
        Assert.Equal("Europe/Brussels", created.GetProperty("timeZone").GetString());
        Assert.Equal("daily", created.GetProperty("delivery").GetString());
        Assert.Equal(7, created.GetProperty("digestHour").GetInt32());
        var channels = created.GetProperty("channels");
        Assert.False(channels.GetProperty("inApp").GetBoolean());
        Assert.False(channels.GetProperty("email").GetBoolean());
        Assert.Equal("https://203.0.113.10/hook", channels.GetProperty("webhook").GetProperty("url").GetString());
        Assert.Equal("chat", channels.GetProperty("webhook").GetProperty("format").GetString());
        Assert.StartsWith($"{dashboard.Process.BaseAddress}feeds/alerts/", feedUrl, StringComparison.Ordinal);
        Assert.Equal(43, feedUrl.Split('/')[^1].Length);
        Assert.Matches("^[0-9a-f]{64}$", secret);

        var listed = Assert.Single(await analyst.Http.GetFromJsonAsync<JsonElement[]>("/api/subscriptions") ?? []);
        var got = await analyst.Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}");
        Assert.Equal(id, listed.GetProperty("id").GetInt64());
        foreach (var view in new[] { listed, got })
        {
            Assert.False(view.TryGetProperty("feedUrl", out _));
            Assert.False(view.TryGetProperty("webhookSecret", out _));
            Assert.Equal("Eastern flank", view.GetProperty("name").GetString());
        }

        using var replaced = await analyst.Http.PutAsJsonAsync($"/api/subscriptions/{id}", new
        {
            name = "Sanction spikes", kind = "spike", topics = new[] { "sanctions" }, spikeWindowHours = 6, spikeFactor = 2.5, enabled = false,
        });
        var view2 = await replaced.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("spike", view2.GetProperty("kind").GetString());
        Assert.Equal(6, view2.GetProperty("spikeWindowHours").GetInt32());
        Assert.Equal(2.5, view2.GetProperty("spikeFactor").GetDouble());
        Assert.False(view2.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view2.GetProperty("channels").GetProperty("webhook").ValueKind);
        Assert.Equal(JsonValueKind.Null, view2.GetProperty("quietHours").ValueKind);
        Assert.Equal("UTC", view2.GetProperty("timeZone").GetString());
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), view2.GetProperty("createdAt").GetDateTimeOffset());

        using var deleted = await analyst.Http.DeleteAsync($"/api/subscriptions/{id}");
        using var gone = await analyst.Http.GetAsync($"/api/subscriptions/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty(await analyst.Http.GetFromJsonAsync<JsonElement[]>("/api/subscriptions") ?? []);
    }

    [Fact]
    public async Task Rotating_the_webhook_secret_gives_a_new_one_and_a_subscription_without_webhook_has_none_to_rotate()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var withHook = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http,
            new { name = "hook", channels = new { webhook = new { url = "https://203.0.113.10/hook" } } });
        var without = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "no hook" });

        using var rotated = await analyst.Http.PostAsync($"/api/subscriptions/{withHook.GetProperty("id").GetInt64()}/webhook-secret", null);
        using var none = await analyst.Http.PostAsync($"/api/subscriptions/{without.GetProperty("id").GetInt64()}/webhook-secret", null);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var secret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString();
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.NotEqual(withHook.GetProperty("webhookSecret").GetString(), secret);
        Assert.False(without.TryGetProperty("webhookSecret", out _));
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);

        // A webhook added later gets its secret in the answer that adds it.
        using var added = await analyst.Http.PutAsJsonAsync($"/api/subscriptions/{without.GetProperty("id").GetInt64()}",
            new { name = "no hook", channels = new { webhook = new { url = "https://203.0.113.11/hook" } } });
        Assert.Matches("^[0-9a-f]{64}$", (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString());
    }

    [Fact]
    public async Task Deliveries_are_listed_by_state_and_a_dead_one_is_replayed_once()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var subscription = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http,
            new { name = "hook", enabled = false, channels = new { webhook = new { url = "https://203.0.113.10/hook" } } });
        var id = subscription.GetProperty("id").GetInt64();
        var alert = await dashboard.InsertAlertAsync(id, analyst.Id, "Allies meet", DateTimeOffset.UtcNow);
        var delivered = await dashboard.InsertDeliveryAsync(id, "delivered", [alert]);
        var dead = await dashboard.InsertDeliveryAsync(id, "dead", [alert]);

        var all = await analyst.Http.GetFromJsonAsync<JsonElement[]>($"/api/subscriptions/{id}/deliveries") ?? [];
        var deadOnly = await analyst.Http.GetFromJsonAsync<JsonElement[]>($"/api/subscriptions/{id}/deliveries?state=dead") ?? [];
        using var badState = await analyst.Http.GetAsync($"/api/subscriptions/{id}/deliveries?state=lost");
        using var replay = await analyst.Http.PostAsync($"/api/deliveries/{dead}/replay", null);
        using var again = await analyst.Http.PostAsync($"/api/deliveries/{dead}/replay", null);
        using var notDead = await analyst.Http.PostAsync($"/api/deliveries/{delivered}/replay", null);
        var pending = await analyst.Http.GetFromJsonAsync<JsonElement[]>($"/api/subscriptions/{id}/deliveries?state=pending") ?? [];

        Assert.Equal([dead, delivered], all.Select(d => d.GetProperty("id").GetInt64()));
        var row = Assert.Single(deadOnly);
        Assert.Equal("webhook", row.GetProperty("channel").GetString());
        Assert.Equal("dead", row.GetProperty("state").GetString());
        Assert.Equal(8, row.GetProperty("attempts").GetInt32());
        Assert.Equal(503, row.GetProperty("lastStatus").GetInt32());
        Assert.Equal("HTTP 503 Service Unavailable", row.GetProperty("lastError").GetString());
        Assert.Equal([alert], row.GetProperty("alertIds").EnumerateArray().Select(a => a.GetInt64()));
        await AssertProblemAsync(badState, "Invalid state", "'state' must be 'pending', 'delivered' or 'dead'; got 'lost'", "state");
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, notDead.StatusCode);
        var replayed = Assert.Single(pending);
        Assert.Equal(dead, replayed.GetProperty("id").GetInt64());
        Assert.Equal(0, replayed.GetProperty("attempts").GetInt32());
        Assert.True(replayed.GetProperty("nextAttemptAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Ntfy_and_telegram_are_shown_without_their_tokens_and_an_edit_without_them_keeps_them()
    {
        const string BotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
        var analyst = await dashboard.UserAsync("analyst");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new
        {
            name = "phones",
            channels = new
            {
                inApp = false,
                ntfy = new { url = "https://203.0.113.10/monitor-alerts", token = "tk_secretsecret", priority = 4, tags = new[] { "warning" } },
                telegram = new { chatId = "-1001234567890", botToken = BotToken, parseMode = "MarkdownV2" },
            },
        });
        var id = created.GetProperty("id").GetInt64();
        var text = created.GetRawText();
        Assert.DoesNotContain("tk_secretsecret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", text, StringComparison.Ordinal);
        var ntfy = created.GetProperty("channels").GetProperty("ntfy");
        Assert.Equal(("https://203.0.113.10/monitor-alerts", 4, "warning", true),
            (ntfy.GetProperty("url").GetString(), ntfy.GetProperty("priority").GetInt32(), ntfy.GetProperty("tags")[0].GetString(), ntfy.GetProperty("hasToken").GetBoolean()));
        var telegram = created.GetProperty("channels").GetProperty("telegram");
        Assert.Equal(("-1001234567890", "MarkdownV2", true),
            (telegram.GetProperty("chatId").GetString(), telegram.GetProperty("parseMode").GetString(), telegram.GetProperty("hasBotToken").GetBoolean()));

        // The page sends the view back (enable / disable): without tokens, which stay stored.
        var view = await analyst.Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}");
        Assert.DoesNotContain(BotToken, view.GetRawText(), StringComparison.Ordinal);
        using var replaced = await analyst.Http.PutAsJsonAsync($"/api/subscriptions/{id}", new
        {
            name = "phones, renamed",
            channels = new { inApp = false, ntfy = new { url = "https://203.0.113.10/monitor-alerts", priority = 2 }, telegram = new { chatId = "-1001234567890" } },
        });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var after = await replaced.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(after.GetProperty("channels").GetProperty("ntfy").GetProperty("hasToken").GetBoolean());
        Assert.True(after.GetProperty("channels").GetProperty("telegram").GetProperty("hasBotToken").GetBoolean());
        Assert.Equal("HTML", after.GetProperty("channels").GetProperty("telegram").GetProperty("parseMode").GetString());
        var stored = await new Monitor.Data.Alerts.SubscriptionStore(dashboard.Database).GetAsync(id);
        Assert.Equal(("tk_secretsecret", BotToken, 2), (stored!.NtfyToken, stored.TelegramBotToken, stored.NtfyPriority));

        // A subscription without a bot token yet must be given one.
        using var none = await analyst.Http.PostAsJsonAsync("/api/subscriptions", new { name = "x", channels = new { telegram = new { chatId = "42" } } });
        await AssertProblemAsync(none, "Invalid telegram", "'channels.telegram.botToken' is required", "no token");
    }

    [Fact]
    public async Task A_cookie_signed_in_write_needs_the_CSRF_header()
    {
        var (_, password) = await TestAccounts.CreateUserAsync(dashboard.Database, "cookie-analyst", "analyst");
        using var page = await TestAccounts.SignInAsync(dashboard.Process.BaseAddress, "cookie-analyst", password);

        using var withHeader = await page.PostAsJsonAsync("/api/subscriptions", new { name = "from the page" });
        page.DefaultRequestHeaders.Remove(TestAccounts.CsrfHeader);
        using var without = await page.PostAsJsonAsync("/api/subscriptions", new { name = "forged" });
        using var readAll = await page.PostAsync("/api/alerts/read-all", null);
        var listed = await page.GetFromJsonAsync<JsonElement[]>("/api/subscriptions") ?? [];

        Assert.Equal(HttpStatusCode.Created, withHeader.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, readAll.StatusCode);
        Assert.Equal(["from the page"], listed.Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task An_event_subscription_is_created_with_its_topics_and_history_and_replaced_by_one_of_any_event()
    {
        var analyst = await dashboard.UserAsync("analyst");
        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http, new { name = "Both spoke", kind = "event", topics = new[] { "sanctions" }, includeHistory = true });
        var id = created.GetProperty("id").GetInt64();

        using var replaced = await analyst.Http.PutAsJsonAsync($"/api/subscriptions/{id}", new { name = "Both spoke", kind = "event", delivery = "hourly" });
        var read = await analyst.Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}");

        Assert.Equal(("event", true), (created.GetProperty("kind").GetString(), created.GetProperty("includeHistory").GetBoolean()));
        Assert.Equal(["sanctions"], Strings(created.GetProperty("topics")));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(("event", "hourly", 0, false), (read.GetProperty("kind").GetString(), read.GetProperty("delivery").GetString(),
            read.GetProperty("topics").GetArrayLength(), read.GetProperty("includeHistory").GetBoolean()));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_request_body_and_no_service_as_a_parameter()
    {
        var admin = await dashboard.UserAsync("admin");
        using var document = JsonDocument.Parse(await admin.Http.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        var create = paths.GetProperty("/api/subscriptions").GetProperty("post");
        var replay = paths.GetProperty("/api/deliveries/{id}/replay").GetProperty("post");
        Assert.Contains("SubscriptionRequest", create.GetProperty("requestBody").GetRawText(), StringComparison.Ordinal);
        Assert.False(create.TryGetProperty("parameters", out var createParameters) && createParameters.GetArrayLength() > 0, createParameters.ToString());
        Assert.Equal(["id"], replay.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.True(paths.TryGetProperty("/api/alerts/unread-count", out _));
        Assert.True(paths.TryGetProperty("/feeds/alerts/{token}", out _));
        Assert.Contains("'event' (once per event, when NATO and the EP have both spoken", create.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("'event'", paths.GetProperty("/api/subscriptions/{id}").GetProperty("put").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    internal static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task AssertProblemAsync(HttpResponseMessage response, string title, string detail, string label)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{label}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(text);
            Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
            Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();
}

/// <summary>What an admin's settings open: webhooks to an allowed network, email once SMTP is configured.</summary>
public sealed class SubscriptionsApiAdminSettingsTests(PermissiveAlertsDashboard dashboard) : IClassFixture<PermissiveAlertsDashboard>
{
    [Fact]
    public async Task A_webhook_to_127_0_0_1_is_accepted_once_an_admin_allows_the_network_and_others_stay_refused()
    {
        var analyst = await dashboard.UserAsync("analyst");

        var created = await AlertsDashboard.CreateSubscriptionAsync(analyst.Http,
            new { name = "local", channels = new { webhook = new { url = "http://127.0.0.1:9/hook" } } });
        using var other = await analyst.Http.PostAsJsonAsync("/api/subscriptions",
            new { name = "private", channels = new { webhook = new { url = "http://10.1.2.3/hook" } } });

        Assert.Equal("http://127.0.0.1:9/hook", created.GetProperty("channels").GetProperty("webhook").GetProperty("url").GetString());
        await SubscriptionsApiTests.AssertProblemAsync(other, "Webhook address refused", "10.1.2.3 is a private address", "10.1.2.3");
    }

    [Fact]
    public async Task Email_is_a_channel_when_SMTP_is_configured_and_the_user_has_an_address()
    {
        var withAddress = await dashboard.UserAsync("analyst", email: "analyst@example.org");
        var withoutAddress = await dashboard.UserAsync("analyst");

        var created = await AlertsDashboard.CreateSubscriptionAsync(withAddress.Http, new { name = "mail", channels = new { email = true } });
        using var refused = await withoutAddress.Http.PostAsJsonAsync("/api/subscriptions", new { name = "mail", channels = new { email = true } });

        Assert.True(created.GetProperty("channels").GetProperty("email").GetBoolean());
        await SubscriptionsApiTests.AssertProblemAsync(refused, "Email unavailable", "'channels.email' sends to your account's email address, and it has none", "email");
    }
}
