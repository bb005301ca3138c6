using System.Data.Common;
using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Data.Outbox;

namespace Monitor.Data.Alerts;

/// <summary>A send to queue with a new alert: its channel ("webhook" or "email") and when it is due.</summary>
public sealed record PlannedDelivery(string Channel, DateTimeOffset SendAt);

/// <summary>
/// What raising an alert does besides storing it: the in-app push (<see cref="Notify"/>), and either sends queued
/// now (<see cref="Deliveries"/>) or the digest the alert waits for (<see cref="DigestDueAt"/>).
/// </summary>
public sealed record AlertPlan
{
    public string SubscriptionName { get; init; } = "";

    /// <summary>Push to the owner's open dashboards (AlertTriggered.Notify).</summary>
    public bool Notify { get; init; } = true;

    /// <summary>Set for an hourly or daily subscription: the alert waits for its digest, no send is queued now.</summary>
    public DateTimeOffset? DigestDueAt { get; init; }

    /// <summary>
    /// The channels to send on. Queued as sends of this alert alone unless <see cref="DigestDueAt"/> is set (then their
    /// due times are unused). An email send is dropped when the owner has no email address.
    /// </summary>
    public IReadOnlyList<PlannedDelivery> Deliveries { get; init; } = [];
}

/// <summary>An alert to raise: the row, its dedupe key, and what to send.</summary>
public sealed record PendingAlert(AlertRecord Alert, string DedupeKey, AlertPlan Plan);

/// <summary>A raised alert and the ids of the sends queued with it.</summary>
public sealed record RaisedAlert(AlertRecord Alert, IReadOnlyList<long> DeliveryIds, IReadOnlyList<PlannedDelivery> Deliveries);

/// <summary>
/// Raises alerts: one row per subscription and dedupe key, written in one transaction with its sends and its
/// AlertTriggered outbox event, so a redelivered message never alerts twice and a crash never loses a send.
/// </summary>
public sealed class AlertStore(Database database)
{
    /// <summary>The dedupe key of a statement alert: once per statement and subscription, whatever the revision.</summary>
    public static string StatementKey(long statementId) => $"statement:{statementId}";

    /// <summary>The dedupe key of an event alert: once per event and subscription (the event's id as clustered; a merge keeps the older id).</summary>
    public static string EventKey(long eventId) => $"event:{eventId}";

    /// <summary>The dedupe key of a spike: once per topic and window (its start, epoch ms).</summary>
    public static string SpikeKey(string topicId, DateTimeOffset windowStart) => $"spike:{topicId}:{Database.ToDb(windowStart)}";

    internal const string Columns = """
        id AS Id, subscription_id AS SubscriptionId, user_id AS UserId, kind AS Kind, statement_id AS StatementId,
        revision AS Revision, topic_id AS TopicId, title AS Title, url AS Url, matched_topics AS MatchedTopics,
        detail AS Detail, triggered_at AS TriggeredAt, read_at AS ReadAt
        """;

    private const string InsertSql = """
        INSERT INTO alerts (subscription_id, user_id, dedupe_key, kind, statement_id, revision, topic_id, title, url,
            matched_topics, detail, triggered_at, digest_due_at)
        VALUES (@SubscriptionId, @UserId, @DedupeKey, @Kind, @StatementId, @Revision, @TopicId, @Title, @Url,
            @MatchedTopics, @Detail, @TriggeredAt, @DigestDueAt)
        ON CONFLICT (subscription_id, dedupe_key) DO NOTHING
        RETURNING id
        """;

    private const string OwnerEmailSql = "SELECT email FROM users WHERE id = @UserId";

    private readonly string _byIdsSql = $"SELECT {Columns} FROM alerts WHERE id {database.InList("Ids")} ORDER BY id";

    /// <summary>
    /// Stores <paramref name="alert"/> unless its subscription already has an alert with <paramref name="dedupeKey"/>;
    /// with it, in the same transaction, the sends or the digest mark of <paramref name="plan"/> and AlertTriggered.
    /// </summary>
    /// <returns>The stored alert with its id, or null when the key was taken (a repeat).</returns>
    public async Task<RaisedAlert?> RaiseAsync(AlertRecord alert, string dedupeKey, AlertPlan plan, CancellationToken cancellationToken = default) =>
        (await RaiseAllAsync([new PendingAlert(alert, dedupeKey, plan)], cancellationToken))[0];

