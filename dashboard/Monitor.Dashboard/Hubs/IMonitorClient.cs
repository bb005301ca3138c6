using Monitor.Contracts;

namespace Monitor.Dashboard.Hubs;

/// <summary>What the server calls on a dashboard client.</summary>
public interface IMonitorClient
{
    Task StatementStored(StatementStored statement);

    /// <summary>
    /// Several statements in one push, oldest first: what <see cref="StatementStored"/> would have sent one by one, sent
    /// together when statements arrive faster than they are pushed. A client treats each as a <see cref="StatementStored"/>.
    /// </summary>
    Task StatementsStored(IReadOnlyList<StatementStored> statements);

    /// <summary>Sent to the clients that joined a topic's group, beside the broadcast to all.</summary>
    Task TopicStatementStored(string topicId, StatementStored statement);

    /// <summary>Several statements of one topic in one push, as <see cref="StatementsStored"/> is to <see cref="StatementStored"/>.</summary>
    Task TopicStatementsStored(string topicId, IReadOnlyList<StatementStored> statements);

    /// <summary>
    /// Sent only to the connections of the alert's owner (<c>Clients.User(userId)</c>: a signed-in connection whose user
    /// id is <see cref="Contracts.AlertTriggered.UserId"/>), and only when <see cref="Contracts.AlertTriggered.Notify"/>
    /// is true. Another user and an anonymous connection never receive it; the owner's inbox (<c>/api/alerts</c>) has
    /// every alert, pushed or not.
    /// </summary>
    Task AlertTriggered(AlertTriggered alert);

    Task SourceHealthChanged(SourceHealthChanged health);

    /// <summary>
    /// Statements this replica pushed live were put in events (a few seconds after <see cref="StatementStored"/>): the
    /// live view draws or updates their event chips. Sent to all, as the statements were; never for a statement that was
    /// not pushed (a backfilled one).
    /// </summary>
    Task StatementsGrouped(EventChips chips);

    /// <summary>
    /// This replica's bus was away (a broker restart) and pushes from <paramref name="since"/> on may be missing: the
    /// client asks <c>/api/live/since</c> from there, as after a reconnect of its own.
    /// </summary>
    Task CatchUp(DateTimeOffset since);
}
