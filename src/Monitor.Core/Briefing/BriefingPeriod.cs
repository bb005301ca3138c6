using System.Globalization;

namespace Monitor.Core.Briefing;

/// <summary>The period a living briefing covers: since the baseline (default), the last 7 or 30 days, or a date range.</summary>
public sealed record BriefingPeriod(DateTimeOffset From, DateTimeOffset To, bool SinceBaseline)
{
    /// <summary>
    /// The period from the query's <c>period</c> (7d, 30d, baseline) or <c>from</c>/<c>to</c> (ISO 8601 dates or
    /// date-times, UTC unless an offset is given; <c>to</c> is exclusive, a bare date meaning its whole day included),
    /// or the error to answer with a 400.
    /// </summary>
    public static (BriefingPeriod? Period, string? Error) Parse(string? period, string? from, string? to, DateTimeOffset now)
    {
        var hasRange = !string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to);
        switch (period?.Trim().ToLowerInvariant())
        {
            case null or "" or "baseline" when !hasRange:
                return (new BriefingPeriod(BriefingDocument.BaselineDate, now, true), null);
            case null or "":
                break;
            case "7d" or "30d" or "baseline":
                return hasRange
                    ? (null, "Give either 'period' or 'from'/'to', not both.")
                    : (new BriefingPeriod(period.Trim().ToLowerInvariant() == "7d" ? now.AddDays(-7) : now.AddDays(-30), now, false), null);
            default:
                return (null, $"'period' must be 'baseline', '7d' or '30d'; got '{period}'.");
        }

        if (!TryDate(from, "from", false, out var start, out var error) || !TryDate(to, "to", true, out var end, out error))
        {
            return (null, error);
        }

        var begin = start ?? BriefingDocument.BaselineDate;
        var finish = end ?? now;
        if (begin >= finish)
        {
            return (null, $"'from' ({begin:yyyy-MM-dd'T'HH:mm:ss'Z'}) must be before 'to' ({finish:yyyy-MM-dd'T'HH:mm:ss'Z'}).");
        }

        return (new BriefingPeriod(begin, finish, false), null);
    }

    private static bool TryDate(string? text, string name, bool endOfDay, out DateTimeOffset? value, out string? error)
    {
        value = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            value = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(endOfDay ? 1 : 0);
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            error = $"'{name}' must be an ISO 8601 date or date-time such as 2024-03-07 or 2024-03-07T06:00:00Z; got '{text}'.";
            return false;
        }

        value = parsed;
        return true;
    }
}
