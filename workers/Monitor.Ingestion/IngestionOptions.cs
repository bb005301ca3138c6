using Monitor.Data.Sources;

namespace Monitor.Ingestion;

/// <summary>Bound from the <c>Ingestion</c> section.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Poll the NATO and European Parliament sources Monitor ships with.</summary>
    public bool UseDefaultSources { get; set; } = true;

    /// <summary>
    /// Other languages of the default EP RSS feeds to poll too (two-letter codes, e.g. <c>["fr", "de"]</c>): each adds
    /// a source <c>&lt;id&gt;-&lt;code&gt;</c> reading <c>…/rss/doc/&lt;feed&gt;/&lt;code&gt;.xml</c>. Its items become translations
    /// of the statements of the English feed, or statements marked untagged until their English version comes
    /// (docs/sources.md#languages). None by default: English is what Monitor tags.
    /// </summary>
    public List<string> EpLanguages { get; set; } = [];

    /// <summary>More sources to poll, beside (or instead of) the defaults.</summary>
    public List<SourceDefinitionOptions> Sources { get; set; } = [];

    /// <summary>How often the scheduler looks for sources that are due.</summary>
    public TimeSpan SchedulerTick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sources polled at the same time by one Ingestion process.</summary>
    public int MaxConcurrentPolls { get; set; } = 4;

    /// <summary>
    /// A poll running longer than this (a trickling or hanging server, the EP Open Data Portal's slow answers) stops
    /// counting against <see cref="MaxConcurrentPolls"/> and moves to one of <see cref="SlowPollSlots"/>, so slow
    /// sources cannot keep healthy ones waiting for their whole timeout.
    /// </summary>
    public TimeSpan SlowPollAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Slow polls one Ingestion process runs beside its <see cref="MaxConcurrentPolls"/> regular ones.</summary>
    public int SlowPollSlots { get; set; } = 8;

    /// <summary>Total time one request may take, from connecting to the last byte of the body (a slow server fails).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A claimed source is not claimed again for at least this long, and the claim is renewed every third of it while
    /// its poll runs, so a poll slower than its source's interval (a slow server, full-text fetches) is never run twice
    /// at once; the poll's result sets the real next poll time. A process killed mid-poll holds its sources this long at
    /// most (it was 10 minutes, without renewal: a killed Ingestion left its sources unpolled that long).
    /// </summary>
    public TimeSpan PollLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longer total timeouts per adapter: the EP Open Data Portal answers in 30 to 180 s.</summary>
    public Dictionary<string, TimeSpan> AdapterTimeouts { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ep-api"] = TimeSpan.FromMinutes(4),
    };

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A body that has not come in at <see cref="MinBodyBytesPerSecond"/> on average once this long has passed since its
    /// first byte fails the fetch: a server trickling a byte every 2 s no longer holds a poll for the whole timeout.
    /// </summary>
    public TimeSpan SlowBodyGrace { get; set; } = TimeSpan.FromSeconds(10);

    public int MinBodyBytesPerSecond { get; set; } = 1024;

    /// <summary>A feed or article body larger than this fails the fetch while it streams in; nothing bigger is buffered.</summary>
    public long MaxFeedBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Redirects followed per request; a loop fails at once.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Networks (CIDR, e.g. <c>127.0.0.1/32</c>, <c>10.0.0.0/8</c>) Monitor may connect to although they are loopback,
    /// private, link-local, CGNAT, multicast or unspecified. Empty by default: such addresses are refused.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Requests per <see cref="RateLimitWindow"/> to one endpoint (host and path) of a rate-limited adapter.</summary>
    public int RateLimitPermits { get; set; } = 500;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Adapters whose endpoints are rate limited (the EP Open Data Portal: 500 requests per 5 minutes).</summary>
    public List<string> RateLimitedAdapters { get; set; } = ["ep-api"];

    /// <summary>Article pages fetched at the same time from one host, for full text.</summary>
    public int ArticleRequestsPerHost { get; set; } = 2;

    /// <summary>
    /// Article pages fetched (and read into text) at the same time by one Ingestion process, whatever their hosts and
    /// sources: with <see cref="MaxArticleBytes"/> it bounds the article bytes in flight (4 x 4 MiB by default).
    /// </summary>
    public int MaxConcurrentArticleFetches { get; set; } = 4;

    /// <summary>An article page larger than this keeps the item's summary; real NATO and EP pages are well under 1 MiB.</summary>
    public long MaxArticleBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A source is quiet when nothing new came for max(3 x its typical gap, this floor).</summary>
    public TimeSpan QuietFloor { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A Cache-Control max-age may push the next poll back to at most this many poll intervals.</summary>
    public int MaxAgeIntervals { get; set; } = 4;

    public TimeSpan TimeoutFor(string adapter) =>
        AdapterTimeouts.TryGetValue(adapter, out var timeout) && timeout > TimeSpan.Zero ? timeout : RequestTimeout;

    /// <summary>Some sites (nato.int) answer 403 to a bare client.</summary>
    public string UserAgent { get; set; } = "Mozilla/5.0 (compatible; Monitor/1.0; NATO and European Parliament statement monitor)";

    public IEnumerable<SourceDefinition> AllSources() =>
        (UseDefaultSources ? DefaultSources.Concat(EpLanguageSources(DefaultSources, EpLanguages)) : [])
        .Concat(Sources.Select(s => new SourceDefinition(s.Id, s.Name ?? s.Id, s.Url, s.Adapter, s.PollIntervalSeconds)));

    /// <summary>A two-letter language code other than English ("fr", "DE").</summary>
    public static bool IsEpLanguage(string? code) =>
        code?.Trim().ToLowerInvariant() is { Length: 2 } c && c.All(char.IsAsciiLetterLower) && c != "en";

    /// <summary>The <paramref name="languages"/> versions of the EP RSS sources among <paramref name="sources"/> (their <c>en.xml</c> feeds).</summary>
    /// <exception cref="ArgumentException">A code that is not two letters, or English (the default feeds are English).</exception>
    public static IEnumerable<SourceDefinition> EpLanguageSources(IEnumerable<SourceDefinition> sources, IEnumerable<string> languages)
    {
        var codes = languages.Select(l => l.Trim().ToLowerInvariant()).Distinct().ToList();
        foreach (var code in codes)
        {
            if (!IsEpLanguage(code))
            {
                throw new ArgumentException($"Ingestion:EpLanguages: \"{code}\" is not a two-letter language code other than \"en\" (for example \"fr\" or \"de\").", nameof(languages));
            }
        }

        return sources
            .Where(s => s.Adapter == "ep-rss" && s.Url.EndsWith("/en.xml", StringComparison.Ordinal))
            .SelectMany(s => codes.Select(code => s with
            {
                Id = $"{s.Id}-{code}",
                Name = $"{s.Name} ({code.ToUpperInvariant()})",
                Url = string.Concat(s.Url.AsSpan(0, s.Url.Length - "en.xml".Length), $"{code}.xml"),
            }));
    }

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
