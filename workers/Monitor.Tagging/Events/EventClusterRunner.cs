using System.Diagnostics;
using Monitor.Core.Events;
using Monitor.Data.Events;

namespace Monitor.Tagging.Events;

/// <summary>What one call of <see cref="EventClusterRunner.RunPageAsync"/> did.</summary>
public enum EventPageOutcome
{
    /// <summary>Another replica holds the lease (or took it during the page: nothing was written).</summary>
    NotLeader,

    /// <summary>No statement waits for an event.</summary>
    Idle,

    /// <summary>A page was clustered and committed.</summary>
    Clustered,
}

/// <summary>Where the time of clustering went, summed over the pages run so far.</summary>
/// <param name="Embed">Building each statement's vector (<see cref="EventFeatures"/>: the sentence embeddings).</param>
/// <param name="Assign">The clusterer: rebuilding events from the store when needed, and <see cref="EventClusterer.Add"/>.</param>
/// <param name="Store">Reading the page and writing assignments, merges and the checkpoint.</param>
public sealed record EventClusterTimes(int Statements, TimeSpan Embed, TimeSpan Assign, TimeSpan Store);

/// <summary>
/// One replica's clustering: page by page, statements after the store's checkpoint are given their vector, put in events
/// (<see cref="EventClusterer.Add"/>) and written with the checkpoint in one transaction, under the store's lease.
/// </summary>
/// <remarks>
/// <para><b>Memory.</b> The clusterer of the open events is kept between pages while this replica holds the lease
/// without a break and statements come in date order. It is rebuilt from the store (<see cref="StoryEvent.Rebuild"/>
/// from the members' stored vectors, <see cref="EventClusterer.Restore"/>) at the start, when the lease changed hands,
/// after a failed page, and after a statement out of date order.</para>
/// <para><b>Out of date order</b> (a backfill of history, or a statement published yesterday that arrives after
/// today's): a page is clustered in day order (then id order). A statement of a day before the latest clustered day is
/// placed with <see cref="EventClusterer.AddLate"/> against the stored events whose days come within the reference
/// window (30 days) of its day, before or after: it joins, starts or merges events as it would in date order, scored
/// by its distance in days to each event's span. Statements already placed are not moved (only a revision of their own text moves them: <see cref="EventPage.ReviseAsync"/>), so
/// history is clustered as it arrives: the result can differ from a run in date order, where a statement's event was
/// decided before its later neighbours existed.</para>
/// </remarks>
public sealed class EventClusterRunner(EventStore store, EventFeatures features, EventOptions options, string owner, TimeProvider time, TimeSpan lease)
{
    private readonly int _horizon = Math.Max(options.WindowDays, options.ReferenceWindowDays);
    private EventClusterer? _live;
    private EventClusterer? _late;
    private DateOnly _lateDay;
    private DateOnly? _latest;
    private long _epoch = -1;
    private readonly Stopwatch _embed = new();
    private readonly Stopwatch _assign = new();
    private readonly Stopwatch _store = new();
    private int _statements;

    public string Owner => owner;

    /// <summary>Times spent so far, by part.</summary>
    public EventClusterTimes Times => new(_statements, _embed.Elapsed, _assign.Elapsed, _store.Elapsed);

    /// <summary>Takes or renews the lease, and clusters and commits one page of at most <paramref name="pageSize"/> statements.</summary>
    public Task<EventPageOutcome> RunPageAsync(int pageSize, CancellationToken cancellationToken = default) =>
        RunPageAsync(pageSize, new EventReading(), cancellationToken);

