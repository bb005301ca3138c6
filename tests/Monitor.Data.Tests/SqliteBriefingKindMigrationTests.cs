using Dapper;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Data.Migrations;
using Monitor.Testing;

namespace Monitor.Data.Tests;

/// <summary>
/// Migration 17 rebuilds SQLite's subscriptions and alerts tables to allow the kind "briefing": the rows, their ids,
/// the references to them and the cascades are what they were.
/// </summary>
public sealed class SqliteBriefingKindMigrationTests
{
    [Fact]
    public async Task Migrating_keeps_subscriptions_alerts_and_deliveries_and_their_cascades_and_takes_the_briefing_kind()
    {
        using var file = new TempSqliteFile();
        await using var database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file.Path}" });
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        // The schema as version 16 left it, with a subscription that has an alert and its send.
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)");
            foreach (var (version, sql) in Migrator.LoadScripts(DatabaseProvider.Sqlite).Where(s => s.Version <= 16))
            {
                await connection.ExecuteAsync(sql);
                await connection.ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (@Version, 0)", new { Version = version });
            }
        }

        var userId = await AlertsTestData.CreateUserAsync(database, "ana", "ana@example.org");
        var subscriptions = new SubscriptionStore(database);
        var keptSubscription = AlertsTestData.Subscription(userId, "kept") with
        {
            Topics = ["sanctions"], IncludeHistory = true, WebhookUrl = "https://hooks.example.org/a", CreatedAt = now, UpdatedAt = now,
        };
        var kept = await LegacySubscriptions.AddAsync(database, keptSubscription);
        var alert = await new AlertStore(database).RaiseAsync(
            new AlertRecord { SubscriptionId = kept, UserId = userId, StatementId = 7, Revision = 1, Title = "t", Url = "https://example.org/7", TriggeredAt = now },
            AlertStore.StatementKey(7), new AlertPlan { SubscriptionName = "kept", Deliveries = [new PlannedDelivery(DeliveryStore.Webhook, now)] });
        var before = keptSubscription with { Id = kept };

        var applied = await new Migrator(database).MigrateAsync();

        Assert.Contains(17, applied);
        var after = (await subscriptions.ListEnabledAsync()).Single();
        Assert.Equal((before.Id, before.Name, before.Kind, before.IncludeHistory, before.WebhookUrl, before.WebhookSecret, before.FeedTokenHash, before.CreatedAt),
            (after.Id, after.Name, after.Kind, after.IncludeHistory, after.WebhookUrl, after.WebhookSecret, after.FeedTokenHash, after.CreatedAt));
        Assert.Equal(before.Topics, after.Topics);
        Assert.Equal(alert!.Alert.Id, Assert.Single(await new AlertStore(database).ListForSubscriptionAsync(kept)).Id);
        Assert.Equal(alert.DeliveryIds, (await new DeliveryStore(database).ListForSubscriptionAsync(kept)).Select(d => d.Id));
        var briefing = await subscriptions.AddAsync(AlertsTestData.Subscription(userId, "weekly") with { Kind = SubscriptionKinds.Briefing });
        Assert.NotNull(await new AlertStore(database).RaiseAsync(
            new AlertRecord { SubscriptionId = briefing, UserId = userId, Kind = AlertKinds.Briefing, Title = "b", Url = "/briefing.html", TriggeredAt = now },
            "briefing:2026-11-30", new AlertPlan { SubscriptionName = "weekly" }));

        // The cascades still hold: a subscription's alerts and sends go with it, a user's subscriptions with the user.
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM subscriptions WHERE id = @Id", new { Id = kept });
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts WHERE subscription_id = @Id", new { Id = kept }));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deliveries WHERE subscription_id = @Id", new { Id = kept }));
            await connection.ExecuteAsync("DELETE FROM users WHERE id = @Id", new { Id = userId });
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM subscriptions"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alerts"));
            Assert.Equal(
                ["ix_alerts_digest_due", "ix_alerts_subscription", "ix_alerts_user", "ix_subscriptions_user"],
                await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%' AND tbl_name IN ('alerts', 'subscriptions') ORDER BY name"));
        }
    }
}
