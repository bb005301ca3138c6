using System.Text.Json;
using Dapper;
using Monitor.Core.Alerts;

namespace Monitor.Data.Tests;

/// <summary>
/// Writes a subscription with only the columns every schema since migration 8 has, for the migration tests that start
/// from an old schema (SubscriptionStore names every column of the latest one, which an old table lacks).
/// </summary>
internal static class LegacySubscriptions
{
    public static async Task<long> AddAsync(Database database, Subscription s)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO subscriptions (user_id, name, kind, enabled, topics, topic_match, sources, document_types, min_score, query, drift_only,
                include_history, time_zone, delivery, digest_hour, in_app, email, webhook_url, webhook_format, webhook_secret, feed_token_hash,
                created_at, updated_at)
            VALUES (@UserId, @Name, @Kind, @Enabled, @Topics, @TopicMatch, @Sources, @DocumentTypes, @MinScore, @Query, @DriftOnly,
                @IncludeHistory, @TimeZone, @Delivery, @DigestHour, @InApp, @Email, @WebhookUrl, @WebhookFormat, @WebhookSecret, @FeedTokenHash,
                @CreatedAt, @UpdatedAt)
            RETURNING id
            """, new
        {
            s.UserId, s.Name, s.Kind, s.Enabled, Topics = JsonSerializer.Serialize(s.Topics), s.TopicMatch, Sources = JsonSerializer.Serialize(s.Sources),
            DocumentTypes = JsonSerializer.Serialize(s.DocumentTypes), s.MinScore, s.Query, s.DriftOnly, s.IncludeHistory, s.TimeZone, s.Delivery,
            s.DigestHour, s.InApp, s.Email, s.WebhookUrl, s.WebhookFormat, s.WebhookSecret, s.FeedTokenHash,
            CreatedAt = Database.ToDb(s.CreatedAt), UpdatedAt = Database.ToDb(s.UpdatedAt),
        });
    }
}