    /// <summary>As <see cref="RunPageAsync(int, CancellationToken)"/>, reading the statements as <paramref name="reading"/> says.</summary>
    public async Task<EventPageOutcome> RunPageAsync(int pageSize, EventReading reading, CancellationToken cancellationToken = default)
    {
        _store.Start();
        var epoch = await store.TryLeaseAsync(owner, time.GetUtcNow(), lease, cancellationToken);
        if (epoch is null)
        {
            _store.Stop();
            _live = null;
            return EventPageOutcome.NotLeader;
        }

        if (epoch != _epoch)
        {
            // The lease changed hands since this replica last wrote: another may have clustered meanwhile.
            _live = null;
            _epoch = epoch.Value;
        }

        var batch = await store.NextAsync(pageSize, reading, cancellationToken);
        var sources = batch.Statements;
        if (sources.Count == 0)
        {
            if (batch.Moves)
            {
                // Only statements placed ahead of the checkpoint (live ones read first) lay behind it: move it past them.
                await using var empty = await store.BeginPageAsync(owner, _epoch, time.GetUtcNow(), lease, cancellationToken);
                if (empty is not null)
                {
                    await empty.CommitAsync(batch.Checkpoint, cancellationToken);
                }
            }

            _store.Stop();
            return EventPageOutcome.Idle;
        }

        _store.Stop();

        // The embeddings (the slow part) before the transaction, so it stays short.
        _embed.Start();
        var items = new List<(EventSource Source, EventStatement? Statement, string? Error)>(sources.Count);
        foreach (var source in sources)
        {
            if (source.UntaggedReason is not null)
            {
                // Known only in another language: skipped with the reason until its English version comes (EventStore.NextAsync).
                items.Add((source, null, source.UntaggedReason));
                continue;
            }

            try
            {
                // The entities (the same extractor that fills statement_entities) explain a join ("same entities ...");
                // their score weight is 0 by default, measured (docs/events.md).
                var entities = EventFeatures.Entities(source.Title, source.Text);
                items.Add((source, features.Build(source.StatementId, source.Day, source.Institution, source.Title, source.Text, source.Topics, entities), null));
            }
            catch (ArgumentException ex)
            {
                items.Add((source, null, ex.Message));
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Building the features is pure work on the statement's text: what fails once fails every time, so the
                // statement is recorded as skipped with its error instead of holding every later page back.
                items.Add((source, null, $"{ex.GetType().Name}: {ex.Message}"));
            }
        }

        _embed.Stop();
        items.Sort((a, b) => a.Source.Day != b.Source.Day ? a.Source.Day.CompareTo(b.Source.Day) : a.Source.StatementId.CompareTo(b.Source.StatementId));

        _store.Start();
        await using var page = await store.BeginPageAsync(owner, _epoch, time.GetUtcNow(), lease, cancellationToken);
        if (page is null)
        {
            _store.Stop();
            _live = null;
            return EventPageOutcome.NotLeader;
        }

        try
        {
            _latest = await page.LatestDayAsync(cancellationToken);
            foreach (var (source, statement, error) in items)
            {
                long? emptied = null;
                if (statement is null)
                {
                    if (source.Revision is { } dropped)
                    {
                        // A member whose new text gives no features keeps its place and its old features.
                        await page.DropRevisionAsync(source.StatementId, dropped, cancellationToken);
                    }
                    else
                    {
                        await page.SkipAsync(source.StatementId, error!, cancellationToken);
                    }

                    continue;
                }

                if (source.Revision is { } revision)
                {
                    // A member whose text changed: its event is linked again, and split if the change cut it. The events
                    // in memory are stale after that, whatever happened.
                    _live = null;
                    _late = null;
                    var revised = await page.ReviseAsync(statement, revision, options, cancellationToken);
                    if (!revised.PlaceAgain)
                    {
                        await page.SetKeySentenceAsync(statement.Id, KeySentence(source, revised.Centroid!), cancellationToken);
                        continue;
                    }

                    emptied = revised.Emptied;
                }

                if (source.WasSkipped)
                {
                    await page.UnskipAsync(source.StatementId, cancellationToken);
                }

                _store.Stop();
                _assign.Start();
                var (clusterer, assignment) = await PlaceAsync(page, statement, cancellationToken);
                var kept = clusterer.Find(assignment.EventId)!;
                if (emptied is { } own)
                {
                    // A revised statement that was alone in its event: it keeps that event if it starts one again,
                    // which it then retires into the event it joined otherwise. The memory is stale either way.
                    _live = null;
                    _late = null;
                    if (assignment is { Created: true, Merged.Count: 0 })
                    {
                        assignment = assignment with { EventId = own, Created = false };
                    }
                }

                var reasons = MergeReasons(kept, assignment.Merged);
                var key = KeySentence(source, kept.Centroid);
                _assign.Stop();
                _store.Start();
                await page.WriteAsync(statement, assignment, reasons, key, cancellationToken);
                if (emptied is { } retired && assignment.EventId != retired)
                {
                    await page.RetireAsync(retired, assignment.EventId, statement.Id, cancellationToken);
                }
            }

            await page.CommitAsync(batch.Checkpoint, cancellationToken);
            _statements += sources.Count;
            return EventPageOutcome.Clustered;
        }
        catch
        {
            // Rolled back: the memory holds assignments the store does not.
            _live = null;
            throw;
        }
        finally
        {
            _late = null;
            _assign.Stop();
            _store.Stop();
        }
    }

    // A statement of the latest clustered day or after goes to the clusterer kept in memory (the store's open events);
    // an older one to a clusterer of the events around its day (AddLate), after which the memory is stale.
    private async Task<(EventClusterer Clusterer, EventAssignment Assignment)> PlaceAsync(EventPage page, EventStatement statement, CancellationToken cancellationToken)
    {
        var day = statement.Date;
        if (_latest is null || day >= _latest.Value)
        {
            if (_live is null)
            {
                var from = _latest ?? day;
                _live = new EventClusterer(statement.Vector.Length, options, await page.MaxEventIdAsync(cancellationToken) + 1);
                _live.Restore(await page.EventsAroundAsync(from.AddDays(-_horizon), from, options, cancellationToken));
            }

            _latest = day;
            return (_live, _live.Add(statement));
        }

        _live = null;
        if (_late is null || _lateDay != day)
        {
            _late = new EventClusterer(statement.Vector.Length, options, await page.MaxEventIdAsync(cancellationToken) + 1);
            _late.Restore(await page.EventsAroundAsync(day.AddDays(-_horizon), day.AddDays(_horizon), options, cancellationToken));
            _lateDay = day;
        }

        return (_late, _late.AddLate(statement));
    }

    // The sentence the event page shows for the statement; its features were built, so this only misses on a model error.
    private string KeySentence(EventSource source, float[] centroid)
    {
        try
        {
            return features.KeySentence(source.Title, source.Text, centroid);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return "";
        }
    }

    private static Dictionary<long, string> MergeReasons(StoryEvent kept, IReadOnlyList<long> merged)
    {
        var reasons = new Dictionary<long, string>();
        foreach (var id in merged)
        {
            var prefix = $"event {id} merged:";
            if (kept.History.FirstOrDefault(h => h.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                reasons[id] = line;
            }
        }

        return reasons;
    }
}
