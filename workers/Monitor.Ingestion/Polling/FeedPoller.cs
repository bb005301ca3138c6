using MassTransit;
using Monitor.Contracts;
using Monitor.Core.Feeds;
using Monitor.Core.Statements;
using Monitor.Data.Sources;
using Monitor.Data.Statements;
using LogContext = Serilog.Context.LogContext;

namespace Monitor.Ingestion.Polling;

/// <summary>
/// One poll of one source: fetch, parse, keep what is new or changed, publish it, remember it, record the source's
/// health. A failure of any kind is caught here and recorded against that source alone.
/// </summary>
public sealed partial class FeedPoller(
    FeedFetcher fetcher,
    SourceStore sources,
    DiscoveredItemStore discovered,
    IPublishEndpoint publisher,
    TimeProvider time,
    ILogger<FeedPoller> logger)
{
    /// <summary>Failures in a row after which a degraded source counts as failing.</summary>
    public const int FailingAfter = 3;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public async Task PollAsync(SourceRow source, CancellationToken cancellationToken)
    {
        using var _ = LogContext.PushProperty("SourceId", source.Id);
        try
        {
            var fetched = await fetcher.FetchAsync(source, cancellationToken);
            var published = fetched.NotModified ? 0 : await PublishNewItemsAsync(source, fetched.Content, cancellationToken);
            var now = time.GetUtcNow();
            await sources.RecordSuccessAsync(source.Id, now, now.AddSeconds(source.PollIntervalSeconds), fetched.ETag, fetched.LastModified, cancellationToken);
            if (source.Health != SourceHealth.Healthy)
            {
                await publisher.Publish(new SourceHealthChanged(source.Id, SourceHealth.Healthy, null, now, now), cancellationToken);
            }

            if (published > 0)
            {
                LogPublished(source.Id, published);
            }
            else
            {
                LogNothingNew(source.Id, fetched.NotModified);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await RecordFailureAsync(source, ex, cancellationToken);
        }
    }

    private async Task<int> PublishNewItemsAsync(SourceRow source, byte[] content, CancellationToken cancellationToken)
    {
        IReadOnlyList<FeedItem> items;
        using (var stream = new MemoryStream(content, writable: false))
        {
            items = FeedAdapters.Parse(source.Adapter, stream, new Uri(source.Url));
        }

        // A feed may list one item twice; the first occurrence wins.
        var hashed = items
            .DistinctBy(item => item.ExternalId, StringComparer.Ordinal)
            .Select(item => (Item: item, Hash: ContentHash.Compute(item.Title, item.Summary, item.Body)))
            .ToList();
        var known = await discovered.GetHashesAsync(source.Id, hashed.Select(h => h.Item.ExternalId).ToList(), cancellationToken);
        var fresh = hashed.Where(h => !known.TryGetValue(h.Item.ExternalId, out var hash) || hash != h.Hash).ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        await Task.WhenAll(fresh.Select(h => publisher.Publish(
            new StatementDiscovered(source.Id, h.Item.ExternalId, h.Item.Url, h.Item.Title, h.Item.Summary, h.Item.Body,
                h.Item.PublishedAt, h.Item.Language, h.Hash, now)
            {
                DocumentType = h.Item.DocumentType ?? DocumentTypes.News,
                BodyHtml = h.Item.BodyHtml,
                PublishedRaw = h.Item.PublishedRaw,
                DocumentReference = h.Item.DocumentReference,
            },
            cancellationToken)));

        // Remembered only after the broker took them: a crash in between republishes, and Persistence ignores repeats.
        await discovered.MarkDiscoveredAsync(source.Id, fresh.Select(h => (h.Item.ExternalId, h.Hash)), now, cancellationToken);
        return fresh.Count;
    }

    private async Task RecordFailureAsync(SourceRow source, Exception ex, CancellationToken cancellationToken)
    {
        var failures = source.ConsecutiveFailures + 1;
        var health = failures >= FailingAfter ? SourceHealth.Failing : SourceHealth.Degraded;
        var error = ex is FeedFetchException or FeedFormatException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        var now = time.GetUtcNow();
        var nextPollAt = now + Backoff(source.PollIntervalSeconds, failures);
        try
        {
            await sources.RecordFailureAsync(source.Id, error, health, nextPollAt, cancellationToken);
            await publisher.Publish(new SourceHealthChanged(source.Id, health, error, Monitor.Data.Database.FromDb(source.LastSuccessAt), now), cancellationToken);
        }
        catch (Exception recordEx) when (!cancellationToken.IsCancellationRequested)
        {
            LogRecordFailed(recordEx, source.Id);
        }

        LogPollFailed(source.Id, failures, health, error, nextPollAt);
    }

    /// <summary>Exponential backoff from the source's own rhythm, capped, with jitter so failing sources spread out.</summary>
    public static TimeSpan Backoff(int pollIntervalSeconds, int failures)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, pollIntervalSeconds));
        var factor = Math.Pow(2, Math.Min(failures - 1, 10));
        var backoff = TimeSpan.FromTicks((long)Math.Min(interval.Ticks * factor, MaxBackoff.Ticks));
        return backoff * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {SourceId}: published {Published} new or changed statements")]
    private partial void LogPublished(string sourceId, int published);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Polled {SourceId}: nothing new (304 Not Modified: {NotModified})")]
    private partial void LogNothingNew(string sourceId, bool notModified);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll of {SourceId} failed ({Failures} in a row, now {Health}): {Error}. Next try at {NextPollAt:u}")]
    private partial void LogPollFailed(string sourceId, int failures, SourceHealth health, string error, DateTimeOffset nextPollAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the failed poll of {SourceId}")]
    private partial void LogRecordFailed(Exception exception, string sourceId);
}
