using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Monitor.Ingestion.Polling;

/// <summary>At most <see cref="IngestionOptions.ArticleRequestsPerHost"/> article pages fetched from one host at a time.</summary>
public sealed class HostPoliteness(IOptions<IngestionOptions> options)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IDisposable> EnterAsync(string host, CancellationToken cancellationToken)
    {
        var gate = _hosts.GetOrAdd(host, _ => new SemaphoreSlim(Math.Max(1, options.Value.ArticleRequestsPerHost)));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
