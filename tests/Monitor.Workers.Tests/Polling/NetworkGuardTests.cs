using System.Net;
using System.Net.Sockets;
using Monitor.Hosting.Net;

namespace Monitor.Workers.Tests.Polling;

/// <summary>
/// The one address policy of feeds and webhooks, case by case: every special-purpose range of the IANA registries and
/// every IPv6 form that carries an IPv4 address. No test here connects anywhere: a refusal is asserted before the
/// connect callback is called, and the callback refuses before it opens a socket.
/// </summary>
public sealed class NetworkGuardTests
{
    private static readonly NetworkGuard Guard = new([], "Alerts:AllowedNetworks");

    [Theory]
    // IPv4 special-purpose ranges.
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("100.64.0.1", "CGNAT (shared)")]
    [InlineData("100.127.255.254", "CGNAT (shared)")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.0.0.1", "IETF protocol assignment")]
    [InlineData("192.0.0.170", "IETF protocol assignment")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("192.88.99.1", "6to4 relay anycast")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.254", "benchmarking")]
    [InlineData("198.51.100.1", "documentation")]
    [InlineData("203.0.113.1", "documentation")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("255.255.255.255", "reserved")]
    // IPv6 special-purpose ranges.
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("64:ff9b:1::a00:1", "local-use NAT64")]
    [InlineData("100::1", "discard-only")]
    [InlineData("2001::1", "Teredo")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo")]
    [InlineData("2001:2::1", "benchmarking")]
    [InlineData("2001:10::1", "ORCHID")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("3fff::1", "documentation")]
    [InlineData("5f00::1", "segment routing (SRv6)")]
    [InlineData("fc00::1", "private (unique local)")]
    [InlineData("fd12:3456::1", "private (unique local)")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    // IPv6 forms that carry a guarded IPv4 address.
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("::169.254.169.254", "link-local")]
    [InlineData("::10.0.0.1", "private")]
    [InlineData("::0.0.0.2", "unspecified")]
    [InlineData("64:ff9b::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("64:ff9b::10.0.0.1", "private")]
    [InlineData("64:ff9b::c612:1", "benchmarking")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2002:a9fe:a9fe::1", "link-local")]
    [InlineData("2002:a00:1::", "private")]
    [InlineData("2002:c612:1::", "benchmarking")]
    public void A_special_purpose_address_in_any_form_is_refused_and_named(string address, string kind)
    {
        var refusal = Guard.Refusal(IPAddress.Parse(address));

        Assert.NotNull(refusal);
        Assert.Contains($" {kind} address; allow it with Alerts:AllowedNetworks", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("1.1.1.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("192.0.1.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("64:ff9b::5db8:d70e")]
    [InlineData("2002:5db8:d70e::1")]
    [InlineData("::ffff:1.1.1.1")]
    public void A_globally_reachable_address_passes_in_any_form(string address)
    {
        Assert.Null(Guard.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("64:ff9b::7f00:1", "127.0.0.1")]
    [InlineData("2002:7f00:1::", "127.0.0.1")]
    [InlineData("::127.0.0.1", "127.0.0.1")]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1")]
    [InlineData("64:ff9b:1::1", null)]
    [InlineData("::1", null)]
    [InlineData("::", null)]
    [InlineData("127.0.0.1", null)]
    public void The_ipv4_address_an_ipv6_form_carries_is_found(string address, string? embedded)
    {
        Assert.Equal(embedded, NetworkGuard.EmbeddedIPv4(IPAddress.Parse(address))?.ToString());
    }

    [Fact]
    public void An_allowed_ipv4_network_admits_the_ipv6_forms_that_carry_it()
    {
        var guard = new NetworkGuard(["127.0.0.1/32"], "Ingestion:AllowedNetworks");

        Assert.Null(guard.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Null(guard.Refusal(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Null(guard.Refusal(IPAddress.Parse("64:ff9b::7f00:1")));
        Assert.NotNull(guard.Refusal(IPAddress.Parse("127.0.0.2")));
        Assert.NotNull(guard.Refusal(IPAddress.Parse("64:ff9b::7f00:2")));
    }

    [Theory]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:a9fe:a9fe::")]
    [InlineData("::169.254.169.254")]
    [InlineData("198.18.0.1")]
    [InlineData("[::ffff:10.0.0.1]")]
    public async Task The_connect_callback_refuses_before_opening_a_socket(string host)
    {
        var literal = IPAddress.Parse(host.Trim('[', ']'));
        Assert.NotNull(Guard.Refusal(literal));

        using var handler = new SocketsHttpHandler { ConnectCallback = Guard.ConnectAsync, UseProxy = false };
        using var http = new HttpClient(handler);
        var url = literal.AddressFamily == AddressFamily.InterNetworkV6 ? $"http://[{literal}]:9/" : $"http://{literal}:9/";
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(url)));

        Assert.IsType<AddressRefusedException>(failure.InnerException);
    }
}
