using System.Net;
using System.Net.Sockets;

namespace Monitor.Hosting.Net;

/// <summary>A connection Monitor refused to make, and why.</summary>
public sealed class AddressRefusedException(string message) : IOException(message);

/// <summary>
/// The one address policy for feeds (Ingestion) and webhooks (the dashboard at save, Alerts at connect): refuses the
/// special-purpose ranges of the IANA IPv4 and IPv6 registries that are not globally reachable (loopback, private,
/// shared/CGNAT, link-local, benchmarking, documentation, IETF protocol assignments, reserved, multicast, ...) unless
/// the process's AllowedNetworks setting (<c>Ingestion:AllowedNetworks</c>, <c>Alerts:AllowedNetworks</c>) allows
/// them. IPv6 forms that embed an IPv4 address (IPv4-mapped <c>::ffff:a.b.c.d</c>, IPv4-compatible <c>::a.b.c.d</c>,
/// NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) are judged by the IPv4 address they carry; the local-use NAT64
/// prefix <c>64:ff9b:1::/48</c> (where the IPv4 address sits depends on the operator's prefix length) and Teredo
/// <c>2001::/32</c> are refused whole. It runs as the HTTP handler's connect callback: it resolves the host itself and
/// checks every address before connecting, so a redirect to an internal host or a DNS answer that changes between
/// checks (rebinding) is refused too.
/// </summary>
public sealed class NetworkGuard
{
    // IANA IPv4 and IPv6 Special-Purpose Address Registries, the entries not globally reachable, plus multicast.
    private static readonly (IPNetwork Network, string Kind)[] Guarded =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "CGNAT (shared)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignment"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.88.99.0/24"), "6to4 relay anycast"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use NAT64"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("2001::/32"), "Teredo"),
        (IPNetwork.Parse("2001:2::/48"), "benchmarking"),
        (IPNetwork.Parse("2001:10::/28"), "ORCHID"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("3fff::/20"), "documentation"),
        (IPNetwork.Parse("5f00::/16"), "segment routing (SRv6)"),
        (IPNetwork.Parse("fc00::/7"), "private (unique local)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");

    private readonly IReadOnlyList<IPNetwork> _allowed;
    private readonly string _setting;

    /// <param name="allowedNetworks">Networks (CIDR) or addresses allowed even though they are guarded.</param>
    /// <param name="setting">The setting that lists them, named in refusals and errors.</param>
    public NetworkGuard(IEnumerable<string> allowedNetworks, string setting = "Ingestion:AllowedNetworks")
    {
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        _setting = setting;
        _allowed = allowedNetworks.Select(cidr => Parse(cidr, setting)).ToList();
    }

    public IReadOnlyList<IPNetwork> Allowed => _allowed;

    /// <returns>Why Monitor must not connect to <paramref name="address"/>, or null when it may.</returns>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var embedded = EmbeddedIPv4(address);
        if (_allowed.Any(network => network.Contains(address) || (embedded is not null && network.Contains(embedded))))
        {
            return null;
        }

        // An IPv6 form that carries an IPv4 address is judged by that address alone (the prefixes that carry one are
        // not themselves guarded).
        var judged = embedded ?? address;
        foreach (var (network, kind) in Guarded)
        {
            if (network.BaseAddress.AddressFamily == judged.AddressFamily && network.Contains(judged))
            {
                var article = "aeiou".Contains(char.ToLowerInvariant(kind[0]), StringComparison.Ordinal) ? "an" : "a";
                var shown = embedded is null ? address.ToString() : $"{address} (IPv4 {embedded})";
                return $"refused: {shown} is {article} {kind} address; allow it with {_setting}";
            }
        }

        return null;
    }

    /// <summary>
    /// The IPv4 address an IPv6 address carries: IPv4-mapped (<c>::ffff:a.b.c.d</c>), IPv4-compatible
    /// (<c>::a.b.c.d</c>, not <c>::</c> or <c>::1</c>), NAT64 (<c>64:ff9b::a.b.c.d</c>) or 6to4 (<c>2002:AABB:CCDD::</c>);
    /// null for any other address.
    /// </summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || (Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback)))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }

    /// <summary>
    /// Resolves <paramref name="host"/> (a literal address is not looked up) and checks every address, opening no
    /// connection: why Monitor would refuse it, or null when every address is allowed. What an import checks before it
    /// saves a URL; the fetch itself is checked again at connect time (<see cref="ConnectAsync"/>).
    /// </summary>
    public async Task<string?> CheckHostAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        return addresses.Length == 0
            ? $"{host} resolves to no address"
            : addresses.Select(Refusal).FirstOrDefault(refusal => refusal is not null);
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolve, check every address, then connect.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new AddressRefusedException($"{endpoint.Host} resolves to no address");
        }

        // One refused address refuses the host: a name that resolves to a public and an internal address is suspect.
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } refusal)
            {
                throw new AddressRefusedException(refusal);
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="cidr"/> is a network (<c>10.0.0.0/8</c>) or a single address.</summary>
    public static bool IsNetwork(string cidr) =>
        !string.IsNullOrWhiteSpace(cidr) && (IPNetwork.TryParse(cidr.Trim(), out _) || IPAddress.TryParse(cidr.Trim(), out _));

    private static IPNetwork Parse(string cidr, string setting) =>
        IPNetwork.TryParse(cidr.Trim(), out var network)
            ? network
            : IPAddress.TryParse(cidr.Trim(), out var single)
                ? new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
                : throw new InvalidOperationException($"{setting}: '{cidr}' is not a network in CIDR notation (e.g. 127.0.0.1/32).");
}
