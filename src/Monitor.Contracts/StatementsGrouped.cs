namespace Monitor.Contracts;

/// <summary>
/// The Tagging worker's event clustering committed a page: these statements joined (or started) these events
/// (docs/events.md). Written to the outbox in the page's transaction and published after its commit, to every dashboard
/// replica (the live view's event chips) and to Alerts (the "both institutions have spoken" alerts). A repeat carries the
/// same page and changes nothing downstream.
/// </summary>
/// <param name="Statements">Each clustered statement and the event it is in after the page (merges followed).</param>
/// <param name="Events">Each event the page touched, as it stands after the page.</param>
public sealed record StatementsGrouped(IReadOnlyList<StatementGrouped> Statements, IReadOnlyList<GroupedEvent> Events);

/// <param name="NewEvent">The statement started its event (no earlier statement is in it).</param>
public sealed record StatementGrouped(long StatementId, long EventId, bool NewEvent);

/// <param name="Institutions">"NATO" and/or "EP", in the order they first spoke.</param>
/// <param name="Topics">Every topic id carried by a member, the most common first.</param>
/// <param name="BothInstitutionsNow">Both institutions are in the event after this page and were not before it: the
/// moment an alert for "NATO and the EP have both spoken" fires.</param>
/// <param name="Merged">Events merged into this one by the page; links to them lead here.</param>
public sealed record GroupedEvent(
    long EventId,
    string Title,
    IReadOnlyList<string> Institutions,
    int Members,
    IReadOnlyList<string> Topics,
    DateOnly FirstDay,
    DateOnly LastDay,
    bool BothInstitutionsNow,
    IReadOnlyList<long> Merged);
