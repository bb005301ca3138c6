using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using Monitor.Contracts;
using Monitor.Core.Backfill;
using Monitor.Core.Feeds;
using Monitor.Core.Statements;
using Monitor.Data.Backfill;
using Monitor.Data.Statements;
using Monitor.Hosting.Messaging;
using Monitor.Ingestion.Polling;
using LogContext = Serilog.Context.LogContext;

namespace Monitor.Ingestion.Backfill;

/// <summary>
/// Walks one claimed backfill from its checkpoint: fetch a page of the archive (at the host's backfill rate), read it
/// with the source's adapter, keep the items in the range that live polling or an earlier run has not published with
/// the same content (the same <c>discovered_items</c> dedup as live), complete their full text, send them to the
/// backfill path, remember them, and checkpoint the next page's URL with the counts. It stops when the archive ends,
/// when the backfill is paused or cancelled (seen at the checkpoint), or when a page fails (backoff, or Retry-After).
/// </summary>
public sealed partial class BackfillWalker(
    FeedFetcher fetcher,
    ArticleFetcher articles,
    BackfillHostRate rate,
    BackfillStore jobs,
    DiscoveredItemStore discovered,
    ISendEndpointProvider send,
    IOptions<BackfillOptions> options,
    TimeProvider time,
    ILogger<BackfillWalker> logger)
{
    public async Task WalkAsync(BackfillJob job, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var _ = LogContext.PushProperty("SourceId", job.SourceId);
        var settings = options.Value;
        var source = await jobs.FindSourceAsync(job.SourceId, cancellationToken);
        if (source is not { } found)
        {
            await jobs.RecordFailureAsync(job.Id, owner, $"Source '{job.SourceId}' no longer exists", 0, time.GetUtcNow(), giveUp: true, time.GetUtcNow(), cancellationToken);
            return;
        }

        var adapter = found.Adapter;
        var endpoint = await send.GetSendEndpoint(PipelineQueues.TagStatementBackfillAddress);
        var next = job.NextUrl is { } url ? new Uri(url) : null;
        var failures = job.Failures;

        // Pages walked whose items are not all stored yet, oldest first. The checkpoint is the first of them: a kill
        // loses what an in-memory bus held, so a page counts as done only once its items are in the database, and a
        // resumed walk starts again at the first page that was not. At most MaxPagesInFlight pages wait: that is
        // also the backpressure that keeps a backfill from flooding its queues.
        var pending = new Queue<(Uri Page, HashSet<string> Ids)>();
        LogWalking(job.Id, job.SourceId, job.SinceDay, job.UntilDay, next);
        while (!cancellationToken.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            var progress = new BackfillProgress(null, 0, 0, 0, null);
            var pages = 0;
            if (next is not null && pending.Count < Math.Max(1, settings.MaxPagesInFlight))
            {
                var current = next;
                try
                {
                    var (page, ids) = await PageAsync(job, adapter, current, endpoint, settings, cancellationToken);
                    pending.Enqueue((current, ids));
                    progress = page;
                    pages = 1;
                    next = page.NextUrl is { } n ? new Uri(n) : null;
                    failures = 0;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is FeedFetchException or FeedFormatException or HttpRequestException)
                {
                    failures++;
                    var now = time.GetUtcNow();
                    var retryAt = (ex as FeedFetchException)?.RetryAt ?? now + Backoff(failures, settings);
                    var giveUp = failures >= settings.MaxFailures;
                    await jobs.RecordFailureAsync(job.Id, owner, ex.Message, watch.ElapsedMilliseconds, retryAt, giveUp, now, cancellationToken);
                    LogPageFailed(job.Id, current, failures, ex.Message, giveUp ? null : retryAt);
                    return;
                }
            }
            else
            {
                await Task.Delay(ConfirmInterval, time, cancellationToken);
            }

            while (pending.TryPeek(out var front))
            {
                if (front.Ids.Count > 0)
                {
                    front.Ids.ExceptWith(await jobs.StoredIdsAsync(job.SourceId, front.Ids, cancellationToken));
                }

                if (front.Ids.Count > 0)
                {
                    break;
                }

                pending.Dequeue();
            }

            var checkpoint = pending.TryPeek(out var first) ? first.Page : next;
            var state = await jobs.CheckpointAsync(job.Id, owner, progress with { NextUrl = checkpoint?.AbsoluteUri, RunMs = watch.ElapsedMilliseconds }, pages,
                time.GetUtcNow(), settings.Lease, cancellationToken);
            if (state != BackfillStates.Running)
            {
                LogStopped(job.Id, state ?? "taken over by another process");
                return;
            }
        }
    }

    private async Task<(BackfillProgress Progress, HashSet<string> Ids)> PageAsync(BackfillJob job, string adapter, Uri page, ISendEndpoint endpoint, BackfillOptions settings, CancellationToken cancellationToken)
    {
        await rate.WaitAsync(page.Host, cancellationToken);
        var fetched = await fetcher.FetchArchivePageAsync(page, adapter, cancellationToken);
        IReadOnlyList<FeedItem> items = [];
        if (fetched.Content.Length > 0)
        {
            using var stream = new MemoryStream(fetched.Content, writable: false);
            items = FeedAdapters.Parse(adapter, stream, page);
        }

        var next = ArchiveWalk.Next(adapter, page, items, fetched.Content, job.Since, job.Until);
        var inRange = items.Where(i => ArchiveWalk.InRange(i, job.Since, job.Until)).DistinctBy(i => i.ExternalId, StringComparer.Ordinal).ToList();
        var oldest = items.Where(i => i.PublishedAt is not null).Select(i => i.PublishedAt).Min();
        if (inRange.Count == 0)
        {
            return (new BackfillProgress(next?.AbsoluteUri, 0, 0, 0, oldest), []);
        }

        // Live polling's dedup (the content last published per item), and for a backfill also the proof that it
        // was stored: an item published into a bus that was then killed is sent again.
        var hashed = inRange.Select(item => (Item: item, Hash: ContentHash.Compute(item.Title, item.Summary, item.Body))).ToList();
        var ids = hashed.Select(h => h.Item.ExternalId).ToList();
        var known = await discovered.GetHashesAsync(job.SourceId, ids, cancellationToken);
        var stored = await jobs.StoredIdsAsync(job.SourceId, ids, cancellationToken);
        var fresh = hashed.Where(h => !known.TryGetValue(h.Item.ExternalId, out var hash) || hash != h.Hash || !stored.Contains(h.Item.ExternalId)).ToList();
        if (fresh.Count > 0)
        {
            var completed = await Task.WhenAll(fresh.Select(h => CompleteAsync(job.SourceId, adapter, h.Item, settings, cancellationToken)));
            var alertHistory = await jobs.HistoryWantedAsync(cancellationToken);
            var now = time.GetUtcNow();
            var statements = completed.Select(item => new StatementDiscovered(job.SourceId, item.ExternalId, item.Url, item.Title, item.Summary, item.Body,
                item.PublishedAt, item.Language, ContentHash.Compute(item.Title, item.Summary, item.Body), now)
            {
                DocumentType = item.DocumentType ?? DocumentTypes.News,
                BodyHtml = item.BodyHtml,
                PublishedRaw = item.PublishedRaw,
                DocumentReference = item.DocumentReference,
                Backfill = true,
                AlertHistory = alertHistory,
            });
            await Task.WhenAll(StatementsDiscovered.Chunk(statements).Select(message => endpoint.Send(message, cancellationToken)));

            // Remembered after the broker took them, as live polling does: a kill in between sends them again, and
            // Persistence stores nothing twice.
            await discovered.MarkDiscoveredAsync(job.SourceId, fresh.Select(h => (h.Item.ExternalId, h.Hash)), now, cancellationToken);
        }

        return (new BackfillProgress(next?.AbsoluteUri, inRange.Count, fresh.Count, 0, oldest), fresh.Select(h => h.Item.ExternalId).ToHashSet(StringComparer.Ordinal));
    }

    private async Task<FeedItem> CompleteAsync(string sourceId, string adapter, FeedItem item, BackfillOptions settings, CancellationToken cancellationToken)
    {
        if (!settings.FullText || !FeedAdapters.WantsFullText(adapter, item) || !Uri.TryCreate(item.Url, UriKind.Absolute, out var page))
        {
            return item;
        }

        await rate.WaitAsync(page.Host, cancellationToken);
        return await articles.CompleteAsync(sourceId, adapter, item, cancellationToken);
    }

    private static readonly TimeSpan ConfirmInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Exponential with full jitter: first backoff × 2^(n-1), capped.</summary>
    private static TimeSpan Backoff(int failures, BackfillOptions settings)
    {
        var ceiling = Math.Min(settings.MaxBackoff.TotalMilliseconds, settings.FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(20, failures - 1)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} of {SourceId} ({Since} to {Until}) walking from {Page}")]
    private partial void LogWalking(long backfillId, string sourceId, string since, string until, Uri? page);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backfill {BackfillId}: page {Page} failed ({Failures} in a row): {Error}; next try at {RetryAt:u} (none: stopped as failed)")]
    private partial void LogPageFailed(long backfillId, Uri page, int failures, string error, DateTimeOffset? retryAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} stopped: {State}")]
    private partial void LogStopped(long backfillId, string state);
}
