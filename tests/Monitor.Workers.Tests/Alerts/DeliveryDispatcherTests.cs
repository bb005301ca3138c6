using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.Alerts.Delivery;
using Monitor.Core.Alerts;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Migrations;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>
/// The dispatcher and the webhook channel in process, on a real SQLite file, against a real receiver on 127.0.0.1
/// that verifies signatures: delivered, retried, dead, refused, and competing dispatchers sending each row once.
/// </summary>
public sealed class DeliveryDispatcherTests : IAsyncLifetime
{
    private MigratedSqlite _sqlite = null!;
    private Database _database = null!;
    private WebhookReceiver _receiver = null!;
    private long _userId;

    public async Task InitializeAsync()
    {
        _sqlite = await MigratedSqlite.CreateAsync();
        _database = _sqlite.Database;
        _userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_delivery_is_posted_signed_with_the_json_body_and_marked_delivered()
    {
        var (subscription, deliveryId, alert) = await QueueAsync("json");
        await using var dispatcher = await StartAsync(allowLoopback: true);

        await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        var received = Assert.Single(_receiver.Received);
        Assert.True(received.SignatureValid);
        Assert.Equal(deliveryId, received.DeliveryId);
        Assert.Equal(("application/json; charset=utf-8", "Monitor-Webhooks/1.0"), (received.ContentType, received.UserAgent));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(deliveryId, body.RootElement.GetProperty("deliveryId").GetInt64());
        Assert.Equal(subscription.Id, body.RootElement.GetProperty("subscription").GetProperty("id").GetInt64());
        Assert.False(body.RootElement.GetProperty("digest").GetBoolean());
        var sent = Assert.Single(body.RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal((alert, "Council extends sanctions"), (sent.GetProperty("id").GetInt64(), sent.GetProperty("title").GetString()));
        Assert.Equal(1, (await new DeliveryStore(_database).GetAsync(deliveryId))!.Attempts);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_backoff_then_delivered()
    {
        _receiver.FailFirst = 2;
        var (_, deliveryId, _) = await QueueAsync("chat");
        await using var dispatcher = await StartAsync(allowLoopback: true);

        await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        Assert.Equal([500, 500, 204], _receiver.Received.Select(r => r.AnsweredStatus));
        Assert.All(_receiver.Received, r => Assert.Equal(deliveryId, r.DeliveryId));
        using var chat = JsonDocument.Parse(_receiver.Received[^1].Body);
        Assert.Equal(["text"], chat.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains("Council extends sanctions", chat.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await new DeliveryStore(_database).GetAsync(deliveryId))!.Attempts);
    }

    [Fact]
    public async Task Sends_are_counted_by_channel_and_result_for_the_metrics_endpoint()
    {
        // The meter is process-wide and other tests send too: count only this test's channel-result pairs, at least.
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Monitor.Hosting.Telemetry.MonitorMetrics.MeterName && instrument.Name == "monitor.alert.deliveries")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var labels = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            counted.AddOrUpdate($"{labels["channel"]}/{labels["result"]}", value, (_, total) => total + value);
        });
        listener.Start();
        _receiver.FailFirst = 2;
        var (_, deliveryId, _) = await QueueAsync("chat");
        await using var dispatcher = await StartAsync(allowLoopback: true);

        await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        Assert.True(counted.GetValueOrDefault("webhook/retry") >= 2, string.Join(", ", counted));
        Assert.True(counted.GetValueOrDefault("webhook/delivered") >= 1, string.Join(", ", counted));
    }

    [Fact]
    public async Task A_receiver_that_always_fails_leaves_the_delivery_dead_and_a_replay_sends_it_again()
    {
        _receiver.AlwaysFail = true;
        _receiver.FailStatus = 503;
        var (subscription, deliveryId, _) = await QueueAsync("json");
        await using var dispatcher = await StartAsync(allowLoopback: true);

        var dead = await WaitForStateAsync(deliveryId, DeliveryStates.Dead);

        Assert.Equal((3, 503), (dead.Attempts, dead.LastStatus));
        Assert.Contains("503", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(3, _receiver.Received.Count);

        _receiver.AlwaysFail = false;
        var store = new DeliveryStore(_database);
        Assert.Equal(DeliveryReplay.NotFound, await store.ReplayAsync(deliveryId, _userId + 1, DateTimeOffset.UtcNow));
        Assert.Equal(DeliveryReplay.Replayed, await store.ReplayAsync(deliveryId, subscription.UserId, DateTimeOffset.UtcNow));
        await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);
        Assert.Equal(4, _receiver.Received.Count);
    }

