namespace Monitor.Core.Briefing;

/// <summary>One statement stating a value for a baseline figure, with the sentence it was read from.</summary>
public sealed record FigureObservation(long StatementId, string SourceId, string Title, string Url, DateTimeOffset At, decimal Value, string Sentence);

/// <summary>How often and when (first, last) a value of a figure was stated in the period.</summary>
public sealed record FigureValueSpan(decimal Value, long Statements, DateTimeOffset FirstAt, DateTimeOffset LastAt);

/// <summary>One step of a figure's history: the value, and when it was first and last stated (null: the briefing's value, not restated).</summary>
public sealed record FigureStep(decimal Value, bool IsBaseline, long Statements, DateTimeOffset? FirstAt, DateTimeOffset? LastAt);

/// <summary>Two statements close together that state different values: shown side by side, never resolved.</summary>
public sealed record FigureConflict(FigureObservation Earlier, FigureObservation Later);

/// <summary>A figure then and now: its steps in the order they were first stated, the newest statement, and its conflicts.</summary>
public sealed record FigureTimelineResult(IReadOnlyList<FigureStep> Steps, FigureObservation? Latest, IReadOnlyList<FigureConflict> Conflicts);

/// <summary>
/// The history of a baseline figure from what statements stated, without choosing between them. Steps: the briefing's
/// value, then every value stated, ordered by when it was first stated (30 → 31 → 32 Allies); a value stated again
/// later stays at its first place. Latest: the newest statement. Conflicts: two statements within
/// <see cref="ConflictWindow"/> of each other stating different values, the closest pair per two values, newest
/// first, at most <see cref="MaxConflicts"/>: a change that some sources report and others not yet is a conflict too,
/// because that is what the record shows.
/// </summary>
public static class FigureTimeline
{
    public static readonly TimeSpan ConflictWindow = TimeSpan.FromDays(7);

    public const int MaxConflicts = 5;

    /// <param name="observations">The newest statements of the figure in the period (any order; bounded by the caller).</param>
    /// <param name="spans">Every value stated in the period with its count and first and last date.</param>
    public static FigureTimelineResult Build(decimal baseline, IReadOnlyList<FigureValueSpan> spans, IReadOnlyList<FigureObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ArgumentNullException.ThrowIfNull(observations);
        var steps = new List<FigureStep>();
        var stated = spans.OrderBy(s => s.FirstAt).ThenBy(s => s.Value).ToList();
        if (stated.Count == 0 || stated[0].Value != baseline)
        {
            // The period starts from the briefing's value unless its first statement restates it.
            var restated = stated.FirstOrDefault(s => s.Value == baseline);
            steps.Add(new FigureStep(baseline, true, restated?.Statements ?? 0, restated?.FirstAt, restated?.LastAt));
            stated.Remove(restated!);
        }

        steps.AddRange(stated.Select(s => new FigureStep(s.Value, s.Value == baseline, s.Statements, s.FirstAt, s.LastAt)));

        var ordered = observations.OrderBy(o => o.At).ThenBy(o => o.StatementId).ToList();
        var closest = new Dictionary<(decimal, decimal), FigureConflict>();
        for (var i = 0; i < ordered.Count; i++)
        {
            for (var j = i + 1; j < ordered.Count && ordered[j].At - ordered[i].At <= ConflictWindow; j++)
            {
                var (a, b) = (ordered[i], ordered[j]);
                // One statement stating two values ("from 30 to 32 Allies") tells a change, not a conflict.
                if (a.Value == b.Value || a.StatementId == b.StatementId)
                {
                    continue;
                }

                var key = (Math.Min(a.Value, b.Value), Math.Max(a.Value, b.Value));
                if (!closest.TryGetValue(key, out var known) || b.At - a.At < known.Later.At - known.Earlier.At
                    || (b.At - a.At == known.Later.At - known.Earlier.At && b.At > known.Later.At))
                {
                    closest[key] = new FigureConflict(a, b);
                }
            }
        }

        var conflicts = closest.Values.OrderByDescending(c => c.Later.At).ThenByDescending(c => c.Later.StatementId).Take(MaxConflicts).ToList();
        var latest = ordered.Count == 0 ? null : ordered[^1];
        return new FigureTimelineResult(steps, latest, conflicts);
    }
}
