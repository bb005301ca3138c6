using System.Net;
using System.Net.Sockets;

namespace Monitor.Hosting.Net;

/// <summary>A connection Monitor refused to make, and why.</summary>
public sealed class AddressRefusedException(string message) : IOException(message);

/// <summary>
/// Refuses connections to loopback, private, link-local, CGNAT, multicast and unspecified addresses unless
/// the process's AllowedNetworks setting (<c>Ingestion:AllowedNetworks</c>, <c>Alerts:AllowedNetworks</c>) allows them. It runs as the HTTP handler's connect callback: it resolves the host
/// itself and checks every address before connecting, so a redirect to an internal host or a DNS answer that changes
/// between checks (rebinding) is refused too.
/// </summary>
public sealed class NetworkGuard
{
    private static readonly (IPNetwork Network, string Kind)[] Guarded =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "CGNAT (shared)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fc00::/7"), "private (unique local)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

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
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_allowed.Any(network => network.Contains(address)))
        {
            return null;
        }

        foreach (var (network, kind) in Guarded)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                var article = "aeiou".Contains(kind[0], StringComparison.Ordinal) ? "an" : "a";
                return $"refused: {address} is {article} {kind} address; allow it with {_setting}";
            }
        }

        return null;
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
