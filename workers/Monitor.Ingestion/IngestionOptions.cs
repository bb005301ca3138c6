using Monitor.Data.Sources;

namespace Monitor.Ingestion;

/// <summary>Bound from the <c>Ingestion</c> section.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Poll the NATO and European Parliament sources Monitor ships with.</summary>
    public bool UseDefaultSources { get; set; } = true;

    /// <summary>More sources to poll, beside (or instead of) the defaults.</summary>
    public List<SourceDefinitionOptions> Sources { get; set; } = [];

    /// <summary>How often the scheduler looks for sources that are due.</summary>
    public TimeSpan SchedulerTick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sources polled at the same time by one Ingestion process.</summary>
    public int MaxConcurrentPolls { get; set; } = 4;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public long MaxFeedBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Some sites (nato.int) answer 403 to a bare client.</summary>
    public string UserAgent { get; set; } = "Mozilla/5.0 (compatible; Monitor/1.0; NATO and European Parliament statement monitor)";

    public IEnumerable<SourceDefinition> AllSources() =>
        (UseDefaultSources ? DefaultSources : [])
        .Concat(Sources.Select(s => new SourceDefinition(s.Id, s.Name ?? s.Id, s.Url, s.Adapter, s.PollIntervalSeconds)));

    // The generic RSS/Atom adapter covers these today; NATO's search JSON needs its own adapter (Sources issue).
    public static readonly IReadOnlyList<SourceDefinition> DefaultSources =
    [
        new("ep-press-releases", "European Parliament: press releases", "https://www.europarl.europa.eu/rss/doc/press-releases/en.xml", "rss", 300),
        new("ep-top-stories", "European Parliament: top stories", "https://www.europarl.europa.eu/rss/doc/top-stories/en.xml", "rss", 600),
        new("ep-plenary", "European Parliament: plenary news", "https://www.europarl.europa.eu/rss/doc/plenary/en.xml", "rss", 600),
        new("ep-plenary-documents", "European Parliament Open Data: plenary documents", "https://data.europarl.europa.eu/api/v2/plenary-documents/feed", "rss", 1800),
    ];
}

public sealed class SourceDefinitionOptions
{
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string Url { get; set; } = "";

    /// <summary><c>rss</c>: the generic RSS 0.9x/1.0/2.0 and Atom adapter.</summary>
    public string Adapter { get; set; } = "rss";

    public int PollIntervalSeconds { get; set; } = 300;
}
