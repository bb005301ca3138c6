using Monitor.Contracts;

namespace Monitor.Dashboard.Hubs;

/// <summary>What the server calls on a dashboard client.</summary>
public interface IMonitorClient
{
    Task StatementStored(StatementStored statement);

    /// <summary>Sent to the clients that joined a topic's group, beside the broadcast to all.</summary>
    Task TopicStatementStored(string topicId, StatementStored statement);

    Task AlertTriggered(AlertTriggered alert);

    Task SourceHealthChanged(SourceHealthChanged health);
}
