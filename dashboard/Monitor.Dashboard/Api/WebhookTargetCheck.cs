using System.Net;
using System.Net.Sockets;
using Monitor.Core.Alerts;
using Monitor.Hosting.Net;

namespace Monitor.Dashboard.Api;

/// <summary>
/// A webhook's (or an ntfy topic's) host resolves (within 5 s), and only to addresses the network guard allows: loopback, private and
/// link-local targets are refused unless the operator lists their network in <c>Alerts:AllowedNetworks</c>.
/// </summary>
public sealed class WebhookTargetCheck(NetworkGuard guard, Func<string, CancellationToken, Task<IPAddress[]>> resolve) : IWebhookTargetCheck
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public Task<RequestProblem?> RefuseAsync(Uri url, CancellationToken cancellationToken) =>
        RefuseAsync(url, "channels.webhook.url", cancellationToken);

    /// <summary>The same check for another URL field of the request (an ntfy topic's), named in the problem.</summary>
    public async Task<RequestProblem?> RefuseAsync(Uri url, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var title = field == "channels.webhook.url" ? "Invalid webhook" : "Invalid ntfy";
        IPAddress[] addresses;
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ResolveTimeout);
                addresses = await resolve(url.IdnHost, timeout.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new(title, $"'{field}': the host '{url.Host}' does not resolve ({ex.Message}).");
            }

            if (addresses.Length == 0)
            {
                return new(title, $"'{field}': the host '{url.Host}' has no address.");
            }
        }

        foreach (var address in addresses)
        {
            if (guard.Refusal(address) is { } refusal)
            {
                return new(field == "channels.webhook.url" ? "Webhook address refused" : "ntfy address refused",
                    $"'{field}' ({url.Host}) is {refusal}. Loopback, private and link-local targets are refused unless an admin lists the network in the Alerts:AllowedNetworks setting (e.g. --Alerts:AllowedNetworks:0=10.0.0.0/8).");
            }
        }

        return null;
    }
}
