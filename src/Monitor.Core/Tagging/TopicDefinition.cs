namespace Monitor.Core.Tagging;

/// <summary>One baseline topic and the rules that match it.</summary>
/// <param name="Id">Fixed id from TOPICS.md, e.g. <c>sanctions</c>.</param>
/// <param name="Terms">Words and phrases that are evidence for the topic, each with its weight.</param>
/// <param name="Exclusions">Phrases that veto a term match they overlap ("nuclear deterrence" is not eastern-flank deterrence).</param>
/// <param name="MinScore">Scores below this (0..1) are dropped.</param>
/// <param name="Anchors">The briefing passages the topic stands for.</param>
public sealed record TopicDefinition(
    string Id,
    string Title,
    string Scope,
    IReadOnlyList<TopicTerm> Terms,
    IReadOnlyList<string> Exclusions,
    double MinScore,
    IReadOnlyList<BriefingAnchor> Anchors)
{
    /// <summary>How much a term found in the title counts, times its weight (default 2).</summary>
    public double TitleWeight { get; init; } = 2.0;

    /// <summary>How much a term found in the body counts, times its weight (default 1).</summary>
    public double BodyWeight { get; init; } = 1.0;
}

/// <summary>A word or phrase matched on whole normalised tokens, and how much a match counts.</summary>
/// <param name="Context">
/// Name of a co-occurrence group of the topic file: the term only counts when a phrase of that group is in the
/// title, or in the same field within <paramref name="Window"/> tokens ("Article 5" only near "NATO" or "Allies").
/// </param>
public sealed record TopicTerm(string Text, double Weight, string? Context = null, int Window = 0);

/// <summary>A passage of <c>baseline/briefing.txt</c>, quoted with its 1-based line number.</summary>
public sealed record BriefingAnchor(int Line, string Text);

/// <summary>A figure the briefing states, which later statements may contradict ("baseline drift").</summary>
/// <param name="Id">Fixed id from TOPICS.md, e.g. <c>allies-count</c>.</param>
/// <param name="Value">The baseline value (30 Allies, 40 000 troops...).</param>
public sealed record BaselineFigure(string Id, string Quantity, decimal Value, BriefingAnchor? Anchor)
{
    /// <summary>The phrases that directly follow a stated value ("Allies" in "32 Allies"); longest match wins.</summary>
    public IReadOnlyList<string> Units { get; init; } = [];

    /// <summary>A co-occurrence group one phrase of which must be near the value, or none.</summary>
    public string? Context { get; init; }

    /// <summary>Words that, just before the value or right after its unit, mean it is not this figure ("Russian").</summary>
    public IReadOnlyList<string> Exclusions { get; init; } = [];

    /// <summary>
    /// Phrases after an ordinal that state the figure as a rank: "Finland becomes the 31st <b>Ally</b>" states 31 Allies.
    /// An ordinal is read only with one of these, with the figure's context in its sentence, and without
    /// <see cref="OrdinalExclusions"/> near it ("will become the 32nd Ally" is prospective).
    /// </summary>
    public IReadOnlyList<string> OrdinalUnits { get; init; } = [];

    /// <summary>Words that veto an ordinal reading (instead of the file's figure exclusions, which veto "becomes").</summary>
    public IReadOnlyList<string> OrdinalExclusions { get; init; } = [];

    /// <summary>
    /// The values the quantity can have as a current figure; a value outside is a count of something else ("14 NATO
    /// Allies" taking part in an exercise is a subset: NATO had 30 Allies or more since 2020). Null: no bound.
    /// </summary>
    public decimal? MinValue { get; init; }

    public decimal? MaxValue { get; init; }
}
