using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Monitor.Data.Alerts;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// Publishes a delivery to the subscription's ntfy topic (docs.ntfy.sh/publish): a POST to the topic URL whose body is
/// the message, with the headers Title (RFC 2047 when not ASCII), Tags, Priority, Click (the alert's link) and, when the
/// subscription has an access token, <c>Authorization: Bearer</c>. Through the guarded client (<see cref="ChatChannels"/>).
/// 2xx is delivered; 429 is retried no sooner than its Retry-After; 5xx, a redirect, a timeout or a network error is
/// retried; any other 4xx (a wrong token, a topic the token may not write) is permanent, with ntfy's error.
/// </summary>
public sealed class NtfyChannel(IHttpClientFactory httpClients, IOptions<AlertsOptions> options, TimeProvider time) : IDeliveryChannel
{
    public string Channel => DeliveryStore.Ntfy;

    public async Task SendAsync(DeliveryMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subscription = message.Subscription;
        if (!Uri.TryCreate(subscription.NtfyUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new DeliveryException($"The subscription has no valid ntfy topic URL ('{subscription.NtfyUrl}').", permanent: true);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(ChatFormat.NtfyMessage(message))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("Title", ChatFormat.HeaderValue(ChatFormat.NtfyTitle(message)));
        request.Headers.TryAddWithoutValidation("Priority", subscription.NtfyPriority.ToString(CultureInfo.InvariantCulture));
        if (subscription.NtfyTags.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Tags", string.Join(',', subscription.NtfyTags));
        }

        if (ChatFormat.NtfyClick(message) is { } click)
        {
            request.Headers.TryAddWithoutValidation("Click", click);
        }

        if (!string.IsNullOrEmpty(subscription.NtfyToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", subscription.NtfyToken);
        }

        var host = url.Authority;
        using var response = await ChatChannels.SendAsync(httpClients.CreateClient(ChatChannels.NtfyClient), request, host, options.Value.SendTimeout, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var said = await ChatChannels.ReadSnippetAsync(response, 300, cancellationToken);
        var detail = said.Length > 0 ? $": {said.TrimEnd('.')}." : ".";
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = ChatChannels.RetryAfter(response, time.GetUtcNow());
            throw new DeliveryException($"ntfy at {host} answered 429 Too Many Requests{(wait is { } w ? $" (retry after {w.TotalSeconds:0.#} s)" : "")}{detail}",
                status, retryAfter: wait);
        }

        if (ChatChannels.IsRetryable(response.StatusCode))
        {
            throw new DeliveryException(status is >= 300 and < 400
                ? $"ntfy at {host} answered {status} (a redirect to '{response.Headers.Location}'); redirects are not followed."
                : $"ntfy at {host} answered {ChatChannels.Status(response)}{detail}", status);
        }

        var why = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => " The access token is wrong or expired: set a new one in the subscription's ntfy token.",
            HttpStatusCode.Forbidden => " The token (or anonymous access) may not publish to this topic: check the topic's access on the ntfy server.",
            HttpStatusCode.NotFound => " There is no ntfy topic at this URL: check the server and topic.",
            HttpStatusCode.RequestEntityTooLarge => " The message is too large for this server.",
            _ => "",
        };
        throw new DeliveryException($"ntfy at {host} refused the message: {ChatChannels.Status(response)}{detail}{why}", status, permanent: true);
    }
}
