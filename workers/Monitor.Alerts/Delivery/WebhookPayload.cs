using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// The webhook wire format: the body of each format and its signature. Headers: <c>X-Monitor-Delivery</c> (the
/// delivery id), <c>X-Monitor-Timestamp</c> (unix seconds) and <c>X-Monitor-Signature: sha256=&lt;hex&gt;</c>, the
/// lowercase hex HMAC-SHA256 keyed with the UTF-8 secret over "&lt;timestamp&gt;." followed by the raw body bytes.
/// </summary>
public static class WebhookPayload
{
    public const string DeliveryHeader = "X-Monitor-Delivery";
    public const string TimestampHeader = "X-Monitor-Timestamp";
    public const string SignatureHeader = "X-Monitor-Signature";
    public const string Json = "json";
    public const string Chat = "chat";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The UTF-8 JSON body for the subscription's format ("json" or "chat").</summary>
    public static byte[] Body(DeliveryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Subscription.WebhookFormat == Chat
            ? JsonSerializer.SerializeToUtf8Bytes(new { text = ChatText(message) }, Options)
            : JsonSerializer.SerializeToUtf8Bytes(new
            {
                deliveryId = message.DeliveryId,
                subscription = new { id = message.Subscription.Id, name = message.Subscription.Name },
                digest = message.Digest,
                alerts = message.Alerts.Select(a => new
                {
                    id = a.Id,
                    subscriptionId = a.SubscriptionId,
                    subscriptionName = message.Subscription.Name,
                    kind = a.Kind,
                    statementId = a.StatementId,
                    revision = a.Revision,
                    topicId = a.TopicId,
                    title = a.Title,
                    url = a.Url,
                    matchedTopics = a.MatchedTopics,
                    detail = a.Detail is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(a.Detail),
                    triggeredAt = a.TriggeredAt,
                }),
            }, Options);
    }

    /// <summary>"sha256=" and the lowercase hex HMAC-SHA256 of "&lt;timestamp&gt;." + body, keyed with the UTF-8 secret.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Plain lines that Slack and Mattermost incoming webhooks show as they are (links auto-detected).</summary>
    private static string ChatText(DeliveryMessage message)
    {
        var text = new StringBuilder();
        var count = message.Alerts.Count;
        text.Append(CultureInfo.InvariantCulture, $"Monitor {(message.Digest ? "digest" : "alert")} for \"{message.Subscription.Name}\": {count} {(count == 1 ? "alert" : "alerts")}");
        foreach (var alert in message.Alerts)
        {
            text.Append("\n• ").Append(alert.Title);
            if (alert.MatchedTopics.Count > 0)
            {
                text.Append(" [").AppendJoin(", ", alert.MatchedTopics).Append(']');
            }

            if (!string.IsNullOrEmpty(alert.Url))
            {
                text.Append(" — ").Append(alert.Url);
            }
        }

        return text.ToString();
    }
}
