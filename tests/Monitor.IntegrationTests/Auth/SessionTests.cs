using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// Sessions the server can end: every cookie request finds its session row, and every hub connection is closed when
/// the session, token, role or user that opened it ends.
/// </summary>
[Collection(AuthDashboardCollection.Name)]
public sealed class SessionTests(AuthDashboard fixture)
{
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_after_it()
    {
        var (_, password) = await TestAccounts.CreateUserAsync(fixture.Database, "copied-cookie", "analyst");
        var cookies = new CookieContainer();
        using var browser = await TestAccounts.SignInAsync(fixture.BaseAddress, "copied-cookie", password, cookies);
        var copy = new CookieContainer();
        copy.Add(cookies.GetAllCookies());
        using var thief = TestAccounts.CookieClient(fixture.BaseAddress, copy);
        thief.DefaultRequestHeaders.Add(TestAccounts.CsrfHeader, browser.DefaultRequestHeaders.GetValues(TestAccounts.CsrfHeader).Single());

        using var before = await thief.GetAsync(new Uri("/api/alerts/unread-count", UriKind.Relative));
        using var signOut = await browser.PostAsync(new Uri("/api/account/sign-out", UriKind.Relative), null);
        using var read = await thief.GetAsync(new Uri("/api/alerts/unread-count", UriKind.Relative));
        using var write = await thief.PostAsJsonAsync("/api/account/tokens", new { name = "after sign-out" });
        var me = await thief.GetFromJsonAsync<JsonDocument>("/api/account/me");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        await AuthDashboard.ProblemAsync(read, HttpStatusCode.Unauthorized);
        await AuthDashboard.ProblemAsync(write, HttpStatusCode.Unauthorized);
        Assert.False(me!.RootElement.GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task A_deleted_users_cookie_never_answers_as_the_next_user()
    {
        using var admin = await TestAccounts.AdminClientAsync(fixture.Database, fixture.BaseAddress, "session-admin-1");
        var (deleted, _, cookie) = await fixture.SignedInAsync("deleted-user", "analyst");
        using (cookie)
        {
            using var delete = await admin.DeleteAsync(new Uri($"/api/admin/users/{deleted}", UriKind.Relative));
            var (next, _) = await TestAccounts.CreateUserAsync(fixture.Database, "next-user", "analyst");
            var me = await cookie.GetFromJsonAsync<JsonDocument>("/api/account/me");

            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.NotEqual(deleted, next);
            Assert.False(me!.RootElement.GetProperty("authenticated").GetBoolean());
        }
    }

    [Fact]
    public async Task A_disabled_users_cookie_is_refused_at_once_and_their_hub_connection_closes()
    {
        using var admin = await TestAccounts.AdminClientAsync(fixture.Database, fixture.BaseAddress, "session-admin-2");
        var cookies = new CookieContainer();
        var (id, password) = await TestAccounts.CreateUserAsync(fixture.Database, "disabled-now", "analyst");
        using var http = await TestAccounts.SignInAsync(fixture.BaseAddress, "disabled-now", password, cookies);
        await using var hub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.Cookies = cookies);

        using var disable = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { disabled = true });
        using var after = await http.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        await AuthDashboard.ProblemAsync(after, HttpStatusCode.Unauthorized);
        await hub.WaitClosedAsync(CloseWithin);
    }

