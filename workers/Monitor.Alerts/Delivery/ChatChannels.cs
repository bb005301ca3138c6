using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Monitor.Hosting.Net;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// What the ntfy and Telegram channels share with the webhook's: an HTTP client that connects only through
/// <see cref="NetworkGuard"/> (<c>Alerts:AllowedNetworks</c>, checked at every connect), follows no redirect and keeps
/// no cookies; one send within <c>Alerts:SendTimeout</c>; a refused address is permanent, a timeout or network error is
/// retried; a 429's Retry-After is kept for the dispatcher.
/// </summary>
public static class ChatChannels
{
    public const string NtfyClient = "Monitor.Alerts.Ntfy";

    /// <summary>Its request URLs carry the bot token, so the client logs nothing (see <see cref="TelegramChannel"/>).</summary>
    public const string TelegramClient = "Monitor.Alerts.Telegram";

    public static IServiceCollection AddNtfyAndTelegram(IServiceCollection services)
    {
        AddGuardedClient(services, NtfyClient);
        AddGuardedClient(services, TelegramClient).RemoveAllLoggers();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryChannel, NtfyChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryChannel, TelegramChannel>());
        return services;
    }

    /// <summary>
    /// A named client for a channel: connects only through <see cref="NetworkGuard"/> (<c>Alerts:AllowedNetworks</c>),
    /// no redirects, no cookies, connect within <c>Alerts:SendTimeout</c> (the send's own timeout is applied per request).
    /// </summary>
    internal static IHttpClientBuilder AddGuardedClient(IServiceCollection services, string name, string userAgent = "Monitor-Alerts/1.0") =>
        services.AddHttpClient(name, http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var alerts = sp.GetRequiredService<IOptions<AlertsOptions>>().Value;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    ConnectTimeout = alerts.SendTimeout,
                    ConnectCallback = new NetworkGuard(alerts.AllowedNetworks, "Alerts:AllowedNetworks").ConnectAsync,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
            });

    /// <summary>
    /// Sends within <paramref name="timeout"/>; <paramref name="host"/> names the receiver in errors (never the URL,
    /// which may carry a secret). A refused address is a permanent <see cref="DeliveryException"/>, others are retried.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, string host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return response;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException($"No answer from {host} within {timeout.TotalSeconds:0.#} s.", innerException: ex);
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refused)
        {
            throw new DeliveryException($"Connection to {host} {refused.Message}", permanent: true, innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            // HttpRequestException names host and port, never the path (where Telegram's token is).
            throw new DeliveryException($"Network error posting to {host}: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>A Retry-After header as a wait: seconds, or an HTTP date from now.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } when delta >= TimeSpan.Zero => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
    }

    /// <summary>Up to <paramref name="max"/> characters of the answer's body, for an error message.</summary>
    public static async Task<string> ReadSnippetAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
        {
            return "";
        }
    }

    /// <summary>"429 Too Many Requests" and the like.</summary>
    public static string Status(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {response.ReasonPhrase}").TrimEnd();
    }

    internal static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500 || (int)status is >= 300 and < 400;

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
}
