using Dapper;
using Monitor.Data.Alerts;
using Monitor.Data.Migrations;
using Monitor.Testing;

namespace Monitor.Data.Tests;

/// <summary>
/// Migration 27 adds the ntfy and Telegram columns to subscriptions and rebuilds SQLite's deliveries table to allow
/// their channels: the deliveries (ids, states, trace parents) and the cascade from their subscription are what they were.
/// </summary>
public sealed class SqliteChatChannelsMigrationTests
{
    [Fact]
    public async Task Migrating_keeps_deliveries_and_their_cascade_and_takes_ntfy_and_telegram()
    {
        using var file = new TempSqliteFile();
        await using var database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file.Path}" });
        var now = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)");
            foreach (var (version, sql) in Migrator.LoadScripts(DatabaseProvider.Sqlite).Where(s => s.Version < 27))
            {
                await connection.ExecuteAsync(sql);
                await connection.ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (@Version, 0)", new { Version = version });
            }
        }

        var userId = await AlertsTestData.CreateUserAsync(database, "ana", "ana@example.org");
        long subscriptionId;
        await using (var connection = await database.OpenAsync())
        {
            // Written as the schema before 27 has it (the store's SQL already names the new columns).
            var subscription = AlertsTestData.Subscription(userId, "kept");
            subscriptionId = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO subscriptions (user_id, name, kind, topics, topic_match, sources, document_types, min_score, time_zone, delivery, digest_hour,
                    webhook_url, webhook_format, webhook_secret, feed_token_hash, created_at, updated_at)
                VALUES (@UserId, 'kept', 'statements', '[]', 'any', '[]', '[]', 0, 'UTC', 'immediate', 8, 'https://hooks.example.org/a', 'json', 's', @Hash, 0, 0)
                RETURNING id
                """, new { UserId = userId, Hash = subscription.FeedTokenHash });
            await connection.ExecuteAsync("""
                INSERT INTO deliveries (subscription_id, channel, alert_ids, state, attempts, next_attempt_at, created_at, last_error, trace_parent)
                VALUES (@Id, 'webhook', '[1]', 'dead', 8, 0, 0, 'gone', '00-abc-def-01'), (@Id, 'email', '[2]', 'pending', 0, 0, 0, NULL, NULL)
                """, new { Id = subscriptionId });
        }

        var applied = await new Migrator(database).MigrateAsync();

        Assert.Equal(27, applied[0]);
        var deliveries = new DeliveryStore(database);
        var kept = await deliveries.ListForSubscriptionAsync(subscriptionId);
        Assert.Equal([("webhook", "dead", 8, "gone"), ("email", "pending", 0, null)], kept.Select(d => (d.Channel, d.State, d.Attempts, d.LastError)));
        var subscriptions = new SubscriptionStore(database);
        var after = (await subscriptions.GetAsync(subscriptionId, userId))!;
        Assert.Equal(("https://hooks.example.org/a", null, 3, "HTML"), (after.WebhookUrl, after.NtfyUrl, after.NtfyPriority, after.TelegramParseMode));
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal("00-abc-def-01", await connection.ExecuteScalarAsync<string>("SELECT trace_parent FROM deliveries WHERE channel = 'webhook'"));
            await connection.ExecuteAsync("INSERT INTO deliveries (subscription_id, channel, alert_ids, state, attempts, next_attempt_at, created_at) VALUES (@Id, 'telegram', '[3]', 'pending', 0, 0, 0)",
                new { Id = subscriptionId });
            await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync(
                "INSERT INTO deliveries (subscription_id, channel, alert_ids, state, attempts, next_attempt_at, created_at) VALUES (@Id, 'pigeon', '[3]', 'pending', 0, 0, 0)",
                new { Id = subscriptionId }));
        }

        Assert.True(await subscriptions.DeleteAsync(subscriptionId, userId));
        Assert.Empty(await deliveries.ListForSubscriptionAsync(subscriptionId));
    }
}
