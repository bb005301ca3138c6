using System.Text.Json;
using Dapper;
using Monitor.Core.Alerts;

namespace Monitor.Data.Alerts;

/// <summary>
/// The <c>subscriptions</c> table. Every read and write that a user makes names the owner, so another user's id
/// finds nothing; the Alerts worker reads the enabled ones of every user.
/// </summary>
public sealed class SubscriptionStore(Database database)
{
    /// <summary>
    /// Of a <c>users</c> row: the owner may have subscriptions running (enabled, analyst or admin). A subscription of
    /// any other owner is suspended: kept, but it matches nothing, sends nothing, and its feed answers 404.
    /// </summary>
    public const string MaySubscribeSql = "NOT disabled AND role IN ('analyst', 'admin')";

    private const string Columns = $"""
        id AS Id, user_id AS UserId, name AS Name, kind AS Kind, enabled AS Enabled, topics AS Topics,
        topic_match AS TopicMatch, sources AS Sources, document_types AS DocumentTypes, min_score AS MinScore,
        query AS Query, drift_only AS DriftOnly, include_history AS IncludeHistory, spike_window_hours AS SpikeWindowHours, spike_factor AS SpikeFactor,
        quiet_start AS QuietStart, quiet_end AS QuietEnd, time_zone AS TimeZone, delivery AS Delivery,
        digest_hour AS DigestHour, in_app AS InApp, email AS Email, webhook_url AS WebhookUrl,
        webhook_format AS WebhookFormat, webhook_secret AS WebhookSecret, feed_token_hash AS FeedTokenHash,
        ntfy_url AS NtfyUrl, ntfy_token AS NtfyToken, ntfy_priority AS NtfyPriority, ntfy_tags AS NtfyTags,
        telegram_chat_id AS TelegramChatId, telegram_bot_token AS TelegramBotToken, telegram_parse_mode AS TelegramParseMode,
        created_at AS CreatedAt, updated_at AS UpdatedAt,
        NOT EXISTS (SELECT 1 FROM users WHERE users.id = subscriptions.user_id AND {MaySubscribeSql}) AS Suspended
        """;

    private const string InsertSql = """
        INSERT INTO subscriptions (user_id, name, kind, enabled, topics, topic_match, sources, document_types, min_score,
            query, drift_only, include_history, spike_window_hours, spike_factor, quiet_start, quiet_end, time_zone, delivery, digest_hour,
            in_app, email, webhook_url, webhook_format, webhook_secret, feed_token_hash, created_at, updated_at,
            ntfy_url, ntfy_token, ntfy_priority, ntfy_tags, telegram_chat_id, telegram_bot_token, telegram_parse_mode)
        VALUES (@UserId, @Name, @Kind, @Enabled, @Topics, @TopicMatch, @Sources, @DocumentTypes, @MinScore,
            @Query, @DriftOnly, @IncludeHistory, @SpikeWindowHours, @SpikeFactor, @QuietStart, @QuietEnd, @TimeZone, @Delivery, @DigestHour,
            @InApp, @Email, @WebhookUrl, @WebhookFormat, @WebhookSecret, @FeedTokenHash, @CreatedAt, @UpdatedAt,
            @NtfyUrl, @NtfyToken, @NtfyPriority, @NtfyTags, @TelegramChatId, @TelegramBotToken, @TelegramParseMode)
        RETURNING id
        """;

    // The owner, the feed token and the webhook secret are not changed by an update (they have their own calls); the
    // ntfy token and the bot token are, as the caller resolved them (a request without one keeps the stored one).
    private const string UpdateSql = """
        UPDATE subscriptions SET name = @Name, kind = @Kind, enabled = @Enabled, topics = @Topics, topic_match = @TopicMatch,
            sources = @Sources, document_types = @DocumentTypes, min_score = @MinScore, query = @Query, drift_only = @DriftOnly, include_history = @IncludeHistory,
            spike_window_hours = @SpikeWindowHours, spike_factor = @SpikeFactor, quiet_start = @QuietStart,
            quiet_end = @QuietEnd, time_zone = @TimeZone, delivery = @Delivery, digest_hour = @DigestHour, in_app = @InApp,
            email = @Email, webhook_url = @WebhookUrl, webhook_format = @WebhookFormat, ntfy_url = @NtfyUrl, ntfy_token = @NtfyToken,
            ntfy_priority = @NtfyPriority, ntfy_tags = @NtfyTags, telegram_chat_id = @TelegramChatId, telegram_bot_token = @TelegramBotToken,
            telegram_parse_mode = @TelegramParseMode, updated_at = @UpdatedAt
        WHERE id = @Id AND user_id = @UserId
        """;

