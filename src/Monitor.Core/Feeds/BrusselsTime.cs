using System.Globalization;

namespace Monitor.Core.Feeds;

/// <summary>
/// Dates of the Brussels-based sources: NATO writes day-only dates ("01 October 2026"), the EP API day-only ISO
/// dates, and the EP Think Tank writes Brussels midnight labelled GMT. All are read as Europe/Brussels wall time.
/// </summary>
public static class BrusselsTime
{
    private static readonly string[] DayFormats =
    [
        "dd MMMM yyyy", "d MMMM yyyy", "dd MMM yyyy", "d MMM yyyy", "yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy",
        "MMMM d, yyyy", "MMMM dd, yyyy",
    ];

    /// <summary>Europe/Brussels (CET/CEST), from the system's time-zone database.</summary>
    public static TimeZoneInfo Zone { get; } = FindZone();

    /// <summary>A day-only date ("01 October 2026", "2024-02-28") as the start of that day in Brussels, in UTC; null when unreadable.</summary>
    public static DateTimeOffset? ParseDay(string? raw)
    {
        var s = raw?.Trim();
        if (string.IsNullOrEmpty(s)
            || !DateTime.TryParseExact(s, DayFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces, out var day))
        {
            return null;
        }

        return StartOfDay(DateOnly.FromDateTime(day));
    }

    /// <summary>Midnight of the Brussels day, in UTC.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => FromWallClock(day.ToDateTime(TimeOnly.MinValue));

    /// <summary>A Brussels wall-clock time as a UTC instant (a time skipped by the spring change is moved forward an hour).</summary>
    public static DateTimeOffset FromWallClock(DateTime wallClock)
    {
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
        }
        catch (TimeZoneNotFoundException)
        {
            // No tz database (a minimal container): CET/CEST by the EU rule, last Sunday of March/October at 01:00 UTC.
            var start = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday);
            var end = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday);
            var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1), start, end);
            return TimeZoneInfo.CreateCustomTimeZone("Europe/Brussels", TimeSpan.FromHours(1), "Europe/Brussels", "CET", "CEST", [rule]);
        }
    }
}
