using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Monitor.Ingestion.Polling;

/// <summary>
/// The EP Open Data Portal allows 500 requests per 5 minutes per endpoint: one sliding window per endpoint (host and
/// path) for the adapters configured as rate limited. A request over the limit is not sent; the poll fails with the
/// time the window frees a permit, and the scheduler waits until then.
/// </summary>
public sealed class EndpointRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly HashSet<string> _adapters;

    public EndpointRateLimiter(IOptions<IngestionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _adapters = new HashSet<string>(settings.RateLimitedAdapters, StringComparer.OrdinalIgnoreCase);
        _limiter = PartitionedRateLimiter.Create<string, string>(endpoint => RateLimitPartition.GetSlidingWindowLimiter(endpoint, _ =>
            new SlidingWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, settings.RateLimitPermits),
                Window = settings.RateLimitWindow,
                SegmentsPerWindow = 10,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public static string EndpointOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Path).ToLowerInvariant();
    }

    /// <returns>Null when the request may go; otherwise how long to wait (at least the window's next segment).</returns>
    public TimeSpan? TryAcquire(string adapter, Uri url)
    {
        if (!_adapters.Contains(adapter))
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(EndpointOf(url));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(30);
    }

    public void Dispose() => _limiter.Dispose();
}