    /// <returns>The new subscription's id.</returns>
    public async Task<long> AddAsync(Subscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, Parameters(subscription), cancellationToken: cancellationToken));
    }

    /// <summary>Replaces the rule of the owner's subscription <see cref="Subscription.Id"/>.</summary>
    /// <returns>False when the owner has no such subscription.</returns>
    public async Task<bool> UpdateAsync(Subscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(UpdateSql, Parameters(subscription), cancellationToken: cancellationToken)) == 1;
    }

    /// <returns>False when the owner has no such subscription. Its alerts and deliveries go with it.</returns>
    public async Task<bool> DeleteAsync(long id, long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM subscriptions WHERE id = @Id AND user_id = @UserId", new { Id = id, UserId = userId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <returns>The owner's subscription, or null (also when it is another user's).</returns>
    public async Task<Subscription?> GetAsync(long id, long userId, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM subscriptions WHERE id = @Id AND user_id = @UserId", new { Id = id, UserId = userId }, cancellationToken)).SingleOrDefault();

    /// <summary>Any user's subscription, for the Alerts worker.</summary>
    public async Task<Subscription?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM subscriptions WHERE id = @Id", new { Id = id }, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<Subscription>> ListForUserAsync(long userId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM subscriptions WHERE user_id = @UserId ORDER BY id", new { UserId = userId }, cancellationToken);

    /// <summary>Every enabled subscription of every enabled analyst or admin: what the Alerts worker matches against.</summary>
    public Task<IReadOnlyList<Subscription>> ListEnabledAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"""
            SELECT {Columns} FROM subscriptions
            WHERE enabled AND user_id IN (SELECT id FROM users WHERE {MaySubscribeSql})
            ORDER BY id
            """, null, cancellationToken);

    /// <summary>How many suspended subscriptions each user with any has (see <see cref="Subscription.Suspended"/>).</summary>
    public async Task<IReadOnlyDictionary<long, int>> CountSuspendedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long UserId, long Count)>(new CommandDefinition($"""
            SELECT user_id, COUNT(*) FROM subscriptions
            WHERE user_id IN (SELECT id FROM users WHERE NOT ({MaySubscribeSql}))
            GROUP BY user_id
            """, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.UserId, r => (int)r.Count);
    }

    /// <summary>The subscription whose Atom feed token hashes to <paramref name="tokenHash"/>.</summary>
    public async Task<Subscription?> FindByFeedTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM subscriptions WHERE feed_token_hash = @Hash", new { Hash = tokenHash }, cancellationToken)).SingleOrDefault();

    /// <returns>False when the owner has no such subscription.</returns>
    public async Task<bool> SetFeedTokenHashAsync(long id, long userId, string tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET feed_token_hash = @Hash, updated_at = @Now WHERE id = @Id AND user_id = @UserId",
            new { Id = id, UserId = userId, Hash = tokenHash, Now = Database.ToDb(now) }, cancellationToken: cancellationToken)) == 1;
    }

    /// <returns>False when the owner has no such subscription.</returns>
    public async Task<bool> SetWebhookSecretAsync(long id, long userId, string secret, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET webhook_secret = @Secret, updated_at = @Now WHERE id = @Id AND user_id = @UserId",
            new { Id = id, UserId = userId, Secret = secret, Now = Database.ToDb(now) }, cancellationToken: cancellationToken)) == 1;
    }

    private async Task<IReadOnlyList<Subscription>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(row => row.ToSubscription()).ToList();
    }

    private static object Parameters(Subscription s) => new
    {
        s.Id, s.UserId, s.Name, s.Kind, s.Enabled,
        Topics = JsonSerializer.Serialize(s.Topics), s.TopicMatch,
        Sources = JsonSerializer.Serialize(s.Sources), DocumentTypes = JsonSerializer.Serialize(s.DocumentTypes),
        s.MinScore, s.Query, s.DriftOnly, s.IncludeHistory, s.SpikeWindowHours, s.SpikeFactor, s.QuietStart, s.QuietEnd, s.TimeZone,
        s.Delivery, s.DigestHour, s.InApp, s.Email, s.WebhookUrl, s.WebhookFormat, s.WebhookSecret, s.FeedTokenHash,
        s.NtfyUrl, s.NtfyToken, s.NtfyPriority, NtfyTags = JsonSerializer.Serialize(s.NtfyTags), s.TelegramChatId, s.TelegramBotToken, s.TelegramParseMode,
        CreatedAt = Database.ToDb(s.CreatedAt), UpdatedAt = Database.ToDb(s.UpdatedAt),
    };

    private sealed class SubscriptionRow
    {
        public long Id { get; init; }
        public long UserId { get; init; }
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public bool Enabled { get; init; }
        public string Topics { get; init; } = "[]";
        public string TopicMatch { get; init; } = "any";
        public string Sources { get; init; } = "[]";
        public string DocumentTypes { get; init; } = "[]";
        public double MinScore { get; init; }
        public string? Query { get; init; }
        public bool DriftOnly { get; init; }
        public bool IncludeHistory { get; init; }
        public int? SpikeWindowHours { get; init; }
        public double? SpikeFactor { get; init; }
        public string? QuietStart { get; init; }
        public string? QuietEnd { get; init; }
        public string TimeZone { get; init; } = "UTC";
        public string Delivery { get; init; } = "";
        public int DigestHour { get; init; }
        public bool InApp { get; init; }
        public bool Email { get; init; }
        public string? WebhookUrl { get; init; }
        public string WebhookFormat { get; init; } = "json";
        public string? WebhookSecret { get; init; }
        public string FeedTokenHash { get; init; } = "";
        public string? NtfyUrl { get; init; }
        public string? NtfyToken { get; init; }
        public int NtfyPriority { get; init; } = 3;
        public string NtfyTags { get; init; } = "[]";
        public string? TelegramChatId { get; init; }
        public string? TelegramBotToken { get; init; }
        public string TelegramParseMode { get; init; } = "HTML";
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }
        public bool Suspended { get; init; }

        public Subscription ToSubscription() => new()
        {
            Id = Id, UserId = UserId, Name = Name, Kind = Kind, Enabled = Enabled,
            Topics = JsonSerializer.Deserialize<List<string>>(Topics) ?? [], TopicMatch = TopicMatch,
            Sources = JsonSerializer.Deserialize<List<string>>(Sources) ?? [],
            DocumentTypes = JsonSerializer.Deserialize<List<string>>(DocumentTypes) ?? [],
            MinScore = MinScore, Query = Query, DriftOnly = DriftOnly, IncludeHistory = IncludeHistory, SpikeWindowHours = SpikeWindowHours, SpikeFactor = SpikeFactor,
            QuietStart = QuietStart, QuietEnd = QuietEnd, TimeZone = TimeZone, Delivery = Delivery, DigestHour = DigestHour,
            InApp = InApp, Email = Email, WebhookUrl = WebhookUrl, WebhookFormat = WebhookFormat, WebhookSecret = WebhookSecret,
            NtfyUrl = NtfyUrl, NtfyToken = NtfyToken, NtfyPriority = NtfyPriority, NtfyTags = JsonSerializer.Deserialize<List<string>>(NtfyTags) ?? [],
            TelegramChatId = TelegramChatId, TelegramBotToken = TelegramBotToken, TelegramParseMode = TelegramParseMode,
            FeedTokenHash = FeedTokenHash, CreatedAt = Database.FromDb(CreatedAt), UpdatedAt = Database.FromDb(UpdatedAt),
            Suspended = Suspended,
        };
    }
}
