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
    IReadOnlyList<BriefingAnchor> Anchors);

/// <summary>A word or phrase matched on whole normalised tokens, and how much a match counts.</summary>
public sealed record TopicTerm(string Text, double Weight);

/// <summary>A passage of <c>baseline/briefing.txt</c>, quoted with its 1-based line number.</summary>
public sealed record BriefingAnchor(int Line, string Text);

/// <summary>A figure the briefing states, which later statements may contradict ("baseline drift").</summary>
/// <param name="Id">Fixed id from TOPICS.md, e.g. <c>allies-count</c>.</param>
/// <param name="Value">The baseline value (30 Allies, 40 000 troops...).</param>
public sealed record BaselineFigure(string Id, string Quantity, decimal Value, BriefingAnchor? Anchor);
