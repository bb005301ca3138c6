using System.Text.Json;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// Webhook delivery end to end through a real Alerts process over RabbitMQ and PostgreSQL: a statement stored in the
/// database is relayed from the outbox as StatementStored, matched by the process, and POSTed, signed, to a receiver
/// on 127.0.0.1 that checks the signature; retries, dead letters and the loopback refusal included.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private PostgresDatabase _postgres = null!;
    private RabbitMqVirtualHost _rabbit = null!;
    private Database _database = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresDatabase.CreateAsync();
        _rabbit = await RabbitMqVirtualHost.CreateAsync();
        _database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _postgres.ConnectionString });
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        await _rabbit.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_matching_statement_is_posted_signed_in_the_json_and_the_chat_format()
    {
        await StartAlertsAsync(allowLoopback: true);
        var json = await ReceiverAsync();
        var chat = await ReceiverAsync();
        var userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
        var jsonSubscription = await SubscribeAsync(userId, json, "json", ["sanctions"]);
        var chatSubscription = await SubscribeAsync(userId, chat, "chat", ["sanctions"]);

        var other = await StoreAsync("Parliament debates cyber defence", "cyber-hybrid");
        var stored = await StoreAsync("Council extends sanctions on Russia", "sanctions");

        await json.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(60));
        await chat.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        var posted = Assert.Single(json.Received);
        Assert.True(posted.SignatureValid);
        Assert.InRange(posted.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var body = JsonDocument.Parse(posted.Body);
        Assert.Equal(posted.DeliveryId, body.RootElement.GetProperty("deliveryId").GetInt64());
        Assert.Equal(jsonSubscription.Id, body.RootElement.GetProperty("subscription").GetProperty("id").GetInt64());
        var alert = Assert.Single(body.RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal(stored.StatementId, alert.GetProperty("statementId").GetInt64());
        Assert.Equal("Council extends sanctions on Russia", alert.GetProperty("title").GetString());
        Assert.Equal(["sanctions"], alert.GetProperty("matchedTopics").EnumerateArray().Select(t => t.GetString()));

        var chatPost = Assert.Single(chat.Received);
        Assert.True(chatPost.SignatureValid);
        using var chatBody = JsonDocument.Parse(chatPost.Body);
        Assert.Equal(["text"], chatBody.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains("Council extends sanctions on Russia", chatBody.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The receiver answers before the dispatcher records the answer: wait for the record, not only the POST.
        var deliveries = new DeliveryStore(_database);
        await WaitForStateAsync(deliveries, jsonSubscription.Id, DeliveryStates.Delivered);
        await WaitForStateAsync(deliveries, chatSubscription.Id, DeliveryStates.Delivered);
        Assert.DoesNotContain(await new AlertStore(_database).ListForSubscriptionAsync(jsonSubscription.Id), a => a.StatementId == other.StatementId);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_until_it_accepts_and_one_that_always_fails_leaves_a_dead_delivery()
    {
        await StartAlertsAsync(allowLoopback: true);
        var flaky = await ReceiverAsync();
        flaky.FailFirst = 2;
        var broken = await ReceiverAsync();
        broken.AlwaysFail = true;
        broken.FailStatus = 502;
        var userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
        var flakySubscription = await SubscribeAsync(userId, flaky, "json", []);
        var brokenSubscription = await SubscribeAsync(userId, broken, "json", []);

        await StoreAsync("Allies reaffirm Article 5", "collective-defence");

        var deliveries = new DeliveryStore(_database);
        var delivered = await WaitForStateAsync(deliveries, flakySubscription.Id, DeliveryStates.Delivered);
        var dead = await WaitForStateAsync(deliveries, brokenSubscription.Id, DeliveryStates.Dead);

        Assert.Equal([500, 500, 204], flaky.Received.Select(r => r.AnsweredStatus));
        Assert.Single(flaky.Received.Select(r => r.DeliveryId).Distinct());
        Assert.Equal(3, delivered.Attempts);
        Assert.Equal(3, broken.Received.Count);
        Assert.Equal((3, 502), (dead.Attempts, dead.LastStatus));
        Assert.Contains("502", dead.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_target_is_refused_at_connect_unless_allowed_and_the_delivery_is_dead_with_the_reason()
    {
        var alerts = await StartAlertsAsync(allowLoopback: false);
        var receiver = await ReceiverAsync();
        var userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
        var subscription = await SubscribeAsync(userId, receiver, "json", []);

        await StoreAsync("Allies reaffirm Article 5", "collective-defence");

        var dead = await WaitForStateAsync(new DeliveryStore(_database), subscription.Id, DeliveryStates.Dead);
        Assert.Empty(receiver.Received);
        Assert.Equal(1, dead.Attempts);
        Assert.Null(dead.LastStatus);
        Assert.Contains("127.0.0.1 is a loopback address; allow it with Alerts:AllowedNetworks", dead.LastError, StringComparison.Ordinal);
        await alerts.WaitForOutputAsync("is dead after 1 attempts", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_allowed_network_that_is_not_cidr_stops_the_process_at_start_with_the_setting_named()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAlertsAsync(allowLoopback: false, allowed: "localhost"));

        Assert.Contains("Alerts:AllowedNetworks must hold networks in CIDR notation", failure.Message, StringComparison.Ordinal);
    }

    private async Task<MonitorProcess> StartAlertsAsync(bool allowLoopback, string? allowed = null)
    {
        var environment = Topology.Distributed(_rabbit, _postgres.ConnectionString, new Uri("http://127.0.0.1:9/unused.xml"));
        if (allowed is not null)
        {
            environment["Alerts__AllowedNetworks__0"] = allowed;
        }

        environment["Alerts__MaxAttempts"] = "3";
        environment["Alerts__FirstRetryDelay"] = "00:00:00.200";
        environment["Alerts__MaxRetryDelay"] = "00:00:01";
        if (allowLoopback)
        {
            environment["Alerts__AllowedNetworks__0"] = "127.0.0.1/32";
        }

        var process = MonitorProcess.Create("workers/Monitor.Alerts", environment);
        _disposables.Add(process);
        await process.StartAsync();
        return process;
    }

    private async Task<WebhookReceiver> ReceiverAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        _disposables.Add(receiver);
        return receiver;
    }

    private async Task<Subscription> SubscribeAsync(long userId, WebhookReceiver receiver, string format, IReadOnlyList<string> topics)
    {
        var subscription = AlertsTestData.Subscription(userId, $"{format} hook") with { Topics = topics, WebhookUrl = receiver.Url.ToString(), WebhookFormat = format };
        receiver.Secret = subscription.WebhookSecret!;
        return subscription with { Id = await new SubscriptionStore(_database).AddAsync(subscription) };
    }

    private async Task<StatementStored> StoreAsync(string title, string topic)
    {
        var now = DateTimeOffset.UtcNow;
        var id = Guid.NewGuid().ToString("N");
        var discovered = new StatementDiscovered("ep-press-releases", id, $"https://example.org/{id}", title, "Summary", "Body", now, "en", id, now);
        return await new StatementStore(_database).StoreAsync(new StatementTagged(discovered, [new TopicScore(topic, 0.8, [])], "v1", now), now)
            ?? throw new InvalidOperationException("not stored");
    }

    private static async Task<DeliveryRecord> WaitForStateAsync(DeliveryStore deliveries, long subscriptionId, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var delivery = (await deliveries.ListForSubscriptionAsync(subscriptionId)).SingleOrDefault();
            if (delivery?.State == state)
            {
                return delivery;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Delivery of subscription {subscriptionId} is {delivery?.State ?? "missing"} ({delivery?.LastError}), not {state}.");
            }

            await Task.Delay(100);
        }
    }
}
