namespace Monitor.Ingestion.Polling;

/// <summary>
/// When a source is polled next. After a success: its interval, or the response's Cache-Control max-age when that is
/// longer, up to a few intervals. After a failure: exponential backoff with jitter, and never before a Retry-After
/// (or rate-limit wait) the server gave, capped at a day so a source is never silently parked.
/// </summary>
public static class PollSchedule
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    public static DateTimeOffset AfterSuccess(DateTimeOffset now, int pollIntervalSeconds, TimeSpan? maxAge, int maxAgeIntervals)
    {
        var interval = Interval(pollIntervalSeconds);
        var longest = interval * Math.Max(1, maxAgeIntervals);
        var wait = maxAge is { } age && age > interval ? (age < longest ? age : longest) : interval;
        return now + wait;
    }

    public static DateTimeOffset AfterFailure(DateTimeOffset now, int pollIntervalSeconds, int failures, DateTimeOffset? retryAt)
    {
        var next = now + Backoff(pollIntervalSeconds, failures);
        if (retryAt is { } notBefore && notBefore > next)
        {
            next = notBefore < now + MaxRetryAfter ? notBefore : now + MaxRetryAfter;
        }

        return next;
    }

    /// <summary>Exponential backoff from the source's own rhythm, capped, with jitter so failing sources spread out.</summary>
    public static TimeSpan Backoff(int pollIntervalSeconds, int failures)
    {
        var interval = Interval(pollIntervalSeconds);
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 10));
        var backoff = TimeSpan.FromTicks((long)Math.Min(interval.Ticks * factor, MaxBackoff.Ticks));
        return backoff * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    private static TimeSpan Interval(int pollIntervalSeconds) => TimeSpan.FromSeconds(Math.Max(1, pollIntervalSeconds));
}
