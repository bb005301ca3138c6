namespace Monitor.Hosting.Outbox;

/// <summary>Wakes the relay right after a commit that wrote to the outbox, so events do not wait for the next poll.</summary>
public sealed class OutboxSignal : WakeSignal;
