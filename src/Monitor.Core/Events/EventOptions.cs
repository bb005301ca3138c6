namespace Monitor.Core.Events;

/// <summary>
/// The clusterer's settings. The defaults were tuned on the tuning part of the labelled set only
/// (<c>monitor events-eval --sweep</c>, docs/events.md); the held-out part only measures them.
/// </summary>
public sealed record EventOptions
{
    /// <summary>An event stays open this many days after its latest statement.</summary>
    public int WindowDays { get; init; } = 7;

    /// <summary>A shared document reference joins an event up to this many days after its latest statement.</summary>
    public int ReferenceWindowDays { get; init; } = 30;

    /// <summary>The lowest score (see <see cref="EventClusterer"/>) at which a statement joins an event.</summary>
    public double JoinThreshold { get; init; } = 0.75;

    /// <summary>The lowest score at which a statement that joined one event also pulls a second one into it.</summary>
    public double MergeThreshold { get; init; } = 0.75;

    /// <summary>Added to the score per unit of topic overlap (Jaccard of the statement's and the event's topics).</summary>
    public double TopicWeight { get; init; } = 0.05;

    /// <summary>
    /// Added to the score per unit of entity overlap (Jaccard), when both sides have entities. 0: swept on the tuning
    /// part with the gazetteer's entities (0, 0.05, 0.1, 0.2 with every other setting), it added nothing beyond noise
    /// (best 0.971 with 0.2 at other settings, 0.969 with 0 at these; 0.956 with 0.1 at these). Shared entities still
    /// appear in a join's reason.
    /// </summary>
    public double EntityWeight { get; init; }

    /// <summary>
    /// How much each entity counts in the entity overlap, 0 to 1 (an entity not listed counts 1): with it, the overlap is
    /// the rarity-weighted Jaccard, so an entity named in almost every statement ("NATO") counts for little and a rare one
    /// ("Moldova") for much. Null: every entity counts 1. Made from the store's entity counts by <see cref="EntityRarity.From"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double>? EntityRarity { get; init; }

    /// <summary>Taken from the score per day between the statement and the event's closest member.</summary>
    public double DayPenalty { get; init; } = 0.02;

    /// <summary>Events whose centroid is less similar than this are not compared member by member (the cheap pre-filter).</summary>
    public double CentroidFloor { get; init; } = 0.35;

    /// <summary>Member vectors kept per event: the first member and the latest ones.</summary>
    public int Representatives { get; init; } = 8;

    /// <summary>A statement citing more references than this is a digest (texts adopted of a day, a plenary round-up): its references join nothing.</summary>
    public int MaxReferences { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (WindowDays < 0 || ReferenceWindowDays < 0)
        {
            throw new ArgumentException("Event windows must be 0 days or more");
        }

        if (JoinThreshold is <= -1 or > 1.5 || MergeThreshold < JoinThreshold)
        {
            throw new ArgumentException($"JoinThreshold must be in (-1, 1.5] and MergeThreshold at least JoinThreshold (got {JoinThreshold} and {MergeThreshold})");
        }

        if (Representatives < 1 || MaxReferences < 0)
        {
            throw new ArgumentException("Representatives must be at least 1 and MaxReferences 0 or more");
        }
    }
}
