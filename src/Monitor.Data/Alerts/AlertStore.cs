using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Data.Outbox;

namespace Monitor.Data.Alerts;

/// <summary>Alerts raised by rules; one per rule and stored revision, announced through the outbox.</summary>
public sealed class AlertStore(Database database)
{
    private const string InsertSql = """
        INSERT INTO alerts (rule_id, statement_id, revision, matched_topics, triggered_at)
        VALUES (@RuleId, @StatementId, @Revision, @MatchedTopics, @TriggeredAt)
        ON CONFLICT (rule_id, statement_id, revision) DO NOTHING
        RETURNING id
        """;

    /// <returns>The event, or null when this rule already alerted on this revision.</returns>
    public async Task<AlertTriggered?> RaiseAsync(string ruleId, StatementStored statement, IReadOnlyList<string> matchedTopics, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(InsertSql, new
        {
            RuleId = ruleId,
            statement.StatementId,
            statement.Revision,
            MatchedTopics = JsonSerializer.Serialize(matchedTopics, OutboxStore.Json),
            TriggeredAt = Database.ToDb(now),
        }, transaction);
        if (id is null)
        {
            return null;
        }

        var alert = new AlertTriggered(id.Value, ruleId, statement.StatementId, statement.Revision, statement.Title, statement.Url, matchedTopics, now);
        await OutboxStore.EnqueueAsync(connection, transaction, alert, now);
        await transaction.CommitAsync(cancellationToken);
        return alert;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM alerts", cancellationToken: cancellationToken));
    }
}
