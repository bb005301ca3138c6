using Dapper;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Data.Migrations;
using Monitor.Testing;

namespace Monitor.Data.Tests;

/// <summary>
/// Migration 22 rebuilds SQLite's subscriptions and alerts tables again, to allow the kind "event": the rows (a briefing
/// subscription and its alert among them), their ids, the references to them and the cascades are what they were.
/// </summary>
public sealed class SqliteEventKindMigrationTests
{
    [Fact]
    public async Task Migrating_keeps_subscriptions_alerts_and_deliveries_and_their_cascades_and_takes_the_event_kind()
    {
        using var file = new TempSqliteFile();
        await using var database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file.Path}" });
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        // The schema as the migrations before 22 left it, with a subscription that has an alert and its send.
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)");
            foreach (var (version, sql) in Migrator.LoadScripts(DatabaseProvider.Sqlite).Where(s => s.Version < 22))
            {
                await connection.ExecuteAsync(sql);
                await connection.ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (@Version, 0)", new { Version = version });
            }
        }

        var userId = await AlertsTestData.CreateUserAsync(database, "ana", "ana@example.org");
        var subscriptions = new SubscriptionStore(database);
        var kept = await subscriptions.AddAsync(AlertsTestData.Subscription(userId, "kept") with { Topics = ["sanctions"], IncludeHistory = true, WebhookUrl = "https://hooks.example.org/a" });
        var alert = await new AlertStore(database).RaiseAsync(
            new AlertRecord { SubscriptionId = kept, UserId = userId, StatementId = 7, Revision = 1, Title = "t", Url = "https://example.org/7", TriggeredAt = now },
            AlertStore.StatementKey(7), new AlertPlan { SubscriptionName = "kept", Deliveries = [new PlannedDelivery(DeliveryStore.Webhook, now)] });
        var weekly = await subscriptions.AddAsync(AlertsTestData.Subscription(userId, "weekly") with { Kind = SubscriptionKinds.Briefing });
        var weeklyAlert = await new AlertStore(database).RaiseAsync(
            new AlertRecord { SubscriptionId = weekly, UserId = userId, Kind = AlertKinds.Briefing, Title = "b", Url = "/briefing.html", TriggeredAt = now },
            "briefing:2026-11-30", new AlertPlan { SubscriptionName = "weekly" });
        var before = (await subscriptions.ListEnabledAsync()).First(s => s.Id == kept);

        var applied = await new Migrator(database).MigrateAsync();

        Assert.Equal(22, applied[0]); // and any later migration after it
        var after = (await subscriptions.ListEnabledAsync()).First(s => s.Id == kept);
        Assert.Equal(SubscriptionKinds.Briefing, (await subscriptions.ListEnabledAsync()).Single(s => s.Id == weekly).Kind);
        Assert.Equal(weeklyAlert!.Alert.Id, Assert.Single(await new AlertStore(database).ListForSubscriptionAsync(weekly)).Id);
        Assert.Equal((before.Id, before.Name, before.Kind, before.IncludeHistory, before.WebhookUrl, before.WebhookSecret, before.FeedTokenHash, before.CreatedAt),
            (after.Id, after.Name, after.Kind, after.IncludeHistory, after.WebhookUrl, after.WebhookSecret, after.FeedTokenHash, after.CreatedAt));
        Assert.Equal(before.Topics, after.Topics);
        Assert.Equal(alert!.Alert.Id, Assert.Single(await new AlertStore(database).ListForSubscriptionAsync(kept)).Id);
        Assert.Equal(alert.DeliveryIds, (await new DeliveryStore(database).ListForSubscriptionAsync(kept)).Select(d => d.Id));
        var events = await subscriptions.AddAsync(AlertsTestData.Subscription(userId, "both") with { Kind = SubscriptionKinds.Event, Topics = ["sanctions"] });
        Assert.NotNull(await new AlertStore(database).RaiseAsync(
            new AlertRecord { SubscriptionId = events, UserId = userId, Kind = AlertKinds.Event, Title = "NATO and the EP on: x", Url = "/event.html?id=3", TriggeredAt = now },
            AlertStore.EventKey(3), new AlertPlan { SubscriptionName = "both" }));
        Assert.Null(await new AlertStore(database).RaiseAsync(
            new AlertRecord { SubscriptionId = events, UserId = userId, Kind = AlertKinds.Event, Title = "again", Url = "/event.html?id=3", TriggeredAt = now },
            AlertStore.EventKey(3), new AlertPlan { SubscriptionName = "both" }));

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
