namespace Monitor.Contracts;

/// <summary>A poll of a source finished and its health changed, or it recovered.</summary>
public sealed record SourceHealthChanged(
    string SourceId,
    SourceHealth Health,
    string? LastError,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset CheckedAt);
