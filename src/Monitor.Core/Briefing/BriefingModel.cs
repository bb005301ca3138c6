namespace Monitor.Core.Briefing;

/// <summary>
/// The living briefing for a period: the briefing's sections in its order, each topic's passage and what was said on
/// it since, then the baseline figures then and now. Every text is the briefing's, a statement's own, or a count or
/// date put into a fixed template by the renderer.
/// </summary>
public sealed record BriefingReport(
    string Title,
    DateTimeOffset From,
    DateTimeOffset To,
    bool SinceBaseline,
    IReadOnlyList<BriefingSectionReport> Sections,
    IReadOnlyList<BriefingFigureReport> Figures);

public sealed record BriefingSectionReport(int Line, string Heading, IReadOnlyList<BriefingTopicReport> Topics);

/// <summary>A passage of the briefing: its 1-based line and the words the topic file quotes from it.</summary>
public sealed record BriefingQuote(int Line, string Text);

/// <summary>A statement cited by the briefing, with one sentence of its own (its lead, or the sentence a figure was read from).</summary>
public sealed record BriefingCitation(long StatementId, string SourceId, string Institution, string Title, string Url, DateTimeOffset At, string Sentence);

/// <summary>Statements on the topic in one week (starting Monday, UTC).</summary>
public sealed record BriefingWeek(DateOnly Start, long Statements);

/// <param name="Statements">Statements on the topic in the period (from the daily roll-up: whole UTC days).</param>
/// <param name="Nato">The most significant NATO statements in the period, newest first.</param>
/// <param name="Ep">The most significant European Parliament statements in the period, newest first.</param>
/// <param name="FirstNato">NATO's first statement on the topic in the period; with <paramref name="FirstEp"/>, who spoke first.</param>
public sealed record BriefingTopicReport(
    string TopicId,
    string Title,
    IReadOnlyList<BriefingQuote> Passage,
    long Statements,
    IReadOnlyList<BriefingCitation> Nato,
    IReadOnlyList<BriefingCitation> Ep,
    BriefingCitation? First,
    BriefingCitation? Latest,
    BriefingCitation? FirstNato,
    BriefingCitation? FirstEp,
    IReadOnlyList<BriefingWeek> Weekly)
{
    /// <summary>"NATO" or "EP" when both spoke in the period, whoever's first statement is older; else null.</summary>
    public string? SpokeFirst => FirstNato is null || FirstEp is null ? null
        : FirstNato.At < FirstEp.At || (FirstNato.At == FirstEp.At && FirstNato.StatementId < FirstEp.StatementId) ? "NATO" : "EP";
}

/// <summary>A step of a figure's history as shown: the value, when first and last stated, by how many statements.</summary>
public sealed record BriefingFigureStep(decimal Value, bool IsBaseline, long Statements, DateTimeOffset? FirstAt, DateTimeOffset? LastAt);

public sealed record BriefingFigureConflict(decimal EarlierValue, BriefingCitation Earlier, decimal LaterValue, BriefingCitation Later);

/// <param name="Line">The briefing line stating the baseline value.</param>
/// <param name="Latest">The newest statement in the period stating the figure, or null.</param>
public sealed record BriefingFigureReport(
    string FigureId,
    string Quantity,
    string Unit,
    decimal Baseline,
    BriefingQuote? Passage,
    decimal? LatestValue,
    BriefingCitation? Latest,
    IReadOnlyList<BriefingFigureStep> History,
    IReadOnlyList<BriefingFigureConflict> Conflicts);
