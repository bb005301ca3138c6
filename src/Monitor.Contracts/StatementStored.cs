namespace Monitor.Contracts;

/// <summary>
/// Persistence committed a new statement, or a new revision of one; (StatementId, Revision) identifies it. Published
/// through the outbox in the <see cref="StatementsStored"/> event of the batch that committed it.
/// </summary>
public sealed record StatementStored(
    long StatementId,
    int Revision,
    string SourceId,
    string ExternalId,
    string Url,
    string Title,
    string Summary,
    DateTimeOffset? PublishedAt,
    IReadOnlyList<TopicScore> Topics,
    DateTimeOffset DiscoveredAt,
    DateTimeOffset StoredAt)
{
    /// <summary>One of <see cref="DocumentTypes"/>.</summary>
    public string DocumentType { get; init; } = DocumentTypes.News;

    public string? Language { get; init; }

    /// <summary>Values stated for the baseline figures; any with <see cref="FigureValue.Drift"/> differ from the briefing.</summary>
    public IReadOnlyList<FigureValue> Figures { get; init; } = [];

    /// <summary>Stored from a backfill (see <see cref="StatementDiscovered.Backfill"/>): history, not news; never pushed live.</summary>
    public bool Backfill { get; init; }

    /// <summary>
    /// Its event, when read from the store after clustering (the statement lists, the live catch-up); null in the bus
    /// message, which Persistence publishes before the statement is clustered (<see cref="StatementsGrouped"/> follows).
    /// </summary>
    public StatementEvent? Event { get; init; }
}
