using Monitor.Core.Alerts;
using Monitor.Data.Alerts;

namespace Monitor.Alerts.Delivery;

/// <summary>A way out of Monitor for alerts: webhook, email, ntfy or Telegram. The dispatcher retries what throws.</summary>
public interface IDeliveryChannel
{
    /// <summary>The <c>deliveries.channel</c> value it sends: "webhook", "email", "ntfy" or "telegram".</summary>
    string Channel { get; }

    /// <summary>Sends one delivery (one alert, or a digest of several).</summary>
    /// <exception cref="DeliveryException">The send failed; the dispatcher retries unless it is permanent.</exception>
    Task SendAsync(DeliveryMessage message, CancellationToken cancellationToken);
}

/// <summary>What one delivery carries: the subscription, its owner, and the alerts (oldest first).</summary>
public sealed record DeliveryMessage(long DeliveryId, Subscription Subscription, AlertRecipient Recipient, IReadOnlyList<AlertRecord> Alerts, bool Digest);

/// <summary>The subscription's owner.</summary>
public sealed record AlertRecipient(long UserId, string UserName, string DisplayName, string? Email);

/// <summary>
/// A failed send: the receiver's status code when there was one; permanent failures are not retried; a receiver that
/// said when to come back (429 with Retry-After, Telegram's <c>retry_after</c>) is not retried sooner.
/// </summary>
public sealed class DeliveryException(string message, int? statusCode = null, bool permanent = false, Exception? innerException = null, TimeSpan? retryAfter = null)
    : Exception(message, innerException)
{
    public int? StatusCode { get; } = statusCode;

    public bool Permanent { get; } = permanent;

    /// <summary>The wait the receiver asked for, if it did.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
