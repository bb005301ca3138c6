using Monitor.Core.Events;
using Monitor.Core.Tagging;
using Monitor.Data.Backfill;
using Monitor.Data.Events;
using Monitor.Embeddings;

namespace Monitor.Tagging.Events;

/// <summary>Bound from <c>Events</c>: the background clustering of stored statements into events (docs/events.md).</summary>
public sealed class EventClusteringOptions
{
    public const string SectionName = "Events";

    /// <summary>Cluster stored statements into events (default on; needs the semantic layer's embeddings).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Statements read, embedded and written per transaction.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>How long to wait when no statement waits for an event, or while another replica holds the lease.</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>How long a replica's clustering lease lasts without renewal (renewed every page).</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>
    /// While a backfill is walking, cluster only live statements, as the tag refinement waits, so the backfill's pages and
    /// stores come first; its statements are clustered after it, each once its tags are refined.
    /// </summary>
    public bool PauseDuringBackfill { get; set; } = true;
}

/// <summary>
/// The Tagging worker's event clustering: one replica at a time (a lease in table event_clustering) reads the statements
/// stored after its checkpoint, page by page, and puts each in an event (<see cref="EventClusterRunner"/>). On one
/// thread, beside the consumers: it never blocks the live path, which only stores statements; events follow a few
/// seconds behind. Off when the semantic layer is off (no embeddings) or <c>Events:Enabled</c> is false.
/// </summary>
public sealed partial class EventClusterService(
    EventStore store,
    BackfillStore backfills,
    Tagger tagger,
    TaggingOptions tagging,
    EventClusteringOptions options,
    TimeProvider time,
    ILogger<EventClusterService> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled || !tagging.Semantic.Enabled)
        {
            LogOff();
            return;
        }

        // Let the host finish starting (and the consumers take their first messages) before loading the model.
        await Task.Yield();
        var poll = TimeSpan.FromSeconds(Math.Max(0.05, options.PollSeconds));
        var runner = new EventClusterRunner(store, new EventFeatures(tagger, Taggers.Embedder), new EventOptions(), _owner, time,
            TimeSpan.FromSeconds(Math.Max(2, options.LeaseSeconds)));
        var leading = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // While a backfill walks, only live statements are clustered (the backfill's pages and stores come first);
                // after it, the backlog follows the hybrid re-tag of the backfilled statements, and live ones go first.
                var walking = options.PauseDuringBackfill && await backfills.AnyRunningAsync(stoppingToken);
                var reading = new EventReading(Backlog: !walking, FollowRefinement: tagging.RefineBackfill, LiveFirst: true);
                var outcome = await runner.RunPageAsync(Math.Max(1, options.PageSize), reading, stoppingToken);
                if (outcome == EventPageOutcome.Clustered)
                {
                    if (!leading)
                    {
                        LogLeading(_owner);
                        leading = true;
                    }

                    continue;
                }

                leading &= outcome != EventPageOutcome.NotLeader;
                await Task.Delay(poll, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Nothing of the page was written; the next try starts again from the checkpoint with a fresh clusterer.
                LogFailed(ex);
                try
                {
                    await Task.Delay(poll * 5, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        try
        {
            // A stopping replica hands over at once rather than after its lease runs out.
            await store.ReleaseAsync(_owner, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogReleaseFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event clustering is off (Events:Enabled false, or the semantic layer is off: events need its embeddings)")]
    private partial void LogOff();

    [LoggerMessage(Level = LogLevel.Information, Message = "Event clustering: this replica ({Owner}) holds the lease and clusters")]
    private partial void LogLeading(string owner);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event clustering: a page failed and was rolled back; retrying from the checkpoint")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event clustering: could not release the lease; another replica takes over when it expires")]
    private partial void LogReleaseFailed(Exception exception);
}
