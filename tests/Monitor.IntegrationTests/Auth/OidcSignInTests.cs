using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Data.Accounts;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// OpenID Connect end to end: a dashboard process configured with a fake provider on 127.0.0.1, every redirect of the
/// code flow followed by hand with one cookie-keeping client, as a browser would.
/// </summary>
public sealed class OidcSignInTests : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();
    private FakeIdentityProvider _provider = null!;
    private MonitorProcess _dashboard = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeIdentityProvider.StartAsync();
        _dashboard = MonitorProcess.Create(Topology.Dashboard, new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = $"Data Source={_sqlite.Path}",
            ["Ingestion__UseDefaultSources"] = "false",
            ["Auth__AnonymousRead"] = "false",
            ["Auth__Oidc__Authority"] = _provider.Issuer,
            ["Auth__Oidc__ClientId"] = FakeIdentityProvider.ClientId,
            ["Auth__Oidc__ClientSecret"] = FakeIdentityProvider.ClientSecret,
            ["Auth__Oidc__DisplayName"] = "Fake IdP",
            ["Auth__Oidc__DefaultRole"] = "analyst",
            ["Auth__Oidc__RequireHttpsMetadata"] = "false",
        });
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        await _provider.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task The_first_sign_in_creates_a_user_with_the_default_role_and_the_next_one_finds_the_same_user()
    {
        _provider.NextUser = new FakeUser("subject-1", "Olga", "olga@example.org");
        using var browser = TestAccounts.CookieClient(_dashboard.BaseAddress);
        var anonymousMe = await browser.GetFromJsonAsync<JsonDocument>("/api/account/me");

        var landed = await SignInThroughProviderAsync(browser, "/history.html?q=nato");
        var me = (await browser.GetFromJsonAsync<JsonDocument>("/api/account/me"))!.RootElement;
        using var read = await browser.GetAsync(new Uri("/api/statements", UriKind.Relative));
        using var again = TestAccounts.CookieClient(_dashboard.BaseAddress);
        await SignInThroughProviderAsync(again, "/");
        var meAgain = (await again.GetFromJsonAsync<JsonDocument>("/api/account/me"))!.RootElement;

        Assert.True(anonymousMe!.RootElement.GetProperty("oidc").GetProperty("enabled").GetBoolean());
        Assert.Equal("Fake IdP", anonymousMe.RootElement.GetProperty("oidc").GetProperty("displayName").GetString());
        Assert.Equal("/history.html?q=nato", landed);
        Assert.True(me.GetProperty("authenticated").GetBoolean());
        Assert.Equal(("olga", "analyst", "olga@example.org"), (me.GetProperty("userName").GetString(), me.GetProperty("role").GetString(), me.GetProperty("email").GetString()));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(me.GetProperty("id").GetInt64(), meAgain.GetProperty("id").GetInt64());
        var user = await new UserStore(TestAccounts.Sqlite(_sqlite.Path)).FindByIdAsync(me.GetProperty("id").GetInt64());
        Assert.Equal($"{_provider.Issuer}|subject-1", user!.ExternalId);
        Assert.Null(user.PasswordHash);
        Assert.Equal(2, _provider.TokensIssued);
    }

    [Fact]
    public async Task A_taken_name_is_made_unique_an_email_serves_when_there_is_no_user_name_and_a_disabled_user_is_refused()
    {
        var database = TestAccounts.Sqlite(_sqlite.Path);
        await TestAccounts.CreateUserAsync(database, "olga", "viewer");
        using var first = TestAccounts.CookieClient(_dashboard.BaseAddress);
        using var second = TestAccounts.CookieClient(_dashboard.BaseAddress);
        using var refused = TestAccounts.CookieClient(_dashboard.BaseAddress);

        _provider.NextUser = new FakeUser("subject-2", "olga", null);
        await SignInThroughProviderAsync(first, "/");
        _provider.NextUser = new FakeUser("subject-3", null, "Pat@Example.org");
        await SignInThroughProviderAsync(second, "/");
        var secondId = (await second.GetFromJsonAsync<JsonDocument>("/api/account/me"))!.RootElement.GetProperty("id").GetInt64();
        await new UserStore(database).UpdateAsync(secondId, "analyst", true, null, "pat");
        var landed = await SignInThroughProviderAsync(refused, "/topics.html");
        var refusedMe = (await refused.GetFromJsonAsync<JsonDocument>("/api/account/me"))!.RootElement;

        Assert.Equal("olga-2", (await first.GetFromJsonAsync<JsonDocument>("/api/account/me"))!.RootElement.GetProperty("userName").GetString());
        Assert.Equal("pat@example.org", (await new UserStore(database).FindByIdAsync(secondId))!.UserName);
        Assert.Equal("/?signin=failed", landed);
        Assert.False(refusedMe.GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task A_return_url_off_the_site_lands_on_the_home_page()
    {
        _provider.NextUser = new FakeUser("subject-4", "quinn", null);
        using var browser = TestAccounts.CookieClient(_dashboard.BaseAddress);

        Assert.Equal("/", await SignInThroughProviderAsync(browser, "//evil.example/steal"));
    }

    [Fact]
    public async Task An_id_token_signed_with_a_key_the_provider_does_not_publish_signs_no_one_in()
    {
        _provider.NextUser = new FakeUser("subject-5", "mallory", null);
        _provider.SignWithUnknownKey = true;
        using var browser = TestAccounts.CookieClient(_dashboard.BaseAddress);

        var landed = await SignInThroughProviderAsync(browser, "/");
        var me = (await browser.GetFromJsonAsync<JsonDocument>("/api/account/me"))!.RootElement;

        Assert.Equal("/?signin=failed", landed);
        Assert.False(me.GetProperty("authenticated").GetBoolean());
        Assert.Null(await new UserStore(TestAccounts.Sqlite(_sqlite.Path)).FindByNameAsync("mallory"));
        Assert.Equal(1, _provider.TokensIssued);
    }

    /// <returns>Where the dashboard finally sends the browser (path and query).</returns>
    private async Task<string> SignInThroughProviderAsync(HttpClient browser, string returnUrl)
    {
        using var challenge = await browser.GetAsync(new Uri($"/api/account/sign-in/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith($"{_provider.Issuer}/authorize?", authorize.ToString(), StringComparison.Ordinal);

        using var answer = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var callback = answer.Headers.Location!;
        Assert.StartsWith($"{_dashboard.BaseAddress.ToString().TrimEnd('/')}/signin-oidc?", callback.ToString(), StringComparison.Ordinal);

        using var signedIn = await browser.GetAsync(callback);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}\n{_dashboard.Output}");
        var landed = signedIn.Headers.Location!;
        return landed.IsAbsoluteUri ? landed.PathAndQuery : landed.OriginalString;
    }
}
