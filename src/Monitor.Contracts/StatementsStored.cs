namespace Monitor.Contracts;

/// <summary>
/// Persistence committed these statements (new ones, or new revisions) in one transaction: one event per committed
/// batch, written to the outbox in that transaction and published after the commit, to Alerts and to every dashboard
/// replica. (StatementId, Revision) identifies each statement in it; a repeated event repeats nothing downstream.
/// </summary>
public sealed record StatementsStored(IReadOnlyList<StatementStored> Statements);
