using System.Net;
using System.Net.Http.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// Every answer carries a strict CSP with frame-ancestors 'none', X-Frame-Options DENY, nosniff and a Referrer-Policy;
/// the API's JSON is no-store; over HTTPS (here: X-Forwarded-Proto from a trusted proxy) HSTS is sent and the sign-in
/// and anti-forgery cookies are Secure.
/// </summary>
[Collection(AuthDashboardCollection.Name)]
public sealed class SecurityHeadersTests(AuthDashboard fixture)
{
    public static TheoryData<string> Paths =>
    [
        "/", "/index.html", "/account.html", "/signin.html", "/users.html", "/subscriptions.html", "/alerts.html", "/history.html",
        "/statement.html", "/sources.html", "/topics.html", "/topic.html", "/charts.html", "/briefing.html", "/js/pages/account.js", "/css/app.css",
        "/api/account/me", "/api/docs", "/api/statements", "/api/briefing.md", "/no-such-page",
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Every_answer_forbids_framing_sniffing_and_foreign_script(string path)
    {
        using var http = fixture.Anonymous();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        if (!path.StartsWith("/api/docs", StringComparison.Ordinal))
        {
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        }

        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Null(response.Headers.Contains("Strict-Transport-Security") ? "sent over http" : null);
    }

    [Fact]
    public async Task Json_with_user_data_is_never_stored()
    {
        var (_, _, http) = await fixture.SignedInAsync("no-store", "viewer");
        using (http)
        {
            using var me = await http.GetAsync(new Uri("/api/account/me", UriKind.Relative));
            using var tokens = await http.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));
            using var problem = await http.GetAsync(new Uri("/api/admin/users", UriKind.Relative));

            Assert.True(me.Headers.CacheControl?.NoStore, "me");
            Assert.True(tokens.Headers.CacheControl?.NoStore, "tokens");
            Assert.True(problem.Headers.CacheControl?.NoStore, "a 403 problem");
        }
    }

    [Fact]
    public async Task Over_https_hsts_is_sent_and_the_sign_in_and_csrf_cookies_are_secure()
    {
        var (_, password) = await TestAccounts.CreateUserAsync(fixture.Database, "over-https", "viewer");
        using var http = fixture.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/account/sign-in", UriKind.Relative))
        {
            Content = JsonContent.Create(new { userName = "over-https", password }),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains("secure", Assert.Single(cookies, c => c.StartsWith("monitor.auth=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", Assert.Single(cookies, c => c.StartsWith("monitor.csrf=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
