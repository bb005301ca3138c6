using System.Globalization;

namespace Monitor.Core.Alerts;

/// <summary>
/// When an email or webhook send is due: quiet hours hold a send until they end, and hourly or daily subscriptions
/// gather their alerts into a digest due at the next local hour or the next digest hour. Local times are in the
/// subscription's IANA time zone, daylight saving included; a quiet window may cross midnight (22:00–07:00). Pure.
/// </summary>
public static class DeliverySchedule
{
    /// <summary>When an immediate send of an alert raised at <paramref name="now"/> is due: now, or the end of quiet hours.</summary>
    public static DateTimeOffset SendAt(Subscription subscription, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return QuietEnd(subscription, TimeZoneOf(subscription), now) ?? now;
    }

    /// <summary>
    /// When the digest an alert raised at <paramref name="now"/> joins is due: hourly, the next top of the local hour;
    /// daily, the next <see cref="Subscription.DigestHour"/>:00 local; pushed to the end of quiet hours when inside them.
    /// </summary>
    public static DateTimeOffset DigestDueAt(Subscription subscription, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var zone = TimeZoneOf(subscription);
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        DateTimeOffset due;
        if (subscription.Delivery == SubscriptionDelivery.Daily)
        {
            var day = local.Date;
            due = ToInstant(day.AddHours(subscription.DigestHour), zone);
            while (due <= now)
            {
                day = day.AddDays(1);
                due = ToInstant(day.AddHours(subscription.DigestHour), zone);
            }
        }
        else
        {
            var hour = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
            due = ToInstant(hour.AddHours(1), zone);
            // A fall-back hour repeats local times: step on until the top of an hour lies ahead.
            while (due <= now)
            {
                hour = hour.AddHours(1);
                due = ToInstant(hour.AddHours(1), zone);
            }
        }

        return QuietEnd(subscription, zone, due) ?? due;
    }

    /// <summary>True when "HH:mm" is a valid local time of day (00:00–23:59).</summary>
    public static bool IsTimeOfDay(string? value) =>
        TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>The zone of <paramref name="id"/>, or null when it is not a known IANA (or Windows) time zone id.</summary>
    public static TimeZoneInfo? FindTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <returns>The end of the quiet window <paramref name="at"/> falls in, or null when it falls in none.</returns>
    private static DateTimeOffset? QuietEnd(Subscription subscription, TimeZoneInfo zone, DateTimeOffset at)
    {
        if (!TimeOnly.TryParseExact(subscription.QuietStart, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(subscription.QuietEnd, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || start == end)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        DateTime endLocal;
        if (start < end)
        {
            if (time < start || time >= end)
            {
                return null;
            }

            endLocal = local.Date + end.ToTimeSpan();
        }
        else
        {
            // Crosses midnight: quiet from start to midnight and from midnight to end.
            if (time >= start)
            {
                endLocal = local.Date.AddDays(1) + end.ToTimeSpan();
            }
            else if (time < end)
            {
                endLocal = local.Date + end.ToTimeSpan();
            }
            else
            {
                return null;
            }
        }

        var instant = ToInstant(endLocal, zone);
        return instant > at ? instant : at;
    }

    /// <summary>
    /// The instant of a local wall-clock time. A time skipped by a spring-forward change is taken as the first valid
    /// minute after it; a time repeated by a fall-back change as its first occurrence.
    /// </summary>
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var guard = 0;
        while (zone.IsInvalidTime(local) && guard++ < 24 * 60)
        {
            local = local.AddMinutes(1);
        }

        if (zone.IsAmbiguousTime(local))
        {
            var offset = zone.GetAmbiguousTimeOffsets(local).Max();
            return new DateTimeOffset(local, offset);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static TimeZoneInfo TimeZoneOf(Subscription subscription) => FindTimeZone(subscription.TimeZone) ?? TimeZoneInfo.Utc;
}
