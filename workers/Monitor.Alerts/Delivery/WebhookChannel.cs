using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Hosting.Net;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// Sends a delivery as a signed JSON POST (<see cref="WebhookPayload"/>). Its HTTP client connects only through
/// <see cref="NetworkGuard"/> (<c>Alerts:AllowedNetworks</c>), checked at connect time, so a host whose DNS answer
/// changes after the URL was accepted is still refused; it follows no redirect. 2xx is delivered; 410 Gone and a
/// refused address are permanent; any other status, a redirect, a timeout or a network error is retried.
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory httpClients, IOptions<AlertsOptions> options, TimeProvider time) : IDeliveryChannel
{
    public const string HttpClientName = "Monitor.Alerts.Webhooks";

    public string Channel => DeliveryStore.Webhook;

    public async Task SendAsync(DeliveryMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subscription = message.Subscription;
        if (!Uri.TryCreate(subscription.WebhookUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new DeliveryException($"The subscription has no valid webhook URL ('{subscription.WebhookUrl}').", permanent: true);
        }

        if (string.IsNullOrEmpty(subscription.WebhookSecret))
        {
            throw new DeliveryException("The subscription has no webhook secret to sign with; rotate it.", permanent: true);
        }

        var body = WebhookPayload.Body(message);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookPayload.DeliveryHeader, message.DeliveryId.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookPayload.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookPayload.SignatureHeader, WebhookPayload.Sign(subscription.WebhookSecret, timestamp, body));

        var timeout = options.Value.SendTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException($"No answer from {url.Host} within {timeout.TotalSeconds:0.#} s.", innerException: ex);
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refused)
        {
            throw new DeliveryException($"Connection to {url.Host} {refused.Message}", permanent: true, innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new DeliveryException($"Network error posting to {url.Host}: {ex.Message}", innerException: ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (response.StatusCode == HttpStatusCode.Gone)
            {
                throw new DeliveryException("The receiver answered 410 Gone: the webhook was removed.", status, permanent: true);
            }

            if (status is >= 300 and < 400)
            {
                throw new DeliveryException($"The receiver answered {status} (a redirect to '{response.Headers.Location}'); redirects are not followed.", status);
            }

            throw new DeliveryException($"The receiver answered {status} {response.ReasonPhrase}.", status);
        }
    }

    private static AddressRefusedException? Refusal(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>The guarded client: connects through <see cref="NetworkGuard"/>, no redirects, no cookies.</summary>
    public static IServiceCollection AddWebhookChannel(IServiceCollection services)
    {
        ChatChannels.AddGuardedClient(services, HttpClientName, "Monitor-Webhooks/1.0");
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryChannel, WebhookChannel>());
        return services;
    }
}
