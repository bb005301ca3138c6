using System.Net;
using System.Net.WebSockets;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// The hub's negotiate and WebSocket upgrade refuse a browser on another origin (another port of the same site sends
/// the Lax cookie along), unless Auth:AllowedOrigins lists it; callers that send no Origin (scripts) are unaffected.
/// </summary>
[Collection(AuthDashboardCollection.Name)]
public sealed class HubOriginTests(AuthDashboard fixture)
{
    [Fact]
    public async Task Negotiate_from_another_origin_is_403_and_from_the_same_or_an_allowed_origin_or_none_is_200()
    {
        var (_, _, http) = await fixture.SignedInAsync("origin-negotiate", "viewer");
        using (http)
        {
            var self = fixture.BaseAddress.GetLeftPart(UriPartial.Authority);
            var sibling = $"http://{fixture.BaseAddress.Host}:{fixture.BaseAddress.Port + 1}";

            using var foreign = await NegotiateAsync(http, sibling);
            using var same = await NegotiateAsync(http, self);
            using var allowed = await NegotiateAsync(http, AuthDashboard.AllowedOrigin);
            using var none = await NegotiateAsync(http, null);
            using var nullOrigin = await NegotiateAsync(http, "null");

            Assert.Contains("Auth:AllowedOrigins", (await AuthDashboard.ProblemAsync(foreign, HttpStatusCode.Forbidden)).GetProperty("detail").GetString(),
                StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, none.StatusCode);
            await AuthDashboard.ProblemAsync(nullOrigin, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task A_websocket_from_another_origin_with_the_users_cookie_is_refused_and_from_the_same_origin_opens()
    {
        var cookies = new CookieContainer();
        var (_, password) = await TestAccounts.CreateUserAsync(fixture.Database, "origin-socket", "viewer");
        using var http = await TestAccounts.SignInAsync(fixture.BaseAddress, "origin-socket", password, cookies);
        var socketUri = new UriBuilder(fixture.BaseAddress) { Scheme = "ws", Path = "/hubs/monitor" }.Uri;

        using var foreign = new ClientWebSocket();
        foreign.Options.Cookies = cookies;
        foreign.Options.SetRequestHeader("Origin", $"http://{fixture.BaseAddress.Host}:{fixture.BaseAddress.Port + 1}");
        foreign.Options.CollectHttpResponseDetails = true;
        var refused = await Assert.ThrowsAnyAsync<WebSocketException>(() => foreign.ConnectAsync(socketUri, CancellationToken.None));

        using var same = new ClientWebSocket();
        same.Options.Cookies = cookies;
        same.Options.SetRequestHeader("Origin", fixture.BaseAddress.GetLeftPart(UriPartial.Authority));
        await same.ConnectAsync(socketUri, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);
        Assert.NotNull(refused);
        Assert.Equal(WebSocketState.Open, same.State);
        await same.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task<HttpResponseMessage> NegotiateAsync(HttpClient http, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/hubs/monitor/negotiate?negotiateVersion=1", UriKind.Relative));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }
}
