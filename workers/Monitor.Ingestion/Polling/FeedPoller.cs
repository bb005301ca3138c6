using MassTransit;
using Microsoft.Extensions.Options;
using Monitor.Contracts;
using Monitor.Core.Feeds;
using Monitor.Core.Statements;
using Monitor.Data.Sources;
using Monitor.Data.Statements;
using Monitor.Hosting.Telemetry;
using LogContext = Serilog.Context.LogContext;

namespace Monitor.Ingestion.Polling;

/// <summary>
/// One poll of one source: fetch, parse, keep what is new or changed, complete it with its article's full text when
/// the adapter wants that, publish it, remember it, record the source's health and rhythm. A failure of any kind is
/// caught here and recorded against that source alone.
/// </summary>
public sealed partial class FeedPoller(
    FeedFetcher fetcher,
    ArticleFetcher articles,
    SourceStore sources,
    SourcePollLog polls,
    DiscoveredItemStore discovered,
    IPublishEndpoint publisher,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<FeedPoller> logger)
{
    /// <summary>Failures in a row after which a degraded source counts as failing.</summary>
    public const int FailingAfter = 3;

    public async Task PollAsync(SourceRow source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var _ = LogContext.PushProperty("SourceId", source.Id);

        // The root of each statement's trace: what this poll publishes carries it on through the pipeline.
        using var activity = MonitorMetrics.Source.StartActivity($"poll {source.Id}");
        activity?.SetTag("monitor.source", source.Id);
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        try
        {
            var fetched = await fetcher.FetchAsync(source, cancellationToken);
            var (items, published, typicalGap) = fetched.NotModified ? (0, 0, null) : await PublishNewItemsAsync(source, fetched.Content, cancellationToken);
            var now = time.GetUtcNow();
            var settings = options.Value;
            var lastNewItemAt = published > 0 ? now : source.LastNewItemAt;
            var gap = typicalGap ?? (source.TypicalGapMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
            var quiet = SourceRhythm.IsQuiet(lastNewItemAt, gap, now, settings.QuietFloor);
            var nextPollAt = PollSchedule.AfterSuccess(now, source.PollIntervalSeconds, fetched.MaxAge, settings.MaxAgeIntervals);
            await sources.RecordSuccessAsync(source.Id, now, nextPollAt, fetched.ETag, fetched.LastModified,
                new SourceActivity(published > 0 ? now : null, typicalGap, quiet), cancellationToken);
            if (source.Health != SourceHealth.Healthy || source.Quiet != quiet)
            {
                await publisher.Publish(new SourceHealthChanged(source.Id, SourceHealth.Healthy, null, now, now) { Quiet = quiet }, cancellationToken);
            }

            if (quiet && !source.Quiet)
            {
                LogQuiet(source.Id, lastNewItemAt, SourceRhythm.QuietAfter(gap, settings.QuietFloor));
            }

            MonitorMetrics.Polled(source.Id, fetched.NotModified ? "not_modified" : "success");
            await LogPollAsync(source.Id, new SourcePoll(startedAt, fetched.NotModified ? PollOutcomes.NotModified : PollOutcomes.Success, items, published, null,
                (long)time.GetElapsedTime(started).TotalMilliseconds), cancellationToken);
            MonitorMetrics.SourceObserved(source.Id, SourceHealth.Healthy, 0, quiet);
            if (published > 0)
            {
                LogPublished(source.Id, published);
            }
            else
            {
                LogNothingNew(source.Id, fetched.NotModified, nextPollAt);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            MonitorMetrics.Polled(source.Id, "failure");
            var error = await RecordFailureAsync(source, ex, cancellationToken);
            await LogPollAsync(source.Id, new SourcePoll(startedAt, PollOutcomes.Failure, 0, 0, error, (long)time.GetElapsedTime(started).TotalMilliseconds), cancellationToken);
        }
    }

    /// <summary>The poll history (<see cref="SourcePollLog"/>) is for people: failing to write it never fails the poll.</summary>
    private async Task LogPollAsync(string sourceId, SourcePoll poll, CancellationToken cancellationToken)
    {
        try
        {
            await polls.RecordAsync(sourceId, poll, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPollHistoryFailed(ex, sourceId);
        }
    }

    private async Task<(int Items, int Published, TimeSpan? TypicalGap)> PublishNewItemsAsync(SourceRow source, byte[] content, CancellationToken cancellationToken)
    {
        IReadOnlyList<FeedItem> items;
        using (var stream = new MemoryStream(content, writable: false))
        {
            items = FeedAdapters.Parse(source.Adapter, stream, new Uri(source.Url));
        }

        var typicalGap = SourceRhythm.TypicalGap(items.Select(item => item.PublishedAt));

        // A feed may list one item twice; the first occurrence wins. Freshness is judged on the feed's own content,
        // so an item whose article was fetched once is not fetched again until the feed changes it.
        var hashed = items
            .DistinctBy(item => item.ExternalId, StringComparer.Ordinal)
            .Select(item => (Item: item, Hash: ContentHash.Compute(item.Title, item.Summary, item.Body)))
            .ToList();
        var known = await discovered.GetHashesAsync(source.Id, hashed.Select(h => h.Item.ExternalId).ToList(), cancellationToken);
        var fresh = hashed.Where(h => !known.TryGetValue(h.Item.ExternalId, out var hash) || hash != h.Hash).ToList();
        if (fresh.Count == 0)
        {
            return (items.Count, 0, typicalGap);
        }

        var completed = await Task.WhenAll(fresh.Select(h => articles.CompleteAsync(source.Id, source.Adapter, h.Item, cancellationToken)));
        var now = time.GetUtcNow();
        // The poll's new statements travel together (a message of one for a single new item).
        var statements = completed.Select(item => new StatementDiscovered(source.Id, item.ExternalId, item.Url, item.Title, item.Summary, item.Body,
            item.PublishedAt, item.Language, ContentHash.Compute(item.Title, item.Summary, item.Body), now)
        {
            DocumentType = item.DocumentType ?? DocumentTypes.News,
            BodyHtml = item.BodyHtml,
            PublishedRaw = item.PublishedRaw,
            DocumentReference = item.DocumentReference,
        });
        await Task.WhenAll(StatementsDiscovered.Chunk(statements).Select(message => publisher.Publish(message, cancellationToken)));

        // Remembered only after the broker took them: a crash in between republishes, and Persistence ignores repeats.
        await discovered.MarkDiscoveredAsync(source.Id, fresh.Select(h => (h.Item.ExternalId, h.Hash)), now, cancellationToken);
        MonitorMetrics.StatementsDiscovered(source.Id, fresh.Count);
        return (items.Count, fresh.Count, typicalGap);
    }

    private async Task<string> RecordFailureAsync(SourceRow source, Exception ex, CancellationToken cancellationToken)
    {
        var failures = source.ConsecutiveFailures + 1;
        var health = failures >= FailingAfter ? SourceHealth.Failing : SourceHealth.Degraded;
        var error = ex is FeedFetchException or FeedFormatException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        var now = time.GetUtcNow();
        var nextPollAt = PollSchedule.AfterFailure(now, source.PollIntervalSeconds, failures, (ex as FeedFetchException)?.RetryAt);
        try
        {
            await sources.RecordFailureAsync(source.Id, error, health, nextPollAt, cancellationToken);
            await publisher.Publish(new SourceHealthChanged(source.Id, health, error, source.LastSuccessAt, now) { Quiet = source.Quiet }, cancellationToken);
        }
        catch (Exception recordEx) when (!cancellationToken.IsCancellationRequested)
        {
            LogRecordFailed(recordEx, source.Id);
        }

        MonitorMetrics.SourceObserved(source.Id, health, failures, source.Quiet);
        LogPollFailed(source.Id, failures, health, error, nextPollAt);
        return error;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {SourceId}: published {Published} new or changed statements")]
    private partial void LogPublished(string sourceId, int published);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Polled {SourceId}: nothing new (304 Not Modified: {NotModified}); next poll at {NextPollAt:u}")]
    private partial void LogNothingNew(string sourceId, bool notModified, DateTimeOffset nextPollAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceId} is quiet: nothing new since {LastNewItemAt:u}, longer than its usual rhythm allows ({QuietAfter})")]
    private partial void LogQuiet(string sourceId, DateTimeOffset? lastNewItemAt, TimeSpan quietAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll of {SourceId} failed ({Failures} in a row, now {Health}): {Error}. Next try at {NextPollAt:u}")]
    private partial void LogPollFailed(string sourceId, int failures, SourceHealth health, string error, DateTimeOffset nextPollAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the poll history of {SourceId} (a source removed during its poll, or the database)")]
    private partial void LogPollHistoryFailed(Exception exception, string sourceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the failed poll of {SourceId}")]
    private partial void LogRecordFailed(Exception exception, string sourceId);
}
