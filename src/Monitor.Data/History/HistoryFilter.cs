using Monitor.Core.Search;

namespace Monitor.Data.History;

public enum TopicMatch
{
    /// <summary>A statement tagged with at least one of the topics.</summary>
    Any,

    /// <summary>A statement tagged with every one of the topics.</summary>
    All,
}

public enum HistorySort
{
    /// <summary>Newest first by <c>sort_at</c> (published, else first seen), then id.</summary>
    Date,

    /// <summary>Best full-text match first (needs a text query), then id.</summary>
    Relevance,
}

/// <summary>
/// Which statements a history query, chart or export covers. Every part is optional; they combine with AND.
/// Validated values only: the API turns bad input into a 400 before one of these exists.
/// </summary>
public sealed record HistoryFilter
{
    public IReadOnlyList<string> Topics { get; init; } = [];

    public TopicMatch TopicMatch { get; init; } = TopicMatch.Any;

    /// <summary>With topics: each must have at least this score; without: some topic must.</summary>
    public double? MinScore { get; init; }

    public IReadOnlyList<string> Sources { get; init; } = [];

    public IReadOnlyList<string> DocumentTypes { get; init; } = [];

    /// <summary>Inclusive lower bound of the statement's date.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound of the statement's date.</summary>
    public DateTimeOffset? To { get; init; }

    public TextQuery? Text { get; init; }

    /// <summary>Only statements stating a baseline figure that differs from the briefing.</summary>
    public bool DriftOnly { get; init; }

    public string? Language { get; init; }

    /// <summary>Entity ids (docs/entities.md): the statement names every one of them.</summary>
    public IReadOnlyList<string> Entities { get; init; } = [];

    /// <summary>The signed-in user's triage filters (unread, starred, label: docs/history.md), or null.</summary>
    public Triage.TriageFilter? Triage { get; init; }
}

/// <summary>One page of statements and where the next one starts (null on the last page).</summary>
public sealed record HistoryPage<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    /// <summary>
    /// A relevance page on PostgreSQL whose matches exceed <see cref="HistoryStore.RelevanceCandidates"/>: only the
    /// newest this many were ranked. Null when every match was ranked.
    /// </summary>
    public int? RankedAmong { get; init; }
}

/// <summary>A count that is exact, or a lower bound when counting further would be costly.</summary>
public sealed record HistoryTotal(long Count, bool IsLowerBound);
