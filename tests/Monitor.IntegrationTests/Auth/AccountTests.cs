using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Monitor.Data.Accounts;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>Sign-in, the cookie, CSRF, API tokens, roles and the security stamp against a real dashboard process.</summary>
[Collection(AuthDashboardCollection.Name)]
public sealed class AccountTests(AuthDashboard fixture)
{
    [Fact]
    public async Task Sign_in_sets_an_http_only_lax_cookie_and_me_tells_who_is_signed_in()
    {
        var (id, password) = await TestAccounts.CreateUserAsync(fixture.Database, "Alice", "analyst", email: "alice@example.org");
        using var http = TestAccounts.CookieClient(fixture.BaseAddress);

        using var before = await http.GetFromJsonAsync<JsonDocument>("/api/account/me");
        using var signIn = await http.PostAsJsonAsync("/api/account/sign-in", new { userName = "ALICE", password });
        using var after = await http.GetFromJsonAsync<JsonDocument>("/api/account/me");

        Assert.False(before!.RootElement.GetProperty("authenticated").GetBoolean());
        Assert.False(before.RootElement.GetProperty("anonymousRead").GetBoolean());
        Assert.Equal(JsonValueKind.Null, before.RootElement.GetProperty("userName").ValueKind);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("monitor.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var me = after!.RootElement;
        Assert.True(me.GetProperty("authenticated").GetBoolean());
        Assert.Equal((id, "alice", "analyst", "alice@example.org"),
            (me.GetProperty("id").GetInt64(), me.GetProperty("userName").GetString(), me.GetProperty("role").GetString(), me.GetProperty("email").GetString()));
        Assert.False(string.IsNullOrEmpty(me.GetProperty("csrfToken").GetString()));
        Assert.False(me.GetProperty("oidc").GetProperty("enabled").GetBoolean());
        Assert.NotNull((await new UserStore(fixture.Database).FindByIdAsync(id))!.LastSignInAt);
    }

    [Fact]
    public async Task A_wrong_password_or_unknown_user_is_401_and_logged_with_the_user_name_but_never_the_password()
    {
        await TestAccounts.CreateUserAsync(fixture.Database, "bob", "viewer", "the right password");
        using var http = fixture.Anonymous();

        using var wrong = await http.PostAsJsonAsync("/api/account/sign-in", new { userName = "bob", password = "hunter2-wrong-secret" });
        using var unknown = await http.PostAsJsonAsync("/api/account/sign-in", new { userName = "nobody-here", password = "the right password" });
        using var empty = await http.PostAsJsonAsync("/api/account/sign-in", new { userName = "bob" });

        Assert.Equal("Wrong user name or password.", (await AuthDashboard.ProblemAsync(wrong, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        Assert.Equal("Wrong user name or password.", (await AuthDashboard.ProblemAsync(unknown, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        await AuthDashboard.ProblemAsync(empty, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("monitor.auth=", string.Join(";", wrong.Headers.TryGetValues("Set-Cookie", out var set) ? set : []), StringComparison.Ordinal);
        await fixture.Dashboard.WaitForOutputAsync("Sign-in failed for user name nobody-here", TimeSpan.FromSeconds(10));
        Assert.Contains("Sign-in failed for user name bob", fixture.Dashboard.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-wrong-secret", fixture.Dashboard.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_write_needs_the_csrf_header_and_succeeds_with_it()
    {
        var (_, _, http) = await fixture.SignedInAsync("carol", "viewer");
        using (http)
        {
            var csrf = http.DefaultRequestHeaders.GetValues(TestAccounts.CsrfHeader).Single();
            http.DefaultRequestHeaders.Remove(TestAccounts.CsrfHeader);

            using var without = await http.PostAsJsonAsync("/api/account/tokens", new { name = "no csrf" });
            using var forged = await SendAsync(http, HttpMethod.Post, "/api/account/tokens", new { name = "forged" }, "not-the-token");
            using var with = await SendAsync(http, HttpMethod.Post, "/api/account/tokens", new { name = "with csrf" }, csrf);
            var created = await with.Content.ReadFromJsonAsync<JsonDocument>();
            using var deleteWithout = await http.DeleteAsync(new Uri($"/api/account/tokens/{created!.RootElement.GetProperty("id").GetInt64()}", UriKind.Relative));

            var problem = await AuthDashboard.ProblemAsync(without, HttpStatusCode.BadRequest);
            Assert.Equal("Missing or invalid CSRF token: send the csrfToken from GET /api/account/me in the X-CSRF-TOKEN header.", problem.GetProperty("detail").GetString());
            await AuthDashboard.ProblemAsync(forged, HttpStatusCode.BadRequest);
            await AuthDashboard.ProblemAsync(deleteWithout, HttpStatusCode.BadRequest);
            Assert.Equal(HttpStatusCode.Created, with.StatusCode);
            Assert.Equal(["with csrf"], (await http.GetFromJsonAsync<List<TokenView>>("/api/account/tokens", Json.Options))!.Select(t => t.Name));
        }
    }

    [Fact]
    public async Task A_bearer_token_works_without_csrf_and_a_revoked_or_expired_one_is_401()
    {
        var (_, password, cookie) = await fixture.SignedInAsync("dave", "analyst");
        using (cookie)
        {
            using var create = await cookie.PostAsJsonAsync("/api/account/tokens", new { name = "script", expiresInDays = 30 });
            var created = (await create.Content.ReadFromJsonAsync<CreatedToken>(Json.Options))!;
            using var bearer = TestAccounts.BearerClient(fixture.BaseAddress, created.Token);

            var me = await bearer.GetFromJsonAsync<JsonDocument>("/api/account/me");
            using var write = await bearer.PostAsJsonAsync("/api/account/tokens", new { name = "made by a script" });
            using var read = await bearer.GetAsync(new Uri("/api/statements", UriKind.Relative));
            var listed = await cookie.GetFromJsonAsync<List<TokenView>>("/api/account/tokens", Json.Options);
            using var revoke = await cookie.DeleteAsync(new Uri($"/api/account/tokens/{created.Id}", UriKind.Relative));
            using var afterRevoke = await bearer.GetAsync(new Uri("/api/statements", UriKind.Relative));
            using var bogus = await TestAccounts.BearerClient(fixture.BaseAddress, "mon_bogus").GetAsync(new Uri("/api/account/tokens", UriKind.Relative));

            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            Assert.StartsWith("mon_", created.Token, StringComparison.Ordinal);
            Assert.Equal(created.Token[..created.Prefix.Length], created.Prefix);
            Assert.Equal(created.CreatedAt.AddDays(30), created.ExpiresAt);
            Assert.Equal("dave", me!.RootElement.GetProperty("userName").GetString());
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var first = Assert.Single(listed!, t => t.Id == created.Id);
            Assert.NotNull(first.LastUsedAt);
            Assert.DoesNotContain(created.Token, JsonSerializer.Serialize(listed), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
            await AuthDashboard.ProblemAsync(afterRevoke, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", afterRevoke.Headers.WwwAuthenticate.Single().Scheme);
            await AuthDashboard.ProblemAsync(bogus, HttpStatusCode.Unauthorized);
        }

        var id = (await new UserStore(fixture.Database).FindByNameAsync("dave"))!.Id;
        var (_, expired) = await new ApiTokenStore(fixture.Database).CreateAsync(id, "old", DateTimeOffset.UtcNow.AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(-1));
        using var expiredClient = TestAccounts.BearerClient(fixture.BaseAddress, expired);
        using var expiredAnswer = await expiredClient.GetAsync(new Uri("/api/account/me", UriKind.Relative));
        var expiredMe = await expiredAnswer.Content.ReadFromJsonAsync<JsonDocument>();
        using var expiredRead = await expiredClient.GetAsync(new Uri("/api/statements", UriKind.Relative));
        Assert.False(expiredMe!.RootElement.GetProperty("authenticated").GetBoolean());
        await AuthDashboard.ProblemAsync(expiredRead, HttpStatusCode.Unauthorized);
        Assert.NotEmpty(password);
    }

    [Fact]
    public async Task Another_users_token_answers_404_like_a_missing_one()
    {
        var (ownerId, _) = await TestAccounts.CreateUserAsync(fixture.Database, "erin", "viewer");
        var (otherId, _) = await TestAccounts.CreateUserAsync(fixture.Database, "frank", "viewer");
        await TestAccounts.CreateTokenAsync(fixture.Database, ownerId);
        var ownerTokenId = (await new ApiTokenStore(fixture.Database).ListAsync(ownerId)).Single().Id;
        using var other = TestAccounts.BearerClient(fixture.BaseAddress, await TestAccounts.CreateTokenAsync(fixture.Database, otherId));

        using var deleteOthers = await other.DeleteAsync(new Uri($"/api/account/tokens/{ownerTokenId}", UriKind.Relative));
        using var deleteMissing = await other.DeleteAsync(new Uri("/api/account/tokens/987654", UriKind.Relative));
        var otherList = await other.GetFromJsonAsync<List<TokenView>>("/api/account/tokens", Json.Options);

        await AuthDashboard.ProblemAsync(deleteOthers, HttpStatusCode.NotFound);
        await AuthDashboard.ProblemAsync(deleteMissing, HttpStatusCode.NotFound);
        Assert.Single(otherList!);
        Assert.Single(await new ApiTokenStore(fixture.Database).ListAsync(ownerId));
    }

    [Fact]
    public async Task Roles_and_anonymous_callers_get_401_or_403_problems_never_a_redirect()
    {
        var (_, _, viewer) = await fixture.SignedInAsync("gina", "viewer");
        using (viewer)
        using (var anonymous = fixture.Anonymous())
        {
            using var viewerAdmin = await viewer.GetAsync(new Uri("/api/admin/sources", UriKind.Relative));
            using var viewerRead = await viewer.GetAsync(new Uri("/api/statements", UriKind.Relative));
            using var viewerHub = await viewer.PostAsync(new Uri("/hubs/monitor/negotiate?negotiateVersion=1", UriKind.Relative), null);
            using var anonymousRead = await anonymous.GetAsync(new Uri("/api/statements", UriKind.Relative));
            using var anonymousHub = await anonymous.PostAsync(new Uri("/hubs/monitor/negotiate?negotiateVersion=1", UriKind.Relative), null);
            using var anonymousDocs = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
            using var anonymousTokens = await anonymous.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));
            using var health = await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative));
            using var page = await anonymous.GetAsync(new Uri("/", UriKind.Relative));

            await AuthDashboard.ProblemAsync(viewerAdmin, HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.OK, viewerRead.StatusCode);
            Assert.Equal(HttpStatusCode.OK, viewerHub.StatusCode);
            await AuthDashboard.ProblemAsync(anonymousRead, HttpStatusCode.Unauthorized);
            await AuthDashboard.ProblemAsync(anonymousHub, HttpStatusCode.Unauthorized);
            await AuthDashboard.ProblemAsync(anonymousDocs, HttpStatusCode.Unauthorized);
            await AuthDashboard.ProblemAsync(anonymousTokens, HttpStatusCode.Unauthorized);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
    }

    [Fact]
    public async Task A_disabled_users_cookie_is_refused_at_once_even_when_the_database_is_changed_directly()
    {
        var (id, _, http) = await fixture.SignedInAsync("hank", "analyst");
        using (http)
        {
            using var before = await http.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));
            await new UserStore(fixture.Database).UpdateAsync(id, "analyst", true, null, "hank");
            using var after = await http.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));
            using var again = await http.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            await AuthDashboard.ProblemAsync(after, HttpStatusCode.Unauthorized);
            await AuthDashboard.ProblemAsync(again, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_new_password_keeps_this_session_ends_the_others_and_signs_in()
    {
        var (_, password, first) = await fixture.SignedInAsync("ivy", "viewer");
        using var second = await TestAccounts.SignInAsync(fixture.BaseAddress, "ivy", password);
        using (first)
        {
            using var tooShort = await first.PostAsJsonAsync("/api/account/password", new { currentPassword = password, newPassword = "short" });
            using var wrongCurrent = await first.PostAsJsonAsync("/api/account/password", new { currentPassword = "not it at all", newPassword = "a long new password" });
            using var changed = await first.PostAsJsonAsync("/api/account/password", new { currentPassword = password, newPassword = "a long new password" });
            using var firstAfter = await first.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));
            using var secondAfter = await second.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));

            Assert.Contains("at least 12 characters", (await AuthDashboard.ProblemAsync(tooShort, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
            await AuthDashboard.ProblemAsync(wrongCurrent, HttpStatusCode.BadRequest);
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, firstAfter.StatusCode);
            await AuthDashboard.ProblemAsync(secondAfter, HttpStatusCode.Unauthorized);
        }

        using var withNew = await TestAccounts.SignInAsync(fixture.BaseAddress, "ivy", "a long new password");
        await Assert.ThrowsAsync<InvalidOperationException>(() => TestAccounts.SignInAsync(fixture.BaseAddress, "ivy", password));
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var (_, _, http) = await fixture.SignedInAsync("jack", "viewer");
        using (http)
        {
            using var signOut = await http.PostAsync(new Uri("/api/account/sign-out", UriKind.Relative), null);
            var me = await http.GetFromJsonAsync<JsonDocument>("/api/account/me");

            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
            Assert.False(me!.RootElement.GetProperty("authenticated").GetBoolean());
        }
    }

    [Fact]
    public async Task The_hub_takes_an_api_token_or_the_cookie_and_refuses_an_anonymous_caller_when_reading_needs_sign_in()
    {
        var (id, _) = await TestAccounts.CreateUserAsync(fixture.Database, "hub-user", "viewer");
        var token = await TestAccounts.CreateTokenAsync(fixture.Database, id);
        var cookies = new CookieContainer();
        var (_, password) = await TestAccounts.CreateUserAsync(fixture.Database, "hub-cookie-user", "viewer");
        using var signedIn = await TestAccounts.SignInAsync(fixture.BaseAddress, "hub-cookie-user", password, cookies);
        var hub = new Uri(fixture.BaseAddress, "/hubs/monitor");

        await using var withToken = new HubConnectionBuilder()
            .WithUrl(hub, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
        await using var withCookie = new HubConnectionBuilder()
            .WithUrl(hub, o => o.Cookies = cookies).Build();
        await using var anonymous = new HubConnectionBuilder().WithUrl(hub).Build();
        await withToken.StartAsync();
        await withCookie.StartAsync();
        await withToken.InvokeAsync("JoinTopic", "collective-defence");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());

        Assert.Equal(HubConnectionState.Connected, withToken.State);
        Assert.Equal(HubConnectionState.Connected, withCookie.State);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Single_sign_on_answers_404_when_no_provider_is_configured()
    {
        using var http = fixture.Anonymous();

        using var response = await http.GetAsync(new Uri("/api/account/sign-in/oidc?returnUrl=/", UriKind.Relative));

        Assert.Contains("Auth:Oidc:Authority", (await AuthDashboard.ProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, object body, string csrf)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add(TestAccounts.CsrfHeader, csrf);
        return await http.SendAsync(request);
    }

    private sealed record TokenView(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

    private sealed record CreatedToken(long Id, string Name, string Prefix, string Token, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
}
