using System.Diagnostics;
using System.Globalization;
using Dapper;
using MimeKit;
using Monitor.Core.Alerts;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// Email end to end: the embedded dashboard (every worker in one process, SQLite) polls a feed on 127.0.0.1, matches
/// the statements against a user's subscriptions and mails them to a real SMTP server in the test process.
/// </summary>
public sealed class EmailDeliveryTests : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();
    private SmtpSink _sink = null!;
    private WebhookReceiver _webhook = null!;
    private FeedServer _feed = null!;
    private MonitorProcess _dashboard = null!;
    private Database _database = null!;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSink.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
        _webhook.Secret = "digest-secret";
        _feed = await FeedServer.StartAsync();
        var environment = Topology.Embedded(_sqlite.Path, _feed.FeedUrl);
        environment["Alerts__Smtp__Host"] = _sink.Host;
        environment["Alerts__Smtp__Port"] = _sink.Port.ToString(CultureInfo.InvariantCulture);
        environment["Alerts__Smtp__Security"] = "None";
        environment["Alerts__Smtp__From"] = "Monitor <alerts@monitor.example.org>";
        environment["Alerts__DigestPollInterval"] = "00:00:01";
        environment["Alerts__FirstRetryDelay"] = "00:00:01";
        environment["Alerts__AllowedNetworks__0"] = "127.0.0.1/32";
        _dashboard = MonitorProcess.Create(Topology.Dashboard, environment);
        await _dashboard.StartAsync();
        _database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={_sqlite.Path}" });
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        await _feed.DisposeAsync();
        await _sink.DisposeAsync();
        await _webhook.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_matching_statement_reaches_the_owner_as_exactly_one_email()
    {
        var user = await AddUserAsync("ana", "ana@example.org");
        var subscription = await AddSubscriptionAsync(user, "Collective defence", SubscriptionDelivery.Immediate, webhookUrl: null);

        _feed.Add(new TestFeedItem("mail-1", "NATO reaffirms Article 5 collective defence commitment",
            "Allies said their commitment to collective defence under Article 5 is iron-clad.", DateTimeOffset.UtcNow));
        _feed.Add(new TestFeedItem("mail-2", "Parliament debates fisheries quotas", "Members discussed fishing rights in the Baltic.", DateTimeOffset.UtcNow));
        var mail = Assert.Single(await _sink.WaitForAsync(1, TimeSpan.FromSeconds(60)));
        var deliveryId = await WaitForDeliveredAsync(subscription, 1);
        await WaitForPollsAsync(3);

        Assert.Single(_sink.Messages);
        Assert.Equal("[Monitor] Collective defence: NATO reaffirms Article 5 collective defence commitment", mail.Subject);
        Assert.Equal("ana@example.org", Assert.IsType<MailboxAddress>(Assert.Single(mail.To)).Address);
        Assert.Equal(deliveryId.ToString(CultureInfo.InvariantCulture), mail.Headers["X-Monitor-Delivery"]);
        Assert.Equal($"delivery-{deliveryId}@monitor.example.org", mail.MessageId);
        Assert.Contains("https://example.org/statements/mail-1", mail.TextBody);
        Assert.Contains("collective-defence", mail.TextBody);
        Assert.Contains("<a href=\"https://example.org/statements/mail-1\">NATO reaffirms Article 5 collective defence commitment</a>", mail.HtmlBody);
        Assert.DoesNotContain("fisheries", mail.TextBody);
    }

    [Fact]
    public async Task An_hourly_subscriptions_alerts_wait_and_then_go_as_one_digest_email_and_one_webhook()
    {
        var user = await AddUserAsync("ben", "ben@example.org");
        var subscription = await AddSubscriptionAsync(user, "Defence digest", SubscriptionDelivery.Hourly, _webhook.Url.ToString());

        _feed.Add(
            new TestFeedItem("digest-1", "NATO reaffirms Article 5 collective defence commitment", "Allies said collective defence under Article 5 is iron-clad.", DateTimeOffset.UtcNow),
            new TestFeedItem("digest-2", "Allies strengthen collective defence on the eastern flank", "More forces for collective defence and deterrence under Article 5.", DateTimeOffset.UtcNow));
        var waiting = await WaitForWaitingAlertsAsync(subscription, 2);
        await WaitForPollsAsync(2);

        Assert.Empty(_sink.Messages);
        Assert.Empty(_webhook.Received);
        Assert.Equal(0, await CountDeliveriesAsync(subscription));

        // The digest's hour has come: what the scheduler sees at the top of the hour.
        await using (var connection = await _database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE alerts SET digest_due_at = @Past WHERE subscription_id = @Id AND digest_due_at IS NOT NULL",
                new { Past = Database.ToDb(DateTimeOffset.UtcNow.AddSeconds(-1)), Id = subscription });
        }

        var mail = Assert.Single(await _sink.WaitForAsync(1, TimeSpan.FromSeconds(30)));
        await _webhook.WaitForAsync(accepted => accepted.Count >= 1, TimeSpan.FromSeconds(30));
        await WaitForDeliveredAsync(subscription, 2);
        await WaitForPollsAsync(2);

        Assert.Single(_sink.Messages);
        var hook = Assert.Single(_webhook.Received);
        Assert.True(hook.SignatureValid);
        Assert.Equal(waiting, hook.AlertIds.Order());
        using (var body = System.Text.Json.JsonDocument.Parse(hook.Body))
        {
            Assert.True(body.RootElement.GetProperty("digest").GetBoolean());
        }

        Assert.Equal("[Monitor] Defence digest: 2 alerts (hourly digest)", mail.Subject);
        Assert.Contains("NATO reaffirms Article 5 collective defence commitment", mail.TextBody);
        Assert.Contains("Allies strengthen collective defence on the eastern flank", mail.TextBody);
        Assert.Contains("https://example.org/statements/digest-1", mail.HtmlBody);
        Assert.Contains("https://example.org/statements/digest-2", mail.HtmlBody);
        Assert.Equal(2, waiting.Count);
        Assert.Equal(2, await CountDeliveriesAsync(subscription));
    }

    [Fact]
    public async Task A_deferred_email_is_retried_with_the_same_message_id_and_a_refused_address_is_dead_at_once()
    {
        var ana = await AddUserAsync("ana", "ana@example.org");
        var gone = await AddUserAsync("gone", "gone@example.org");
        var busy = await AddSubscriptionAsync(ana, "Collective defence", SubscriptionDelivery.Immediate, webhookUrl: null);
        var refused = await AddSubscriptionAsync(gone, "Collective defence", SubscriptionDelivery.Immediate, webhookUrl: null);
        _sink.RejectRecipient("gone@example.org");
        _sink.DeferNextMessages(1);

        _feed.Add(new TestFeedItem("retry-1", "NATO reaffirms Article 5 collective defence commitment",
            "Allies said their commitment to collective defence under Article 5 is iron-clad.", DateTimeOffset.UtcNow));
        var mail = Assert.Single(await _sink.WaitForAsync(1, TimeSpan.FromSeconds(60)));
        var deliveryId = await WaitForDeliveredAsync(busy, 1);
        var dead = await WaitForStateAsync(refused, "dead");
        await WaitForPollsAsync(3);

        Assert.Single(_sink.Messages);
        Assert.Equal(1, _sink.DeferredMessageCount);
        Assert.Equal($"delivery-{deliveryId}@monitor.example.org", mail.MessageId);
        Assert.Equal(2, (await DeliveryAsync(deliveryId)).Attempts);
        Assert.Equal(1, dead.Attempts);
        Assert.Equal(550, dead.LastStatus);
        Assert.Contains("550", dead.LastError);
    }

    private async Task<DeliveryRow> DeliveryAsync(long id)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.QuerySingleAsync<DeliveryRow>(
            "SELECT id AS Id, state AS State, attempts AS Attempts, last_status AS LastStatus, last_error AS LastError FROM deliveries WHERE id = @Id", new { Id = id });
    }

    private async Task<DeliveryRow> WaitForStateAsync(long subscriptionId, string state)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = await _database.OpenAsync();
            var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>("""
                SELECT id AS Id, state AS State, attempts AS Attempts, last_status AS LastStatus, last_error AS LastError
                FROM deliveries WHERE subscription_id = @Id AND state = @State
                """, new { Id = subscriptionId, State = state });
            if (row is not null)
            {
                return row;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"No {state} delivery for subscription {subscriptionId}:\n{_dashboard.Output}");
            await Task.Delay(100);
        }
    }

    private async Task<long> AddUserAsync(string userName, string email)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO users (user_name, display_name, email, role, security_stamp, disabled, created_at)
            VALUES (@UserName, @UserName, @Email, 'analyst', 'stamp', 0, @Now)
            RETURNING id
            """, new { UserName = userName, Email = email, Now = Database.ToDb(DateTimeOffset.UtcNow) });
    }

    private async Task<long> AddSubscriptionAsync(long userId, string name, string delivery, string? webhookUrl) =>
        await new SubscriptionStore(_database).AddAsync(new Subscription
        {
            UserId = userId,
            Name = name,
            Topics = ["collective-defence"],
            Delivery = delivery,
            Email = true,
            WebhookUrl = webhookUrl,
            WebhookSecret = webhookUrl is null ? null : "digest-secret",
            FeedTokenHash = Guid.NewGuid().ToString("N"),
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        });

    /// <summary>Waits until the subscription has <paramref name="count"/> delivered deliveries; returns the last one's id.</summary>
    private async Task<long> WaitForDeliveredAsync(long subscriptionId, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = await _database.OpenAsync();
            var ids = (await connection.QueryAsync<long>("SELECT id FROM deliveries WHERE subscription_id = @Id AND state = 'delivered' ORDER BY id",
                new { Id = subscriptionId })).ToList();
            if (ids.Count >= count)
            {
                return ids[^1];
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Only {ids.Count} of {count} deliveries delivered:\n{_dashboard.Output}");
            await Task.Delay(100);
        }
    }

    private async Task<List<long>> WaitForWaitingAlertsAsync(long subscriptionId, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = await _database.OpenAsync();
            var ids = (await connection.QueryAsync<long>("SELECT id FROM alerts WHERE subscription_id = @Id AND digest_due_at IS NOT NULL ORDER BY id",
                new { Id = subscriptionId })).ToList();
            if (ids.Count >= count)
            {
                return ids;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Only {ids.Count} of {count} alerts wait for the digest:\n{_dashboard.Output}");
            await Task.Delay(100);
        }
    }

    private async Task<long> CountDeliveriesAsync(long subscriptionId)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries WHERE subscription_id = @Id", new { Id = subscriptionId });
    }

    /// <summary>Lets the dashboard poll the feed a few more times: a repeat would have been sent by then.</summary>
    private async Task WaitForPollsAsync(int polls)
    {
        var before = _feed.Requests;
        while (_feed.Requests < before + polls)
        {
            await Task.Delay(200);
        }
    }

    private sealed class DeliveryRow
    {
        public long Id { get; init; }
        public string State { get; init; } = "";
        public int Attempts { get; init; }
        public int? LastStatus { get; init; }
        public string? LastError { get; init; }
    }
}
