using System.Net;
using System.Net.Sockets;
using Monitor.Core.Alerts;
using Monitor.Hosting.Net;

namespace Monitor.Dashboard.Api;

/// <summary>
/// A webhook's host resolves (within 5 s), and only to addresses the network guard allows: loopback, private and
/// link-local targets are refused unless the operator lists their network in <c>Alerts:AllowedNetworks</c>.
/// </summary>
public sealed class WebhookTargetCheck(NetworkGuard guard, Func<string, CancellationToken, Task<IPAddress[]>> resolve) : IWebhookTargetCheck
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public async Task<RequestProblem?> RefuseAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
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
                return new("Invalid webhook", $"'channels.webhook.url': the host '{url.Host}' does not resolve ({ex.Message}).");
            }

            if (addresses.Length == 0)
            {
                return new("Invalid webhook", $"'channels.webhook.url': the host '{url.Host}' has no address.");
            }
        }

        foreach (var address in addresses)
        {
            if (guard.Refusal(address) is { } refusal)
            {
                return new("Webhook address refused",
                    $"'channels.webhook.url' ({url.Host}) is {refusal}. Loopback, private and link-local targets are refused unless an admin lists the network in the Alerts:AllowedNetworks setting (e.g. --Alerts:AllowedNetworks:0=10.0.0.0/8).");
            }
        }

        return null;
    }
}
