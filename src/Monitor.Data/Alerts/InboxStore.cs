using Dapper;

namespace Monitor.Data.Alerts;

/// <summary>An alert as its owner's inbox shows it: the alert and the name of the subscription that raised it.</summary>
public sealed record InboxAlert(AlertRecord Alert, string SubscriptionName);

/// <summary>
/// A user's alerts (the inbox) and the alerts of one subscription for its Atom feed (a subscription's deliveries are
/// <see cref="DeliveryStore"/>'s). Every query names the owner, so another user's id finds nothing, exactly like a missing id.
/// </summary>
public sealed class InboxStore(Database database)
{
    public const int MaxLimit = 200;
    public const int FeedLength = 50;

    private const string Columns = """
        a.id AS Id, a.subscription_id AS SubscriptionId, a.user_id AS UserId, a.kind AS Kind, a.statement_id AS StatementId,
        a.revision AS Revision, a.topic_id AS TopicId, a.title AS Title, a.url AS Url, a.matched_topics AS MatchedTopics,
        a.detail AS Detail, a.triggered_at AS TriggeredAt, a.read_at AS ReadAt, s.name AS SubscriptionName
        """;

    // Newest first by id: ids grow with time, and the keyset (before) is the last id of the previous page.
    private const string ListSql = $"""
        SELECT {Columns}
        FROM alerts a JOIN subscriptions s ON s.id = a.subscription_id
        WHERE a.user_id = @UserId
          AND (@UnreadOnly = FALSE OR a.read_at IS NULL)
          AND (@Before IS NULL OR a.id < @Before)
        ORDER BY a.id DESC
        LIMIT @Limit
        """;

    private const string GetSql = $"""
        SELECT {Columns}
        FROM alerts a JOIN subscriptions s ON s.id = a.subscription_id
        WHERE a.id = @Id AND a.user_id = @UserId
        """;

    private const string FeedSql = $"""
        SELECT {Columns}
        FROM alerts a JOIN subscriptions s ON s.id = a.subscription_id
        WHERE a.subscription_id = @SubscriptionId AND a.user_id = @UserId AND s.user_id = @UserId
        ORDER BY a.id DESC
        LIMIT @Limit
        """;

    private const string UnreadCountSql = "SELECT COUNT(*) FROM alerts WHERE user_id = @UserId AND read_at IS NULL";

    // An alert read twice keeps the time it was first read.
    private const string MarkReadSql = "UPDATE alerts SET read_at = COALESCE(read_at, @Now) WHERE id = @Id AND user_id = @UserId";

    private const string MarkAllReadSql = "UPDATE alerts SET read_at = @Now WHERE user_id = @UserId AND read_at IS NULL";

    /// <summary>The owner's alerts, newest first.</summary>
    /// <param name="before">Only alerts with a smaller id (the last id of the previous page), or null for the newest.</param>
    public async Task<IReadOnlyList<InboxAlert>> ListAsync(long userId, bool unreadOnly, int limit, long? before, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<InboxRow>(new CommandDefinition(ListSql,
            new { UserId = userId, UnreadOnly = unreadOnly, Before = before, Limit = Math.Clamp(limit, 1, MaxLimit) }, cancellationToken: cancellationToken));
        return rows.Select(row => row.ToInboxAlert()).ToList();
    }

    /// <returns>The owner's alert, or null (also when it is another user's).</returns>
    public async Task<InboxAlert?> GetAsync(long id, long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<InboxRow>(new CommandDefinition(GetSql, new { Id = id, UserId = userId }, cancellationToken: cancellationToken));
        return row?.ToInboxAlert();
    }

    public async Task<long> UnreadCountAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(UnreadCountSql, new { UserId = userId }, cancellationToken: cancellationToken));
    }

    /// <returns>False when the owner has no such alert. Marking a read alert again changes nothing.</returns>
    public async Task<bool> MarkReadAsync(long id, long userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(MarkReadSql,
            new { Id = id, UserId = userId, Now = Database.ToDb(now) }, cancellationToken: cancellationToken)) == 1;
    }

    /// <returns>How many unread alerts became read.</returns>
    public async Task<int> MarkAllReadAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(MarkAllReadSql,
            new { UserId = userId, Now = Database.ToDb(now) }, cancellationToken: cancellationToken));
    }

    /// <summary>The last <see cref="FeedLength"/> alerts of the owner's subscription, newest first (its Atom feed).</summary>
    public async Task<IReadOnlyList<InboxAlert>> ListForFeedAsync(long subscriptionId, long userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<InboxRow>(new CommandDefinition(FeedSql,
            new { SubscriptionId = subscriptionId, UserId = userId, Limit = FeedLength }, cancellationToken: cancellationToken));
        return rows.Select(row => row.ToInboxAlert()).ToList();
    }

    private sealed class InboxRow : AlertStore.AlertRow
    {
        public string SubscriptionName { get; init; } = "";

        public InboxAlert ToInboxAlert() => new(ToRecord(), SubscriptionName);
    }
}
