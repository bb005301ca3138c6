using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Alerts;
using Monitor.Core.Briefing;
using Monitor.Data.Alerts;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// Sends a delivery as one email to the subscription's owner through the SMTP server in <c>Alerts:Smtp</c>: a
/// multipart/alternative message (plain text and simple HTML). Its Message-Id is derived from the delivery id, so a
/// retried send of the same delivery carries the same id and a mail system (or the reader) can recognise the repeat.
/// A recipient or message refused with a 5xx reply is permanent; a 4xx reply, a refused connection or a timeout is
/// retried by the dispatcher.
/// </summary>
/// <remarks>
/// The SMTP host is set by the operator, not by a user, so the connection is not checked against the NetworkGuard
/// that webhook targets go through: a relay on localhost or on the internal network is the usual set-up.
/// </remarks>
public sealed partial class EmailChannel(IOptions<AlertsOptions> options, ILogger<EmailChannel> logger) : IDeliveryChannel
{
    public string Channel => DeliveryStore.Email;

    public async Task SendAsync(DeliveryMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new DeliveryException("Email is not configured: Alerts:Smtp:Host is empty.", permanent: true);
        }

        if (string.IsNullOrWhiteSpace(message.Recipient.Email))
        {
            throw new DeliveryException($"User {message.Recipient.UserName} has no email address.", permanent: true);
        }

        var host = smtp.Host;

