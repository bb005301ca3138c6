namespace Monitor.Contracts;

/// <summary>
/// The event a statement is in (docs/events.md), as the statement lists read it from the store: enough for the live
/// view's event chip. Merges followed: <see cref="EventId"/> is the event that holds the statement now.
/// </summary>
/// <param name="NewEvent">The statement started its event (its membership's reason is "first statement").</param>
/// <param name="Institutions">"NATO" and/or "EP", in the order they first spoke.</param>
/// <param name="Members">How many statements the event holds.</param>
public sealed record StatementEvent(long EventId, bool NewEvent, string Title, IReadOnlyList<string> Institutions, int Members);