    [Fact]
    public async Task Gone_is_permanent_and_dead_at_once()
    {
        _receiver.AlwaysFail = true;
        _receiver.FailStatus = 410;
        var (_, deliveryId, _) = await QueueAsync("json");
        await using var dispatcher = await StartAsync(allowLoopback: true);

        var dead = await WaitForStateAsync(deliveryId, DeliveryStates.Dead);

        Assert.Equal((1, 410), (dead.Attempts, dead.LastStatus));
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_send_queued_before_its_owner_was_demoted_to_viewer_is_dead_and_never_posted()
    {
        var (_, deliveryId, _) = await QueueAsync("json");
        await new Monitor.Data.Accounts.UserStore(_database).UpdateAsync(_userId, "viewer", false, "ana@example.org", "ana");
        await using var dispatcher = await StartAsync(allowLoopback: true);

        var dead = await WaitForStateAsync(deliveryId, DeliveryStates.Dead);

        Assert.Empty(_receiver.Received);
        Assert.Contains("suspended", dead.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_target_not_allowed_is_refused_at_connect_and_dead_with_the_reason()
    {
        var (_, deliveryId, _) = await QueueAsync("json");
        await using var dispatcher = await StartAsync(allowLoopback: false);

        var dead = await WaitForStateAsync(deliveryId, DeliveryStates.Dead);

        Assert.Empty(_receiver.Received);
        Assert.Null(dead.LastStatus);
        Assert.Contains("127.0.0.1 is a loopback address; allow it with Alerts:AllowedNetworks", dead.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Competing_dispatchers_send_each_delivery_once()
    {
        var ids = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add((await QueueAsync("json")).DeliveryId);
        }

        await using (var first = await StartAsync(allowLoopback: true))
        await using (var second = await StartAsync(allowLoopback: true))
        await using (var third = await StartAsync(allowLoopback: true))
        {
            foreach (var id in ids)
            {
                await WaitForStateAsync(id, DeliveryStates.Delivered);
            }
        }

        Assert.Equal(ids.Order(), _receiver.Received.Select(r => r.DeliveryId).Order());
    }

    private async Task<(Subscription Subscription, long DeliveryId, long AlertId)> QueueAsync(string format)
    {
        var subscription = AlertsTestData.Subscription(_userId, "sanctions") with { WebhookUrl = _receiver.Url.ToString(), WebhookFormat = format };
        subscription = subscription with { Id = await new SubscriptionStore(_database).AddAsync(subscription) };
        _receiver.Secret = subscription.WebhookSecret!;
        var raised = await new AlertStore(_database).RaiseAsync(new AlertRecord
        {
            SubscriptionId = subscription.Id, UserId = _userId, StatementId = 7, Revision = 1, Title = "Council extends sanctions",
            Url = "https://example.org/7", MatchedTopics = ["sanctions"], TriggeredAt = DateTimeOffset.UtcNow,
        }, AlertStore.StatementKey(7), new AlertPlan
        {
            SubscriptionName = subscription.Name, Deliveries = [new PlannedDelivery(DeliveryStore.Webhook, DateTimeOffset.UtcNow)],
        });
        return (subscription, Assert.Single(raised!.DeliveryIds), raised.Alert.Id);
    }

    private async Task<DeliveryRecord> WaitForStateAsync(long deliveryId, string state)
    {
        var store = new DeliveryStore(_database);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var delivery = await store.GetAsync(deliveryId);
        while (delivery?.State != state && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            delivery = await store.GetAsync(deliveryId);
        }

        Assert.Equal(state, delivery?.State);
        return delivery!;
    }

    private async Task<ServiceProvider> StartAsync(bool allowLoopback)
    {
        var options = new AlertsOptions
        {
            AllowedNetworks = allowLoopback ? ["127.0.0.1/32"] : [],
            MaxAttempts = 3,
            FirstRetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(400),
            SendTimeout = TimeSpan.FromSeconds(5),
        };
        var services = new ServiceCollection()
            .AddSingleton(_database)
            .AddSingleton<DeliveryStore>()
            .AddSingleton<DeliverySignal>()
            .AddSingleton(Options.Create(options))
            .AddSingleton(TimeProvider.System)
            .AddLogging();
        WebhookChannel.AddWebhookChannel(services);
        services.AddSingleton<IHostedService, DeliveryDispatcher>();
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return provider;
    }

    [Theory]
    [InlineData(1, 0.0, 24)] // 30 s − 20%
    [InlineData(1, 0.5, 30)]
    [InlineData(3, 0.5, 120)] // 30 s × 2²
    [InlineData(5, 0.999999, 576)] // 480 s + 20%
    [InlineData(20, 0.5, 3600)] // capped at an hour
    public void Retries_back_off_exponentially_with_jitter_up_to_the_cap(int attempts, double random, double seconds)
    {
        var options = new AlertsOptions { FirstRetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromHours(1) };

        Assert.Equal(seconds, DeliveryDispatcher.RetryDelay(options, attempts, random).TotalSeconds, 2);
    }
}