        var mail = Compose(message, smtp);
        var timeout = options.Value.SendTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds) };
        try
        {
            await client.ConnectAsync(host, smtp.Port, ParseSecurity(smtp.Security), deadline.Token);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", deadline.Token);
            }

            var reply = await client.SendAsync(mail, deadline.Token);
            LogSent(message.DeliveryId, message.Alerts.Count, reply);
            await client.DisconnectAsync(quit: true, deadline.Token);
        }
        catch (SmtpCommandException ex)
        {
            var status = (int)ex.StatusCode;
            // 5xx on the recipient or the message: that server will not take this mail, however often it is asked.
            // 5xx on the sender (Alerts:Smtp:From) is the operator's to fix, so it is retried like a 4xx.
            var permanent = status >= 500 && ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted;
            throw new DeliveryException($"SMTP {status} ({ex.ErrorCode}): {ex.Message}", status, permanent, ex);
        }
        catch (AuthenticationException ex)
        {
            throw new DeliveryException($"SMTP authentication failed: {ex.Message}", innerException: ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException($"SMTP send timed out after {timeout.TotalSeconds:0.#} s.", innerException: ex);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or SocketException or IOException or SslHandshakeException or ServiceNotConnectedException or TimeoutException)
        {
            throw new DeliveryException($"SMTP connection to {smtp.Host}:{smtp.Port} failed: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>The message for <paramref name="delivery"/>: subject, headers and both bodies.</summary>
    public static MimeMessage Compose(DeliveryMessage delivery, SmtpOptions smtp)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(smtp);
        if (!MailboxAddress.TryParse(smtp.From, out var from))
        {
            throw new DeliveryException($"Alerts:Smtp:From '{smtp.From}' is not an email address.");
        }

        var subscription = delivery.Subscription;
        var alerts = delivery.Alerts;
        var digest = delivery.Digest || alerts.Count != 1;
        var to = delivery.Recipient.Email ?? throw new DeliveryException($"User {delivery.Recipient.UserName} has no email address.", permanent: true);
        var mail = new MimeMessage();
        mail.From.Add(from);
        mail.To.Add(new MailboxAddress(delivery.Recipient.DisplayName, to));
        mail.Subject = OneLine(digest
            ? $"[Monitor] {subscription.Name}: {alerts.Count} {(alerts.Count == 1 ? "alert" : "alerts")} ({DigestName(subscription)})"
            : $"[Monitor] {subscription.Name}: {alerts[0].Title}");
        var domain = from.Domain is { Length: > 0 } d ? d : "monitor.localhost";
        mail.MessageId = $"delivery-{delivery.DeliveryId.ToString(CultureInfo.InvariantCulture)}@{domain}";
        mail.Date = alerts.Count > 0 ? alerts.Max(a => a.TriggeredAt) : DateTimeOffset.UtcNow;
        mail.Headers.Add("X-Monitor-Delivery", delivery.DeliveryId.ToString(CultureInfo.InvariantCulture));
        mail.Headers.Add("X-Monitor-Subscription", subscription.Id.ToString(CultureInfo.InvariantCulture));
        // RFC 3834: automatic mail, so out-of-office replies are not sent back to Monitor.
        mail.Headers.Add("Auto-Submitted", "auto-generated");

        var zone = FindZone(subscription.TimeZone);
        var body = new BodyBuilder { TextBody = TextBody(delivery, digest, zone), HtmlBody = HtmlBody(delivery, digest, zone) };
        mail.Body = body.ToMessageBody();
        return mail;
    }

    private static string TextBody(DeliveryMessage delivery, bool digest, TimeZoneInfo zone)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Heading(delivery, digest)}\n\n");
        foreach (var alert in delivery.Alerts)
        {
            text.Append(CultureInfo.InvariantCulture, $"{OneLine(alert.Title)}\n");
            if (alert.Url.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{OneLine(alert.Url)}\n");
            }

            if (alert.MatchedTopics.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"Topics: {OneLine(string.Join(", ", alert.MatchedTopics))}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{FormatTime(alert.TriggeredAt, zone)}\n\n");
            if (alert.Kind == AlertKinds.Briefing && BriefingDigest.MarkdownOf(alert.Detail) is { } markdown)
            {
                // The week's briefing itself: Markdown reads as plain text.
                text.Append(markdown).Append("\n\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"-- \n{Footer(delivery)}\n");
        return text.ToString();
    }

    private static string HtmlBody(DeliveryMessage delivery, bool digest, TimeZoneInfo zone)
    {
        static string E(string value) => WebUtility.HtmlEncode(value);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(E(Heading(delivery, digest)))
            .Append("</title></head>\n<body style=\"font-family: sans-serif; color: #1a1a1a;\">\n<p>")
            .Append(E(Heading(delivery, digest)))
            .Append("</p>\n<ul>\n");
        foreach (var alert in delivery.Alerts)
        {
            html.Append("<li><p><strong>");
            // Only a web address becomes a link: a javascript: or data: URL in a feed stays text.
            if (Uri.TryCreate(alert.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
            {
                html.Append("<a href=\"").Append(E(url.AbsoluteUri)).Append("\">").Append(E(alert.Title)).Append("</a>");
            }
            else
            {
                html.Append(E(alert.Title));
            }

            html.Append("</strong><br>\n");
            if (alert.MatchedTopics.Count > 0)
            {
                html.Append("Topics: ").Append(E(string.Join(", ", alert.MatchedTopics))).Append("<br>\n");
            }

            html.Append("<time datetime=\"").Append(E(alert.TriggeredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)))
                .Append("\">").Append(E(FormatTime(alert.TriggeredAt, zone))).Append("</time></p>");
            if (alert.Kind == AlertKinds.Briefing && BriefingDigest.MarkdownOf(alert.Detail) is { } markdown)
            {
                html.Append("\n<pre style=\"white-space: pre-wrap; font-family: inherit;\">").Append(E(markdown)).Append("</pre>");
            }

            html.Append("</li>\n");
        }

        html.Append("</ul>\n<p style=\"color: #555;\">").Append(E(Footer(delivery))).Append("</p>\n</body></html>\n");
        return html.ToString();
    }

    private static string Heading(DeliveryMessage delivery, bool digest) =>
        digest
            ? $"{delivery.Alerts.Count} {(delivery.Alerts.Count == 1 ? "alert" : "alerts")} for \"{OneLine(delivery.Subscription.Name)}\" ({DigestName(delivery.Subscription)})"
            : $"An alert for \"{OneLine(delivery.Subscription.Name)}\"";

    private static string Footer(DeliveryMessage delivery) =>
        $"Monitor sends this because your subscription \"{OneLine(delivery.Subscription.Name)}\" delivers by email. Change or switch it off under Subscriptions in Monitor.";

    private static string DigestName(Subscription subscription) => subscription.Delivery switch
    {
        SubscriptionDelivery.Hourly => "hourly digest",
        SubscriptionDelivery.Daily => "daily digest",
        _ => "digest",
    };

    private static string FormatTime(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + (zone == TimeZoneInfo.Utc ? "UTC" : zone.Id);

    private static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>Feed text with its line breaks folded: nothing from a feed starts a new header or line of its own.</summary>
    private static string OneLine(string value) =>
        string.Join(' ', value.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static SecureSocketOptions ParseSecurity(string value) =>
        Enum.TryParse<SecureSocketOptions>(value, ignoreCase: true, out var security)
            ? security
            : throw new DeliveryException($"Alerts:Smtp:Security '{value}' is not one of None, StartTls, SslOnConnect, StartTlsWhenAvailable, Auto.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Email delivery {DeliveryId} with {AlertCount} alerts sent: {Reply}")]
    private partial void LogSent(long deliveryId, int alertCount, string reply);
}
