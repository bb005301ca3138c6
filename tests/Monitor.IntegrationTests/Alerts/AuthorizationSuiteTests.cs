using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// Every endpoint that takes an id (or a token), from the running dashboard's own list of endpoints: anonymous callers
/// get 401; a user using another user's id gets 404, exactly like a missing id (no hint that it exists); a viewer on
/// subscription endpoints and a non-admin on admin endpoints get 403; an admin's missing id is 404; the owner (or the
/// role allowed) succeeds, so a 404 is not the answer to everything. A new id endpoint without a case here fails
/// <see cref="Every_endpoint_that_takes_an_id_has_a_case_in_this_suite"/>.
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class AuthorizationSuiteTests(AlertsDashboard dashboard)
{
    private const long MissingId = 987_654_321;

    /// <summary>Who may call an endpoint, and how its id is scoped.</summary>
    public enum Rule
    {
        /// <summary>Analysts and admins, on their own resources.</summary>
        OwnerSubscribe,

        /// <summary>Any signed-in user, on their own resources.</summary>
        OwnerSignedIn,

        /// <summary>Readable by anyone when anonymous read is on (the embedded default).</summary>
        Read,

        /// <summary>Admins only.</summary>
        Admin,

        /// <summary>No sign-in: the secret token in the URL is the credential.</summary>
        Token,

        /// <summary>Any signed-in user, on a statement (anyone's to read): the caller's own marks on it; a missing statement is 404.</summary>
        SignedInMarks,

        /// <summary>Admins only, on the broker's queues: the embedded default has none, so an admin gets 409 for any.</summary>
        AdminBroker,
    }

    /// <summary>Every endpoint with a route parameter, as "METHOD /template" (the OpenAPI document's form), and its rule.</summary>
    public static readonly IReadOnlyDictionary<string, Rule> Cases = new Dictionary<string, Rule>
    {
        ["GET /api/subscriptions/{id}"] = Rule.OwnerSubscribe,
        ["PUT /api/subscriptions/{id}"] = Rule.OwnerSubscribe,
        ["DELETE /api/subscriptions/{id}"] = Rule.OwnerSubscribe,
        ["POST /api/subscriptions/{id}/feed-token"] = Rule.OwnerSubscribe,
        ["POST /api/subscriptions/{id}/webhook-secret"] = Rule.OwnerSubscribe,
        ["GET /api/subscriptions/{id}/deliveries"] = Rule.OwnerSubscribe,
        ["POST /api/deliveries/{id}/replay"] = Rule.OwnerSubscribe,
        ["GET /api/alerts/{id}"] = Rule.OwnerSignedIn,
        ["POST /api/alerts/{id}/read"] = Rule.OwnerSignedIn,
        ["DELETE /api/account/tokens/{id}"] = Rule.OwnerSignedIn,
        ["GET /api/marks/{id}"] = Rule.SignedInMarks,
        ["PUT /api/marks/{id}/read"] = Rule.SignedInMarks,
        ["DELETE /api/marks/{id}/read"] = Rule.SignedInMarks,
        ["PUT /api/marks/{id}/star"] = Rule.SignedInMarks,
        ["DELETE /api/marks/{id}/star"] = Rule.SignedInMarks,
        ["PUT /api/marks/{id}/labels"] = Rule.SignedInMarks,
        ["PUT /api/marks/{id}/note"] = Rule.SignedInMarks,
        ["GET /api/statements/{id}"] = Rule.Read,
        ["GET /api/events/{id}"] = Rule.Read,
        ["GET /api/topics/{id}"] = Rule.Read,
        ["GET /api/admin/sources/{id}"] = Rule.Admin,
        ["GET /api/admin/sources/{id}/polls"] = Rule.Admin,
        ["PUT /api/admin/sources/{id}"] = Rule.Admin,
        ["POST /api/admin/sources/{id}/pause"] = Rule.Admin,
        ["POST /api/admin/sources/{id}/resume"] = Rule.Admin,
        ["DELETE /api/admin/sources/{id}"] = Rule.Admin,
        ["GET /api/admin/backfills/{id}"] = Rule.Admin,
        ["POST /api/admin/backfills/{id}/pause"] = Rule.Admin,
        ["POST /api/admin/backfills/{id}/resume"] = Rule.Admin,
        ["POST /api/admin/backfills/{id}/cancel"] = Rule.Admin,
        ["GET /api/admin/users/{id}"] = Rule.Admin,
        ["PATCH /api/admin/users/{id}"] = Rule.Admin,
        ["POST /api/admin/users/{id}/reset-password"] = Rule.Admin,
        ["DELETE /api/admin/users/{id}"] = Rule.Admin,
        ["GET /api/admin/users/{id}/subscriptions"] = Rule.Admin,
        ["DELETE /api/admin/users/{id}/subscriptions/{subscriptionId}"] = Rule.Admin,
        ["GET /feeds/alerts/{token}"] = Rule.Token,
        ["GET /api/saved-searches/{id}"] = Rule.OwnerSignedIn,
        ["PUT /api/saved-searches/{id}"] = Rule.OwnerSignedIn,
        ["DELETE /api/saved-searches/{id}"] = Rule.OwnerSignedIn,
        ["POST /api/saved-searches/{id}/feed-token"] = Rule.OwnerSignedIn,
        ["GET /api/saved-searches/{id}/alert-draft"] = Rule.OwnerSignedIn,
        ["GET /feeds/saved/{token}"] = Rule.Token,
        ["GET /feeds/topics/{id}"] = Rule.Read,
        ["GET /feeds/sources/{id}"] = Rule.Read,
        ["GET /api/admin/error-queues/{queue}/messages"] = Rule.AdminBroker,
        ["POST /api/admin/error-queues/{queue}/replay"] = Rule.AdminBroker,
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Fact]
    public async Task Every_endpoint_that_takes_an_id_has_a_case_in_this_suite()
    {
        var admin = await dashboard.UserAsync("admin");
        using var document = JsonDocument.Parse(await admin.Http.GetStringAsync("/openapi/v1.json"));

        var withParameter = document.RootElement.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.Contains('{', StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Name is "get" or "put" or "post" or "patch" or "delete")
                .Select(operation => $"{operation.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(withParameter);
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), withParameter);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task An_id_endpoint_answers_401_403_and_404_as_its_rule_says_and_serves_its_owner(string endpoint)
    {
        var rule = Cases[endpoint];
        var (method, template) = (new HttpMethod(endpoint.Split(' ')[0]), endpoint.Split(' ')[1]);
        var owner = await dashboard.UserAsync("analyst");
        var other = await dashboard.UserAsync("analyst");
        var viewer = await dashboard.UserAsync("viewer");
        var admin = await dashboard.UserAsync("admin");
        var ownId = await OwnIdAsync(endpoint, owner, admin);
        var missing = rule switch
        {
            Rule.Read when template.StartsWith("/api/topics", StringComparison.Ordinal) => "no-such-topic",
            Rule.Admin when template.StartsWith("/api/admin/sources", StringComparison.Ordinal) => "no-such-source",
            Rule.Token => "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            _ => MissingId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        switch (rule)
        {
            case Rule.OwnerSubscribe or Rule.OwnerSignedIn:
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(dashboard.Anonymous, method, template, ownId));
                if (rule == Rule.OwnerSubscribe)
                {
                    Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(viewer.Http, method, template, ownId));
                }

                var othersId = await SendAsync(other.Http, method, template, ownId);
                var missingId = await SendAsync(other.Http, method, template, missing);
                Assert.Equal(HttpStatusCode.NotFound, othersId.Status);
                Assert.Equal(HttpStatusCode.NotFound, missingId.Status);
                Assert.Equal(missingId.Title, othersId.Title);
                Assert.Equal(missingId.Detail?.Replace(missing, "#", StringComparison.Ordinal), othersId.Detail?.Replace(ownId, "#", StringComparison.Ordinal));
                Assert.True((int)await StatusAsync(owner.Http, method, template, ownId) is >= 200 and < 300, $"{endpoint}: the owner was refused");
                break;

            case Rule.Read:
                // Anonymous read is on in the embedded setup: anyone reads, and a missing id is 404 for everyone.
                Assert.True((int)await StatusAsync(dashboard.Anonymous, method, template, ownId) is >= 200 and < 300, $"{endpoint}: anonymous read refused");
                Assert.True((int)await StatusAsync(viewer.Http, method, template, ownId) is >= 200 and < 300, $"{endpoint}: viewer refused");
                Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(dashboard.Anonymous, method, template, missing));
                Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(other.Http, method, template, missing));
                break;

            case Rule.SignedInMarks:
                // Statements are everyone's to read, and each user marks them for themselves (TriageApiTests: never another's marks).
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(dashboard.Anonymous, method, template, ownId));
                Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(other.Http, method, template, missing));
                Assert.True((int)await StatusAsync(viewer.Http, method, template, ownId) is >= 200 and < 300, $"{endpoint}: a viewer was refused");
                Assert.True((int)await StatusAsync(owner.Http, method, template, ownId) is >= 200 and < 300, $"{endpoint}: an analyst was refused");
                break;

            case Rule.Admin:
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(dashboard.Anonymous, method, template, ownId));
                Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(viewer.Http, method, template, ownId));
                Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(owner.Http, method, template, ownId));
                Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(admin.Http, method, template, missing));
                Assert.True((int)await StatusAsync(admin.Http, method, template, ownId) is >= 200 and < 300, $"{endpoint}: the admin was refused");
                break;

            case Rule.AdminBroker:
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(dashboard.Anonymous, method, template, ownId));
                Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(viewer.Http, method, template, ownId));
                Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(owner.Http, method, template, ownId));
                Assert.Equal(HttpStatusCode.Conflict, await StatusAsync(admin.Http, method, template, ownId));
                break;

            case Rule.Token:
                Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(dashboard.Anonymous, method, template, missing));
                Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(other.Http, method, template, missing));
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(dashboard.Anonymous, method, template, ownId));
                break;
        }
    }

    /// <summary>An id of the owner's (or, for admin endpoints, an existing) resource the endpoint acts on.</summary>
    private async Task<string> OwnIdAsync(string endpoint, AlertsUser owner, AlertsUser admin)
    {
        var subscription = await AlertsDashboard.CreateSubscriptionAsync(owner.Http,
            new { name = "mine", enabled = false, channels = new { webhook = new { url = "https://203.0.113.10/hook" } } });
        var subscriptionId = subscription.GetProperty("id").GetInt64();
        switch (endpoint)
        {
            case "POST /api/deliveries/{id}/replay":
                var alert = await dashboard.InsertAlertAsync(subscriptionId, owner.Id, "mine", DateTimeOffset.UtcNow);
                return Text(await dashboard.InsertDeliveryAsync(subscriptionId, "dead", [alert]));
            case "GET /api/alerts/{id}" or "POST /api/alerts/{id}/read":
                return Text(await dashboard.InsertAlertAsync(subscriptionId, owner.Id, "mine", DateTimeOffset.UtcNow));
            case "DELETE /api/account/tokens/{id}":
                using (var created = await owner.Http.PostAsJsonAsync("/api/account/tokens", new { name = "spare" }))
                {
                    Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                    return Text((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
                }

            case "GET /api/statements/{id}":
            case { } when endpoint.Contains("/api/marks/", StringComparison.Ordinal):
                return Text(await StatementIdAsync());
            case "GET /api/events/{id}":
                return Text(await EventIdAsync(await StatementIdAsync()));
            case "GET /api/topics/{id}":
                return "collective-defence";
            case "GET /feeds/alerts/{token}":
                return new Uri(subscription.GetProperty("feedUrl").GetString()!).Segments[^1];
            case "GET /feeds/topics/{id}":
                return "collective-defence";
            case "GET /feeds/sources/{id}":
                return "test-feed";
            case { } when endpoint.Contains("/saved", StringComparison.Ordinal):
                using (var saved = await owner.Http.PostAsJsonAsync("/api/saved-searches", new { name = $"mine {Guid.NewGuid():N}", query = "q=nato&topics=sanctions" }))
                {
                    Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
                    var view = await saved.Content.ReadFromJsonAsync<JsonElement>();
                    return endpoint.StartsWith("GET /feeds/", StringComparison.Ordinal)
                        ? new Uri(view.GetProperty("feedUrl").GetString()!).Segments[^1]
                        : Text(view.GetProperty("id").GetInt64());
                }

            case { } when endpoint.Contains("/api/admin/error-queues/", StringComparison.Ordinal):
                return "store-statement";
            case "GET /api/admin/users/{id}/subscriptions":
                return Text(owner.Id);
            case "DELETE /api/admin/users/{id}/subscriptions/{subscriptionId}":
                return $"{Text(owner.Id)}/{Text(subscriptionId)}";
            case { } when endpoint.Contains("/api/admin/users/", StringComparison.Ordinal):
                var (userId, _) = await TestAccounts.CreateUserAsync(dashboard.Database, $"suite-{Guid.NewGuid():N}"[..20], "viewer");
                return Text(userId);
            case { } when endpoint.Contains("/api/admin/backfills/", StringComparison.Ordinal):
                // A backfill of a source on a documentation address (the network guard refuses it at connect time).
                var archived = $"suite-{Guid.NewGuid():N}"[..20];
                using (var added = await admin.Http.PostAsJsonAsync("/api/admin/sources", new { id = archived, url = "https://203.0.113.20/feed.xml" }))
                {
                    Assert.Equal(HttpStatusCode.Created, added.StatusCode);
                }

                using (var started = await admin.Http.PostAsJsonAsync("/api/admin/backfills", new { sourceId = archived, since = "2022-01-01" }))
                {
                    Assert.Equal(HttpStatusCode.Created, started.StatusCode);
                    var backfillId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
                    if (endpoint.EndsWith("/resume", StringComparison.Ordinal))
                    {
                        using var paused = await admin.Http.PostAsync($"/api/admin/backfills/{backfillId}/pause", null);
                        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
                    }

                    return Text(backfillId);
                }

            case { } when endpoint.Contains("/api/admin/sources/", StringComparison.Ordinal):
                var source = $"suite-{Guid.NewGuid():N}"[..20];
                using (var added = await admin.Http.PostAsJsonAsync("/api/admin/sources", new { id = source, url = "https://203.0.113.20/feed.xml" }))
                {
                    Assert.Equal(HttpStatusCode.Created, added.StatusCode);
                }

                return source;
            default:
                return Text(subscriptionId);
        }
    }

    /// <summary>A stored statement: one feed item, polled and stored by the dashboard's embedded workers.</summary>
    private async Task<long> StatementIdAsync()
    {
        var guid = $"suite-{Guid.NewGuid():N}";
        dashboard.Feed.Add(new TestFeedItem(guid, "Allies meet on air defence", "NATO Allies agreed new air defence support.", DateTimeOffset.UtcNow.AddMinutes(-5)));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var statements = await dashboard.Anonymous.GetFromJsonAsync<JsonElement[]>("/api/statements?limit=50") ?? [];
            if (statements.Length > 0)
            {
                return statements[0].GetProperty("statementId").GetInt64();
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "The feed item was not stored within 60 s.");
            await Task.Delay(250);
        }
    }

    /// <summary>The event the embedded Tagging worker put a stored statement in.</summary>
    private async Task<long> EventIdAsync(long statementId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(120);
        while (true)
        {
            var detail = await dashboard.Anonymous.GetFromJsonAsync<JsonElement>($"/api/statements/{statementId}");
            if (detail.GetProperty("eventId").ValueKind == JsonValueKind.Number)
            {
                return detail.GetProperty("eventId").GetInt64();
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "The statement was not put in an event within 120 s.");
            await Task.Delay(250);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, HttpMethod method, string template, string id) =>
        (await SendAsync(http, method, template, id)).Status;

    private static async Task<(HttpStatusCode Status, string? Title, string? Detail)> SendAsync(HttpClient http, HttpMethod method, string template, string id)
    {
        // "user/subscription" for the one endpoint with two ids; a missing id stands for both.
        var (first, second) = id.Split('/') is [var a, var b] ? (a, b) : (id, id);
        var url = template.Replace("{id}", Uri.EscapeDataString(first), StringComparison.Ordinal)
            .Replace("{subscriptionId}", Uri.EscapeDataString(second), StringComparison.Ordinal)
            .Replace("{token}", Uri.EscapeDataString(id), StringComparison.Ordinal)
            .Replace("{queue}", Uri.EscapeDataString(id), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(method, url);
        if (method == HttpMethod.Put && template.EndsWith("/labels", StringComparison.Ordinal))
        {
            request.Content = JsonContent.Create(new { labels = new[] { "suite" } });
        }
        else if (method == HttpMethod.Put && template.EndsWith("/note", StringComparison.Ordinal))
        {
            request.Content = JsonContent.Create(new { note = "suite" });
        }
        else if (method == HttpMethod.Put)
        {
            request.Content = JsonContent.Create(new { name = "replaced" });
        }
        else if (method == HttpMethod.Patch)
        {
            request.Content = JsonContent.Create(new { displayName = "Renamed" });
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return (response.StatusCode, null, null);
        }

        using var problem = JsonDocument.Parse(body);
        return (response.StatusCode,
            problem.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null,
            problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
    }

    private static string Text(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
