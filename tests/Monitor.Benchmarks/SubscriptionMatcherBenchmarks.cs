using BenchmarkDotNet.Attributes;
using Monitor.Alerts.Matching;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Core.Tagging;
using Monitor.Data.Alerts;

namespace Monitor.Benchmarks;

/// <summary>
/// The Alerts worker's per-statement matching: one stored statement (three topics, a drifting figure) against every
/// enabled subscription, 10 against 1,000. Subscriptions are a fixed-seed mix of topic rules (any / all, one to three
/// of the 18 topics, min scores), source and type filters, drift-only and catch-all rules. One operation is one
/// statement matched against the whole set.
/// </summary>
[MemoryDiagnoser]
public class SubscriptionMatcherBenchmarks
{
    private static readonly string[] SourceIds = ["nato-news", "nato-transcripts", "ep-press-releases", "ep-plenary", "ep-thinktank"];
    private static readonly string[] Types = [DocumentTypes.News, DocumentTypes.PressRelease, DocumentTypes.Speech, DocumentTypes.TextAdopted];

    private Subscription[] _ten = [];
    private Subscription[] _thousand = [];
    private StatementStored _statement = null!;

    [GlobalSetup]
    public void Setup()
    {
        var topics = TopicFile.LoadDefault().Topics.Select(t => t.Id).ToArray();
        var random = new Random(7);
        var all = Enumerable.Range(0, 1000).Select(i => new Subscription
        {
            Id = i,
            Name = $"s{i}",
            Topics = i % 10 == 0 ? [] : Enumerable.Range(0, 1 + random.Next(3)).Select(_ => topics[random.Next(topics.Length)]).Distinct().ToList(),
            TopicMatch = i % 4 == 0 ? "all" : "any",
            MinScore = random.Next(4) * 0.2,
            Sources = i % 5 == 0 ? [SourceIds[random.Next(SourceIds.Length)]] : [],
            DocumentTypes = i % 7 == 0 ? [Types[random.Next(Types.Length)]] : [],
            DriftOnly = i % 11 == 0,
        }).ToArray();
        _thousand = all;
        _ten = all[..10];
        var now = DateTimeOffset.UtcNow;
        _statement = new StatementStored(1, 1, "nato-news", "ext", "https://example.org/1", "Allies reaffirm Article 5", "Summary", now,
            [new TopicScore(topics[6], 0.9, []), new TopicScore(topics[3], 0.55, []), new TopicScore(topics[16], 0.3, [])], now, now)
        {
            DocumentType = DocumentTypes.News,
            Figures = [new FigureValue("allies-count", 33, 32, true, "33 Allies", "body", 0)],
        };
    }

    [Benchmark(Baseline = true)]
    public int Subscriptions10() => MatchAll(_ten);

    [Benchmark]
    public int Subscriptions1000() => MatchAll(_thousand);

    private int MatchAll(Subscription[] subscriptions)
    {
        var matched = 0;
        foreach (var subscription in subscriptions)
        {
            if (SubscriptionMatcher.Match(subscription, _statement) is not null)
            {
                matched++;
            }
        }

        return matched;
    }
}
