namespace Monitor.Contracts;

/// <summary>A poll of a source finished and its health changed, or it recovered, or it fell quiet or spoke again.</summary>
public sealed record SourceHealthChanged(
    string SourceId,
    SourceHealth Health,
    string? LastError,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset CheckedAt)
{
    /// <summary>The source answers, but nothing new has come for longer than its usual rhythm.</summary>
    public bool Quiet { get; init; }
}