    /// <summary>
    /// <see cref="RaiseAsync"/> for every alert one statement raised, in ONE transaction: a statement that matches a
    /// hundred subscriptions costs one commit, not a hundred. Give them in subscription order, so two processes
    /// raising the same statement's alerts (a redelivery) take the keys in the same order and never deadlock.
    /// </summary>
    /// <returns>For each alert, in order, the stored alert, or null when its key was taken (a repeat).</returns>
    public async Task<IReadOnlyList<RaisedAlert?>> RaiseAllAsync(IReadOnlyList<PendingAlert> pending, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (pending.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var emails = new Dictionary<long, string?>();
        var plans = new List<(IReadOnlyList<PlannedDelivery> Deliveries, DateTimeOffset? DigestDueAt)>(pending.Count);
        foreach (var (alert, _, plan) in pending)
        {
            ArgumentNullException.ThrowIfNull(alert);
            ArgumentNullException.ThrowIfNull(plan);
            var deliveries = plan.Deliveries;
            var digestDueAt = plan.DigestDueAt;
            if (deliveries.Any(d => d.Channel == DeliveryStore.Email) || digestDueAt is not null)
            {
                if (!emails.TryGetValue(alert.UserId, out var email))
                {
                    email = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(OwnerEmailSql, new { alert.UserId }, cancellationToken: cancellationToken));
                    emails[alert.UserId] = email;
                }

                if (string.IsNullOrWhiteSpace(email))
                {
                    deliveries = deliveries.Where(d => d.Channel != DeliveryStore.Email).ToList();
                }
            }

            // A digest with no channel left would close into nothing.
            plans.Add((deliveries, deliveries.Count == 0 ? null : digestDueAt));
        }

        var raised = new List<RaisedAlert?>(pending.Count);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < pending.Count; i++)
        {
            raised.Add(await RaiseAsync(connection, transaction, pending[i], plans[i].Deliveries, plans[i].DigestDueAt, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return raised;
    }

    private static async Task<RaisedAlert?> RaiseAsync(DbConnection connection, DbTransaction transaction, PendingAlert pending,
        IReadOnlyList<PlannedDelivery> deliveries, DateTimeOffset? digestDueAt, CancellationToken cancellationToken)
    {
        var (alert, dedupeKey, plan) = pending;
        // ON CONFLICT DO NOTHING is not an error: the transaction goes on with the next alert.
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(InsertSql, new
        {
            alert.SubscriptionId,
            alert.UserId,
            DedupeKey = dedupeKey,
            alert.Kind,
            alert.StatementId,
            alert.Revision,
            alert.TopicId,
            alert.Title,
            alert.Url,
            MatchedTopics = JsonSerializer.Serialize(alert.MatchedTopics),
            alert.Detail,
            TriggeredAt = Database.ToDb(alert.TriggeredAt),
            DigestDueAt = Database.ToDb(digestDueAt),
        }, transaction, cancellationToken: cancellationToken));
        if (id is null)
        {
            return null;
        }

        var stored = alert with { Id = id.Value };
        var deliveryIds = new List<long>();
        if (digestDueAt is null)
        {
            foreach (var delivery in deliveries)
            {
                deliveryIds.Add(await DeliveryStore.EnqueueAsync(connection, transaction, alert.SubscriptionId, delivery.Channel, [id.Value],
                    delivery.SendAt, alert.TriggeredAt, cancellationToken));
            }
        }

        await OutboxStore.EnqueueAsync(connection, transaction, new AlertTriggered(id.Value, alert.SubscriptionId, alert.UserId, plan.SubscriptionName,
            alert.Kind, alert.Title, alert.Url, alert.MatchedTopics, alert.TriggeredAt)
        {
            StatementId = alert.StatementId,
            Revision = alert.Revision,
            TopicId = alert.TopicId,
            Notify = plan.Notify,
        }, alert.TriggeredAt);
        return new RaisedAlert(stored, deliveryIds, digestDueAt is null ? deliveries : []);
    }

    /// <summary>Alerts by id, oldest first (what a delivery carries).</summary>
    public async Task<IReadOnlyList<AlertRecord>> GetAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(_byIdsSql, new { Ids = ids.ToArray() }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Every alert of a subscription, oldest first (tests and tools).</summary>
    public async Task<IReadOnlyList<AlertRecord>> ListForSubscriptionAsync(long subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"SELECT {Columns} FROM alerts WHERE subscription_id = @SubscriptionId ORDER BY id", new { SubscriptionId = subscriptionId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM alerts", cancellationToken: cancellationToken));
    }

    /// <summary>An <c>alerts</c> row as Dapper reads it (<see cref="Columns"/>).</summary>
    internal class AlertRow
    {
        public long Id { get; init; }
        public long SubscriptionId { get; init; }
        public long UserId { get; init; }
        public string Kind { get; init; } = "";
        public long? StatementId { get; init; }
        public int? Revision { get; init; }
        public string? TopicId { get; init; }
        public string Title { get; init; } = "";
        public string Url { get; init; } = "";
        public string MatchedTopics { get; init; } = "[]";
        public string? Detail { get; init; }
        public long TriggeredAt { get; init; }
        public long? ReadAt { get; init; }

        public AlertRecord ToRecord() => new()
        {
            Id = Id, SubscriptionId = SubscriptionId, UserId = UserId, Kind = Kind, StatementId = StatementId, Revision = Revision,
            TopicId = TopicId, Title = Title, Url = Url, MatchedTopics = JsonSerializer.Deserialize<List<string>>(MatchedTopics) ?? [],
            Detail = Detail, TriggeredAt = Database.FromDb(TriggeredAt), ReadAt = Database.FromDb(ReadAt),
        };
    }
}
