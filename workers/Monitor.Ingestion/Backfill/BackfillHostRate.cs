using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Monitor.Ingestion.Backfill;

/// <summary>
/// A token bucket per host for backfill requests (<see cref="BackfillOptions.RequestsPerSecondPerHost"/>): a request
/// waits for its token, so a walk goes at the host's pace instead of failing. Beside it the live path's guards still
/// apply: <c>HostPoliteness</c> (article pages at once per host), <c>EndpointRateLimiter</c> (the EP API's 500 per 5
/// minutes, shared with live polling) and <c>NetworkGuard</c>.
/// </summary>
public sealed class BackfillHostRate(IOptions<BackfillOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async Task WaitAsync(string host, CancellationToken cancellationToken)
    {
        var limiter = _hosts.GetOrAdd(host, _ => Create(options.Value.RequestsPerSecondPerHost));
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException($"The backfill rate limiter for {host} refused a request (queue full)");
        }
    }

    private static TokenBucketRateLimiter Create(double perSecond)
    {
        // Whole tokens per period: 2/s is 1 token every 500 ms, 500/s is 50 every 100 ms.
        var rate = Math.Max(0.01, perSecond);
        var period = rate >= 10 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1 / rate);
        var tokens = rate >= 10 ? (int)Math.Max(1, Math.Round(rate / 10)) : 1;
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, tokens),
            TokensPerPeriod = Math.Max(1, tokens),
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public void Dispose()
    {
        foreach (var limiter in _hosts.Values)
        {
            limiter.Dispose();
        }
    }
}
