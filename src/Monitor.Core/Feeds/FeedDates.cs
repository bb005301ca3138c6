using System.Globalization;

namespace Monitor.Core.Feeds;

/// <summary>
/// Lenient feed dates: ISO 8601 / RFC 3339 (Atom, dc:date) and RFC 822 as feeds really write it ("19 Sep. 2025
/// 12:00:00 GMT", full month names, missing weekday or seconds, a wrong weekday, two-digit years, zone names).
/// The weekday is ignored rather than checked: a date with a wrong weekday is still a date.
/// </summary>
internal static class FeedDates
{
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF K", "yyyy-MM-dd HH:mm:ss.FFFFFFF zzz", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd",
    ];

    private static readonly string[] Months =
    [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ];

    private static readonly string[] Weekdays =
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    // RFC 822 zone names plus the European ones that show up in European feeds.
    private static readonly Dictionary<string, int> ZoneHours = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GMT"] = 0, ["UT"] = 0, ["UTC"] = 0, ["Z"] = 0, ["WET"] = 0,
        ["EST"] = -5, ["EDT"] = -4, ["CST"] = -6, ["CDT"] = -5, ["MST"] = -7, ["MDT"] = -6, ["PST"] = -8, ["PDT"] = -7,
        ["BST"] = 1, ["WEST"] = 1, ["CET"] = 1, ["MET"] = 1, ["CEST"] = 2, ["MEST"] = 2, ["EET"] = 2, ["EEST"] = 3,
    };

    public static DateTimeOffset? Parse(string? raw)
    {
        var s = raw?.Trim();
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        if (s.Length >= 10 && char.IsAsciiDigit(s[0]) && s[4] == '-'
            && DateTimeOffset.TryParseExact(s, IsoFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var iso))
        {
            return iso.ToUniversalTime();
        }

        return ParseRfc822(s)?.ToUniversalTime();
    }

    private static DateTimeOffset? ParseRfc822(string s)
    {
        int? day = null, month = null, year = null;
        int hour = 0, minute = 0, second = 0;
        double fraction = 0;
        var offset = TimeSpan.Zero;
        var seenTime = false;
        var seenZone = false;
        var pm = (bool?)null;

        foreach (var raw in s.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.TrimEnd('.');
            if (token.Length == 0)
            {
                continue;
            }

            if (token.Contains(':') && char.IsAsciiDigit(token[0]) && !seenTime)
            {
                // "12:00:00", "12:00", also glued to a zone: "12:00:00Z", "12:00:00+0200".
                var zoneAt = token.IndexOfAny(['+', '-', 'Z', 'z']);
                var timePart = zoneAt > 0 ? token[..zoneAt] : token;
                if (!TryTime(timePart, out hour, out minute, out second, out fraction))
                {
                    return null;
                }

                seenTime = true;
                if (zoneAt > 0)
                {
                    if (!TryZone(token[zoneAt..], out offset))
                    {
                        return null;
                    }

                    seenZone = true;
                }
            }
            else if (token.All(char.IsAsciiDigit))
            {
                var n = int.Parse(token, CultureInfo.InvariantCulture);
                if (token.Length == 4 && year is null)
                {
                    year = n;
                }
                else if (token.Length <= 2 && day is null)
                {
                    day = n;
                }
                else if (token.Length == 2 && year is null)
                {
                    year = n < 50 ? 2000 + n : 1900 + n;
                }
                else
                {
                    return null;
                }
            }
            else if (token.All(char.IsAsciiLetter) && month is null && MonthOf(token) is { } m)
            {
                month = m;
            }
            else if (token.All(char.IsAsciiLetter) && IsWeekday(token))
            {
                continue;
            }
            else if (token.Equals("am", StringComparison.OrdinalIgnoreCase)
                || token.Equals("pm", StringComparison.OrdinalIgnoreCase))
            {
                pm = token.Equals("pm", StringComparison.OrdinalIgnoreCase);
            }
            else if (!seenZone && TryZone(token, out offset))
            {
                seenZone = true;
            }
            else
            {
                return null;
            }
        }

        if (pm is { } isPm)
        {
            if (hour is < 1 or > 12)
            {
                return null;
            }

            hour = (hour % 12) + (isPm ? 12 : 0);
        }

        if (day is not { } d || month is not { } mo || year is not { } y
            || y is < 1 or > 9999 || d < 1 || d > DateTime.DaysInMonth(y, mo)
            || hour > 23 || minute > 59 || second > 60)
        {
            return null;
        }

        // A leap second (":60") is read as the last second of the minute.
        var local = new DateTime(y, mo, d, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified)
            .AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
        return new DateTimeOffset(local, offset);
    }

    private static bool TryTime(string s, out int hour, out int minute, out int second, out double fraction)
    {
        hour = minute = second = 0;
        fraction = 0;
        var parts = s.Split(':');
        if (parts.Length is < 2 or > 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out hour)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out minute))
        {
            return false;
        }

        if (parts.Length == 3)
        {
            var sec = parts[2].Split('.');
            if (!int.TryParse(sec[0], NumberStyles.None, CultureInfo.InvariantCulture, out second))
            {
                return false;
            }

            if (sec.Length == 2
                && !double.TryParse("0." + sec[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out fraction))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"GMT", "CEST", "Z", "+0200", "-05:00", "GMT+1", "UTC+02:00".</summary>
    private static bool TryZone(string token, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (ZoneHours.TryGetValue(token, out var hours))
        {
            offset = TimeSpan.FromHours(hours);
            return true;
        }

        var signAt = token.IndexOfAny(['+', '-']);
        if (signAt < 0)
        {
            return false;
        }

        if (signAt > 0 && !(ZoneHours.TryGetValue(token[..signAt], out var baseHours) && baseHours == 0))
        {
            return false;
        }

        var digits = token[(signAt + 1)..].Replace(":", "", StringComparison.Ordinal);
        if (digits.Length is 0 or > 4 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var (h, m) = digits.Length <= 2
            ? (int.Parse(digits, CultureInfo.InvariantCulture), 0)
            : (int.Parse(digits[..^2], CultureInfo.InvariantCulture), int.Parse(digits[^2..], CultureInfo.InvariantCulture));
        if (h > 14 || m > 59)
        {
            return false;
        }

        offset = new TimeSpan(h, m, 0);
        if (token[signAt] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static int? MonthOf(string token)
    {
        if (token.Length < 3)
        {
            return null;
        }

        for (var i = 0; i < Months.Length; i++)
        {
            if (Months[i].StartsWith(token, StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }

        return null;
    }

    private static bool IsWeekday(string token) =>
        token.Length >= 2 && Weekdays.Any(w => w.StartsWith(token, StringComparison.OrdinalIgnoreCase));
}
