using System.Security.Cryptography;
using Dapper;
using Monitor.Core.Alerts;
using Monitor.Data;
using Monitor.Data.Alerts;

namespace Monitor.Testing;

/// <summary>Users and subscriptions written straight to the database, for the alert matching and delivery tests.</summary>
public static class AlertsTestData
{
    /// <returns>The new user's id (role analyst).</returns>
    public static async Task<long> CreateUserAsync(Database database, string userName, string? email = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO users (user_name, display_name, email, role, security_stamp, created_at)
            VALUES (@UserName, @UserName, @Email, 'analyst', @Stamp, @Now)
            RETURNING id
            """, new { UserName = userName, Email = email, Stamp = Guid.NewGuid().ToString("N"), Now = Database.ToDb(DateTimeOffset.UtcNow) });
    }

    /// <summary>A "statements" subscription of <paramref name="userId"/> with a unique feed token hash; adjust with <c>with</c>.</summary>
    public static Subscription Subscription(long userId, string name = "test") => new()
    {
        UserId = userId,
        Name = name,
        FeedTokenHash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        WebhookSecret = "whsec-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };
}
