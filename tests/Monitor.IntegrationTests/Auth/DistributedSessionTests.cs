using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// Two dashboard replicas over RabbitMQ and PostgreSQL, no sticky sessions: a session or user ended on one replica
/// closes its hub connections on the other (AccessRevoked reaches every replica's temporary queue).
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class DistributedSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(10);
    private DistributedTopology _topology = null!;

    public async Task InitializeAsync() => _topology = await DistributedTopology.CreateAsync();

    public async Task DisposeAsync() => await _topology.DisposeAsync();

    [Fact]
    public async Task Signing_out_or_demoting_on_one_replica_closes_the_hub_connections_on_the_other()
    {
        var first = await _topology.StartAsync(Topology.Dashboard);
        var second = await _topology.StartAsync(Topology.Dashboard);
        await using var database = _topology.OpenDatabase();
        var (_, password) = await TestAccounts.CreateUserAsync(database, "two-replicas", "analyst");
        var (demotedId, demotedPassword) = await TestAccounts.CreateUserAsync(database, "demoted-on-one", "analyst");
        using var admin = await TestAccounts.AdminClientAsync(database, first.BaseAddress);

        // The cookie is issued by the first replica and opens hub connections on both (one Data Protection key ring).
        var cookies = new CookieContainer();
        using var http = await TestAccounts.SignInAsync(first.BaseAddress, "two-replicas", password, cookies);
        var onSecond = new CookieContainer();
        onSecond.Add(second.BaseAddress, cookies.GetCookies(first.BaseAddress));
        await using var hubOnFirst = await HubWatch.ConnectAsync(first.BaseAddress, o => o.Cookies = cookies);
        await using var hubOnSecond = await HubWatch.ConnectAsync(second.BaseAddress, o => o.Cookies = onSecond);
        var demotedCookies = new CookieContainer();
        using var demotedHttp = await TestAccounts.SignInAsync(second.BaseAddress, "demoted-on-one", demotedPassword, demotedCookies);
        await using var demotedHub = await HubWatch.ConnectAsync(second.BaseAddress, o => o.Cookies = demotedCookies);

        using var signOut = await http.PostAsync(new Uri("/api/account/sign-out", UriKind.Relative), null);
        using var demote = await admin.PatchAsJsonAsync($"/api/admin/users/{demotedId}", new { role = "viewer" });

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        await hubOnFirst.WaitClosedAsync(CloseWithin);
        await hubOnSecond.WaitClosedAsync(CloseWithin);
        await demotedHub.WaitClosedAsync(CloseWithin);
        Assert.NotEqual(HubConnectionState.Connected, hubOnSecond.State);
    }
}
