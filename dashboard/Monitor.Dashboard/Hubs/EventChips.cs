using Monitor.Contracts;

namespace Monitor.Dashboard.Hubs;

/// <summary>
/// What the live view needs to draw event chips after a clustering page (<see cref="StatementsGrouped"/>): each
/// statement's event and whether it started it, and each of those events' title, institutions, size and the events
/// merged into it (chips of those move to it). Topics and days stay on the event page.
/// </summary>
public sealed record EventChips(IReadOnlyList<StatementGrouped> Statements, IReadOnlyList<EventChip> Events);

/// <param name="Institutions">"NATO" and/or "EP", in the order they first spoke.</param>
/// <param name="Members">How many statements the event holds after the page.</param>
/// <param name="Merged">Events merged into this one by the page.</param>
public sealed record EventChip(long EventId, string Title, IReadOnlyList<string> Institutions, int Members, IReadOnlyList<long> Merged);
