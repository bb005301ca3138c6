namespace Monitor.Ingestion.Backfill;

/// <summary>Bound from the <c>Backfill</c> section: how politely and how much at once archives are walked.</summary>
public sealed class BackfillOptions
{
    public const string SectionName = "Backfill";

    /// <summary>Run backfills in this Ingestion process (claimed from <c>backfill_jobs</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Backfills walked at once by this process (each one archive, one page at a time).</summary>
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>
    /// Requests per second to one host from all backfills of this process, archive pages and article pages together
    /// (a token bucket; live polling is not counted and never waits for it). Two is polite for the institutions' sites.
    /// </summary>
    public double RequestsPerSecondPerHost { get; set; } = 2;

    /// <summary>
    /// Pages walked ahead of the last page whose items are all stored. The checkpoint is the first page not yet
    /// stored, so a kill costs at most this many pages walked again; it also bounds what a backfill has queued.
    /// </summary>
    public int MaxPagesInFlight { get; set; } = 10;

    /// <summary>Fetch each item's article page for its full text, as live polling does (one more request per item).</summary>
    public bool FullText { get; set; } = true;

    /// <summary>How often runnable backfills are looked for.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed backfill stays this process's without a checkpoint (then another process takes it over).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Failed pages in a row after which a backfill stops as failed (resume it to try again).</summary>
    public int MaxFailures { get; set; } = 8;

    /// <summary>The first backoff after a failed page (doubled each time, with jitter, up to <see cref="MaxBackoff"/>), unless the server sent Retry-After.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
}
