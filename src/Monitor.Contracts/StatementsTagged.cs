namespace Monitor.Contracts;

/// <summary>
/// Tagging's output: the statements it tagged since its last publish, as one message on <c>store-statement</c> (or
/// <c>store-statement-backfill</c>). One message per statement would cost the broker a publish, a delivery and an
/// acknowledgement each, and Persistence a message to consume each; under load Tagging gathers what it tagged while the
/// previous publish was in flight, and at a steady trickle a message holds one statement and waits for nothing.
/// </summary>
/// <remarks>Persistence stores every statement of it in its next batch; one it cannot store is sent back alone
/// (a message of one), which is retried and then goes to the error queue without its neighbours.</remarks>
public sealed record StatementsTagged(IReadOnlyList<StatementTagged> Statements);
