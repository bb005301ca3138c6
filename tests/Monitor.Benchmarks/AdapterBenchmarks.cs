using BenchmarkDotNet.Attributes;
using Monitor.Core.Feeds;

namespace Monitor.Benchmarks;

/// <summary>
/// Each adapter over its real fixture payload, as ratios against the generic RSS parser reading the EP top-stories
/// item (the baseline): what the EP refinements, the sanitiser and the JSON readers cost per feed.
/// </summary>
[MemoryDiagnoser]
public class AdapterBenchmarks
{
    private static readonly Uri EpRssUrl = new("https://www.europarl.europa.eu/rss/doc/top-stories/en.xml");
    private static readonly Uri PlenaryRssUrl = new("https://www.europarl.europa.eu/rss/doc/plenary/nl.xml");
    private static readonly Uri NatoUrl = new("https://www.nato.int/content/nato/en/search.json");
    private static readonly Uri EpApiUrl = new("https://data.europarl.europa.eu/api/v2/plenary-documents/feed");
    private static readonly Uri NatoPageUrl = new("https://www.nato.int/en/news-and-events/events/transcripts/2026/10/01/speech");

    // The escaped HTML of the top-stories item's description, unescaped.
    private const string Description =
        "<img src=\"https://www.europarl.europa.eu/resources/library/images/20210913PHT12318/20210913PHT12318-ms.jpg\" "
        + "align=\"left\" width=\"125\" hspace=\"5\" vspace=\"0\" />The most important EU debate of the year, looking at "
        + "last year’s achievements as well as plans and vision for the future, took place on 15 September.<br /> <br />"
        + "Source : <a href=\"https://www.europarl.europa.eu/privacy-policy/en\">© European Union, 2021 - EP</a>";

    private byte[] _topStories = [];
    private byte[] _snippets = [];
    private byte[] _nato = [];
    private byte[] _atom = [];
    private string _natoPage = "";

    [GlobalSetup]
    public void Setup()
    {
        _topStories = Read("ep_rss_top-stories_en_2021.xml");
        _snippets = Read("ep_rss_items_2026_snippets.xml");
        _nato = Read("nato_transcripts_search.json");
        _atom = Read("ep_api_v2_plenary-documents_feed.atom.xml");
        _natoPage = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nato_speech.html"));
    }

    [Benchmark(Baseline = true, Description = "rss: EP top stories (1 item)")]
    public int RssTopStories() => Parse(FeedAdapters.Rss, _topStories, EpRssUrl);

    [Benchmark(Description = "ep-rss: EP top stories (1 item)")]
    public int EpRssTopStories() => Parse(FeedAdapters.EpRss, _topStories, EpRssUrl);

    [Benchmark(Description = "ep-rss: snippets (3 items)")]
    public int EpRssSnippets() => Parse(FeedAdapters.EpRss, _snippets, PlenaryRssUrl);

    [Benchmark(Description = "nato-json: transcripts (4 items)")]
    public int NatoJson() => Parse(FeedAdapters.NatoJson, _nato, NatoUrl);

    [Benchmark(Description = "ep-api: plenary Atom (8 entries)")]
    public int EpApiAtom() => Parse(FeedAdapters.EpApi, _atom, EpApiUrl);

    [Benchmark(Description = "SafeHtml: top-stories description")]
    public int SanitiseDescription() => Monitor.Core.Text.SafeHtml.Sanitize(Description, EpRssUrl).Length;

    [Benchmark(Description = "ArticleExtractor: NATO speech page")]
    public int ExtractNatoPage() => ArticleExtractor.Extract(_natoPage, NatoPageUrl)?.Text.Length ?? 0;

    private static int Parse(string adapter, byte[] bytes, Uri url)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return FeedAdapters.Parse(adapter, stream, url).Count;
    }

    private static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
