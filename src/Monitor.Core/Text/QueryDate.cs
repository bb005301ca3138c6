using System.Globalization;

namespace Monitor.Core.Text;

/// <summary>A date or date-time from a query string (history filters, the briefing's period): one reading, one error.</summary>
public static class QueryDate
{
    /// <summary>
    /// An ISO 8601 date or date-time, UTC unless it gives an offset. Empty is no value and no error. With
    /// <paramref name="endOfDay"/> a bare date means the end of that day (an exclusive bound that takes the whole day in).
    /// </summary>
    public static bool TryParse(string? text, string name, bool endOfDay, out DateTimeOffset? value, out string? error)
    {
        value = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (endOfDay && DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            value = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            error = $"'{name}' must be an ISO 8601 date or date-time such as 2026-02-24 or 2026-02-24T06:00:00Z; got '{text}'.";
            return false;
        }

        value = parsed;
        return true;
    }
}
