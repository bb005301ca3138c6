using System.Text;
using System.Text.Json;
using Monitor.Alerts.Delivery;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;

namespace Monitor.Workers.Tests.Alerts;

public sealed class WebhookPayloadTests
{
    [Fact]
    public void The_signature_is_the_hex_hmac_of_timestamp_dot_body_as_openssl_computes_it()
    {
        // printf '%s.' 1764450000 | cat - body.json | openssl dgst -sha256 -hmac s3cret   (body.json: {"text":"hi"})
        Assert.Equal("sha256=c5250fb1b0bf91571e1f47832a83fc31053f867b50cfc2344728071240aa3b4a",
            WebhookPayload.Sign("s3cret", 1764450000, Encoding.UTF8.GetBytes("{\"text\":\"hi\"}")));
    }

    [Fact]
    public void The_json_body_carries_the_delivery_the_subscription_and_each_alert_with_its_detail()
    {
        var subscription = new Subscription { Id = 4, Name = "Spikes", WebhookFormat = "json" };
        var spike = new AlertRecord
        {
            Id = 9, SubscriptionId = 4, Kind = "spike", TopicId = "sanctions", Title = "Spike in sanctions", Url = "/topic.html?id=sanctions",
            MatchedTopics = ["sanctions"], Detail = """{"count":7,"usualPerWindow":1.5,"windowHours":6,"factor":3}""",
            TriggeredAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero),
        };

        using var body = JsonDocument.Parse(WebhookPayload.Body(new DeliveryMessage(12, subscription, new AlertRecipient(1, "ana", "Ana", null), [spike], Digest: false)));

        var root = body.RootElement;
        Assert.Equal(["deliveryId", "subscription", "digest", "alerts"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal((12, 4, "Spikes"), (root.GetProperty("deliveryId").GetInt64(), root.GetProperty("subscription").GetProperty("id").GetInt64(), root.GetProperty("subscription").GetProperty("name").GetString()));
        var alert = Assert.Single(root.GetProperty("alerts").EnumerateArray());
        Assert.Equal((9, "spike", "sanctions", "Spikes"), (alert.GetProperty("id").GetInt64(), alert.GetProperty("kind").GetString(), alert.GetProperty("topicId").GetString(), alert.GetProperty("subscriptionName").GetString()));
        Assert.Equal(7, alert.GetProperty("detail").GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("statementId").ValueKind);
    }

    [Fact]
    public void The_chat_body_is_only_text_with_a_line_per_alert()
    {
        var subscription = new Subscription { Id = 4, Name = "Sanctions", WebhookFormat = "chat" };
        AlertRecord[] alerts =
        [
            new() { Id = 1, Title = "Council extends sanctions", Url = "https://example.org/1", MatchedTopics = ["sanctions"] },
            new() { Id = 2, Title = "Price cap agreed", Url = "https://example.org/2", MatchedTopics = ["sanctions", "defence-spending"] },
        ];

        using var body = JsonDocument.Parse(WebhookPayload.Body(new DeliveryMessage(3, subscription, new AlertRecipient(1, "ana", "Ana", null), alerts, Digest: true)));

        Assert.Equal(["text"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            "Monitor digest for \"Sanctions\": 2 alerts\n• Council extends sanctions [sanctions] — https://example.org/1\n• Price cap agreed [sanctions, defence-spending] — https://example.org/2",
            body.RootElement.GetProperty("text").GetString());
    }
}