    [Fact]
    public async Task Signing_out_closes_the_hub_connections_of_that_session_only()
    {
        var (_, password) = await TestAccounts.CreateUserAsync(fixture.Database, "hub-sign-out", "viewer");
        var first = new CookieContainer();
        var second = new CookieContainer();
        using var firstHttp = await TestAccounts.SignInAsync(fixture.BaseAddress, "hub-sign-out", password, first);
        using var secondHttp = await TestAccounts.SignInAsync(fixture.BaseAddress, "hub-sign-out", password, second);
        await using var firstHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.Cookies = first);
        await using var secondHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.Cookies = second);

        using var signOut = await firstHttp.PostAsync(new Uri("/api/account/sign-out", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        await firstHub.WaitClosedAsync(CloseWithin);
        await Task.Delay(500);
        Assert.Equal(HubConnectionState.Connected, secondHub.State);
    }

    [Fact]
    public async Task A_new_password_closes_the_hub_connections_of_the_other_sessions()
    {
        var (_, password) = await TestAccounts.CreateUserAsync(fixture.Database, "hub-password", "viewer");
        var other = new CookieContainer();
        using var changer = await TestAccounts.SignInAsync(fixture.BaseAddress, "hub-password", password);
        using var otherHttp = await TestAccounts.SignInAsync(fixture.BaseAddress, "hub-password", password, other);
        await using var otherHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.Cookies = other);

        using var changed = await changer.PostAsJsonAsync("/api/account/password", new { currentPassword = password, newPassword = "a long new password" });
        using var otherAfter = await otherHttp.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));
        using var changerAfter = await changer.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await AuthDashboard.ProblemAsync(otherAfter, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, changerAfter.StatusCode);
        await otherHub.WaitClosedAsync(CloseWithin);
    }

    [Fact]
    public async Task Deleting_a_token_closes_the_hub_connections_it_opened_and_no_other()
    {
        var (id, _, cookie) = await fixture.SignedInAsync("hub-token", "viewer");
        using (cookie)
        {
            using var create = await cookie.PostAsJsonAsync("/api/account/tokens", new { name = "doomed" });
            using var created = JsonDocument.Parse(await create.Content.ReadAsStringAsync());
            var kept = await TestAccounts.CreateTokenAsync(fixture.Database, id);
            var doomed = created.RootElement.GetProperty("token").GetString();
            await using var doomedHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.AccessTokenProvider = () => Task.FromResult(doomed));
            await using var keptHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.AccessTokenProvider = () => Task.FromResult<string?>(kept));

            using var delete = await cookie.DeleteAsync(new Uri($"/api/account/tokens/{created.RootElement.GetProperty("id").GetInt64()}", UriKind.Relative));

            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            await doomedHub.WaitClosedAsync(CloseWithin);
            await Task.Delay(500);
            Assert.Equal(HubConnectionState.Connected, keptHub.State);
        }
    }

    [Fact]
    public async Task A_role_change_closes_the_users_cookie_and_token_hub_connections()
    {
        using var admin = await TestAccounts.AdminClientAsync(fixture.Database, fixture.BaseAddress, "session-admin-3");
        var cookies = new CookieContainer();
        var (id, password) = await TestAccounts.CreateUserAsync(fixture.Database, "hub-demoted", "analyst");
        using var http = await TestAccounts.SignInAsync(fixture.BaseAddress, "hub-demoted", password, cookies);
        var token = await TestAccounts.CreateTokenAsync(fixture.Database, id);
        await using var cookieHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.Cookies = cookies);
        await using var tokenHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token));

        using var demote = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "viewer" });

        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        await cookieHub.WaitClosedAsync(CloseWithin);
        await tokenHub.WaitClosedAsync(CloseWithin);
    }

    [Fact]
    public async Task Access_ended_in_the_database_alone_closes_the_hub_connections_at_the_next_recheck()
    {
        // As `monitor users reset-password` does, or a revocation event lost: no AccessRevoked, only the rows.
        var cookies = new CookieContainer();
        var (id, password) = await TestAccounts.CreateUserAsync(fixture.Database, "recheck-user", "analyst");
        using var http = await TestAccounts.SignInAsync(fixture.BaseAddress, "recheck-user", password, cookies);
        var token = await TestAccounts.CreateTokenAsync(fixture.Database, id);
        var (otherId, _) = await TestAccounts.CreateUserAsync(fixture.Database, "recheck-other", "viewer");
        var otherToken = await TestAccounts.CreateTokenAsync(fixture.Database, otherId);
        await using var cookieHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.Cookies = cookies);
        await using var tokenHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token));
        await using var otherHub = await HubWatch.ConnectAsync(fixture.BaseAddress, o => o.AccessTokenProvider = () => Task.FromResult<string?>(otherToken));

        await new Monitor.Data.Accounts.UserStore(fixture.Database).SetPasswordAsync(id, "not a real hash");
        await cookieHub.WaitClosedAsync(AuthDashboard.ConnectionRecheck * 4);
        await Task.Delay(AuthDashboard.ConnectionRecheck * 2);
        Assert.Equal(HubConnectionState.Connected, tokenHub.State);

        await new Monitor.Data.Accounts.UserStore(fixture.Database).UpdateAsync(id, "analyst", true, null, "recheck-user");
        await tokenHub.WaitClosedAsync(AuthDashboard.ConnectionRecheck * 4);
        Assert.Equal(HubConnectionState.Connected, otherHub.State);
    }
}

/// <summary>A hub connection that records when the server closes it.</summary>
public sealed class HubWatch : IAsyncDisposable
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubWatch(HubConnection connection)
    {
        Connection = connection;
        connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public HubConnectionState State => Connection.State;

    public static async Task<HubWatch> ConnectAsync(Uri baseAddress, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions> configure)
    {
        var watch = new HubWatch(new HubConnectionBuilder().WithUrl(new Uri(baseAddress, "/hubs/monitor"), configure).Build());
        await watch.Connection.StartAsync();
        return watch;
    }

    public async Task WaitClosedAsync(TimeSpan within)
    {
        var done = await Task.WhenAny(_closed.Task, Task.Delay(within));
        Assert.True(done == _closed.Task, $"The hub connection was still {Connection.State} after {within.TotalSeconds:0} s.");
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
