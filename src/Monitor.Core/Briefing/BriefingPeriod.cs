using Monitor.Core.Text;

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

        if (!QueryDate.TryParse(from, "from", false, out var start, out var error) || !QueryDate.TryParse(to, "to", true, out var end, out error))
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
}
