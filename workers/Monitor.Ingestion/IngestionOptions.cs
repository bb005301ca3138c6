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

    // Seeded into the sources table once (see SourceSeeder): afterwards they are managed there, and a default the
    // user removed or paused stays so. A new default added here is seeded at the next start.
    // NATO: the site search JSON (the old RSS feed is gone). Only the transcripts URL is confirmed from a live
    // response (fixtures/feeds/README.md); the other sections follow the same pattern.
    // EP Think Tank: the advanced-search RSS; pubDate is Brussels midnight written as GMT (the ep-thinktank adapter).
    public static readonly IReadOnlyList<SourceDefinition> DefaultSources =
    [
        Nato("nato-news", "NATO: news", "news-and-events/news", 300),
        Nato("nato-transcripts", "NATO: speeches and transcripts", "news-and-events/events/transcripts", 300),
        Nato("nato-press-releases", "NATO: press releases", "news-and-events/press-releases", 300),
        Nato("nato-official-texts", "NATO: official texts", "about-us/official-texts-and-resources/official-texts", 900),
        EpRss("ep-press-releases", "European Parliament: press releases", "press-releases", 300),
        EpRss("ep-plenary", "European Parliament: plenary news", "plenary", 600),
        EpRss("ep-texts-adopted", "European Parliament: texts adopted", "texts-adopted", 900),
        EpRss("ep-top-stories", "European Parliament: top stories", "top-stories", 600),
        EpRss("ep-afet", "European Parliament: Foreign Affairs Committee (AFET)", "afet", 900),
        EpRss("ep-sede", "European Parliament: Security and Defence Committee (SEDE)", "sede", 900),
        EpRss("ep-droi", "European Parliament: Human Rights Subcommittee (DROI)", "droi", 1800),
        new("ep-api-adopted-texts", "European Parliament Open Data: adopted texts", "https://data.europarl.europa.eu/api/v2/adopted-texts/feed?timeframe=one-week", "ep-api", 1800),
        new("ep-api-plenary-documents", "European Parliament Open Data: plenary documents", "https://data.europarl.europa.eu/api/v2/plenary-documents/feed", "ep-api", 1800),
        new("ep-thinktank", "European Parliament Think Tank: publications", "https://www.europarl.europa.eu/thinktank/en/research/advanced-search/rss?startDate=01/01/2026", "ep-thinktank", 3600),
    ];

    private static SourceDefinition Nato(string id, string name, string section, int seconds) =>
        new(id, name, $"https://www.nato.int/content/nato/en/{section}/jcr:content/root/container/general_search_copy.search.json?searchText=&searchType=wcm&sortBy=dateDesc&pageSize=15&page=1&languages=en", "nato-json", seconds);

    private static SourceDefinition EpRss(string id, string name, string feed, int seconds) =>
        new(id, name, $"https://www.europarl.europa.eu/rss/doc/{feed}/en.xml", "ep-rss", seconds);
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
