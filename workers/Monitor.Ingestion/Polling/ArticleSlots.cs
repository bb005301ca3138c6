using Microsoft.Extensions.Options;

namespace Monitor.Ingestion.Polling;

/// <summary>
/// At most <see cref="IngestionOptions.MaxConcurrentArticleFetches"/> article pages fetched and read at a time in this
/// process, across every poll and host: the per-host limit alone let one feed linking to 60 hosts fetch 60 pages at once.
/// </summary>
public sealed class ArticleSlots(IOptions<IngestionOptions> options)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentArticleFetches));

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Release(_slots);
    }

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
