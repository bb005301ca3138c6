namespace Monitor.Ingestion.Polling;

/// <summary>
/// When a source is quiet: it learns its typical gap between items from the publication dates its feed lists (the
/// median gap between the newest 50), and a source counts as quiet when nothing new has come for longer than
/// max(3 x that gap, the floor). A quiet source is not failing: its polls succeed, it just says nothing.
/// </summary>
public static class SourceRhythm
{
    public const int QuietFactor = 3;

    private const int DatesConsidered = 50;

    /// <returns>The median gap between consecutive publication dates, or null with fewer than three dated items.</returns>
    public static TimeSpan? TypicalGap(IEnumerable<DateTimeOffset?> publishedDates)
    {
        var dates = publishedDates.OfType<DateTimeOffset>().Distinct().OrderDescending().Take(DatesConsidered).ToList();
        if (dates.Count < 3)
        {
            return null;
        }

        var gaps = dates.Zip(dates.Skip(1), (newer, older) => newer - older).Order().ToList();
        return gaps[gaps.Count / 2];
    }

    /// <summary>True when the source had new items once and none for max(3 x typical gap, floor).</summary>
    public static bool IsQuiet(DateTimeOffset? lastNewItemAt, TimeSpan? typicalGap, DateTimeOffset now, TimeSpan floor) =>
        lastNewItemAt is { } last && now - last > QuietAfter(typicalGap, floor);

    public static TimeSpan QuietAfter(TimeSpan? typicalGap, TimeSpan floor) =>
        typicalGap is { } gap && gap * QuietFactor > floor ? gap * QuietFactor : floor;
}
