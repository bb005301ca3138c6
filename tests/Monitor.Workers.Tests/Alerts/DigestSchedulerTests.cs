using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.Alerts.Delivery;
using Monitor.Alerts.Digests;
using Monitor.Core.Alerts;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Migrations;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>The digest scheduler's pass on a real SQLite file: which digests it closes and what it queues.</summary>
public sealed class DigestSchedulerTests : IAsyncLifetime
{
    private MigratedSqlite _sqlite = null!;

    private Database _database => _sqlite.Database;

    public async Task InitializeAsync() => _sqlite = await MigratedSqlite.CreateAsync();

    public Task DisposeAsync() => _sqlite.DisposeAsync();

    [Fact]
    public async Task A_pass_queues_due_digests_on_email_and_webhook_and_leaves_the_rest_waiting()
    {
        var now = TimeProvider.System.GetUtcNow();
        var user = await AddUserAsync();
        var hourly = await AddSubscriptionAsync(user, SubscriptionDelivery.Hourly);
        var daily = await AddSubscriptionAsync(user, SubscriptionDelivery.Daily);
        await AddAlertAsync(hourly, user, "a", now.AddMinutes(-1));
        await AddAlertAsync(hourly, user, "b", now.AddSeconds(-1));
        await AddAlertAsync(daily, user, "a", now.AddHours(5));

        var closed = await Scheduler(smtpHost: "127.0.0.1").RunOnceAsync(CancellationToken.None);
        var again = await Scheduler(smtpHost: "127.0.0.1").RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, closed);
        Assert.Equal(0, again);
        await using var connection = await _database.OpenAsync();
        var deliveries = (await connection.QueryAsync<(long, string, string)>(
            "SELECT subscription_id, channel, alert_ids FROM deliveries ORDER BY channel")).ToList();
        Assert.Equal([(hourly, "email", "[1,2]"), (hourly, "webhook", "[1,2]")], deliveries);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts WHERE digest_due_at IS NOT NULL"));
    }

    [Fact]
    public async Task Without_smtp_a_digest_goes_to_the_webhook_only()
    {
        var now = TimeProvider.System.GetUtcNow();
        var user = await AddUserAsync();
        var hourly = await AddSubscriptionAsync(user, SubscriptionDelivery.Hourly);
        await AddAlertAsync(hourly, user, "a", now.AddMinutes(-1));

        await Scheduler(smtpHost: null).RunOnceAsync(CancellationToken.None);

        await using var connection = await _database.OpenAsync();
        Assert.Equal(["webhook"], await connection.QueryAsync<string>("SELECT channel FROM deliveries"));
    }

    private DigestScheduler Scheduler(string? smtpHost) =>
        new(new DigestStore(_database), new DeliverySignal(), Options.Create(new AlertsOptions { Smtp = new SmtpOptions { Host = smtpHost } }), TimeProvider.System,
            NullLogger<DigestScheduler>.Instance);

    private async Task<long> AddUserAsync()
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO users (user_name, display_name, email, role, security_stamp, disabled, created_at)
            VALUES ('ana', 'Ana', 'ana@example.org', 'analyst', 'stamp', 0, 0)
            RETURNING id
            """);
    }

    private async Task<long> AddSubscriptionAsync(long userId, string delivery) =>
        await new SubscriptionStore(_database).AddAsync(new Subscription
        {
            UserId = userId,
            Name = delivery,
            Delivery = delivery,
            Email = true,
            WebhookUrl = "https://hooks.example.org/" + delivery,
            WebhookSecret = "secret",
            FeedTokenHash = delivery,
        });

    private async Task AddAlertAsync(long subscriptionId, long userId, string key, DateTimeOffset dueAt)
    {
        await using var connection = await _database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO alerts (subscription_id, user_id, dedupe_key, kind, title, url, matched_topics, triggered_at, digest_due_at)
            VALUES (@SubscriptionId, @UserId, @Key, 'statement', @Key, 'https://example.org/', '[]', 0, @DueAt)
            """, new { SubscriptionId = subscriptionId, UserId = userId, Key = key, DueAt = Database.ToDb(dueAt) });
    }
}
