using BenchmarkDotNet.Attributes;
using Monitor.Core.Events;
using Monitor.Core.Events.Evaluation;
using Monitor.Core.Tagging;
using Monitor.Embeddings;

namespace Monitor.Benchmarks;

/// <summary>
/// The CPU of putting one statement in an event, against the embedding the clusterer needs anyway (the baseline: the
/// title and lead sentences of a real statement through all-MiniLM-L6-v2, cache off, as for a new statement), with
/// 1,000 and 10,000 open events. One operation is one statement.
/// </summary>
/// <remarks>
/// The incoming statements are 32 real statements of the labelled set. The open events are made from the 439 real
/// statement vectors of the set, each event a real vector mixed with Gaussian noise (three members around it, so each
/// event has a centroid and three representatives): similar enough to the incoming statements that many events pass
/// the centroid pre-filter and are compared member by member, as NATO and EP statements on Russia and Ukraine are.
/// Assignment is measured with <see cref="EventClusterer.Propose"/>, which scores every open event as
/// <see cref="EventClusterer.Add"/> does but leaves the events unchanged, so every operation sees the same state.
/// </remarks>
[MemoryDiagnoser]
public class EventClustererBenchmarks
{
    private const int Statements = 32;

    private List<EventStatement> _incoming = [];
    private List<(string Title, string Text)> _texts = [];
    private EventFeatures _cold = null!;
    private EventClusterer _clusterer = null!;

    [Params(1_000, 10_000)]
    public int OpenEvents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var tagger = Taggers.Create(TopicFile.LoadDefault(), Taggers.Mode.Rules);
        var warm = new EventFeatures(tagger, Taggers.Embedder);
        _cold = new EventFeatures(tagger, new MiniLmEmbedder(cacheCapacity: 0));
        var set = EventSet.LoadDefault();
        var day = new DateOnly(2026, 1, 10);
        var real = set.Select((item, i) => warm.Build(i + 1, day, item.Statement.Institution!, item.Statement.Title, item.Statement.Text, [])).ToList();
        var items = set.Take(Statements).ToList();
        _texts = [.. items.Select(i => (i.Statement.Title, i.Statement.Text))];
        _incoming = [.. real.Take(Statements).Select((s, i) => s with { Id = 1_000_000 + i, Topics = ["weapons-military-aid"] })];

        var options = new EventOptions();
        var random = new Random(17);
        var events = new List<StoryEvent>(OpenEvents);
        for (var e = 0; e < OpenEvents; e++)
        {
            var centre = Noisy(real[e % real.Count].Vector, 0.9, random);
            var members = Enumerable.Range(0, 3).Select(m => (new EventStatement(
                e * 10L + m, day.AddDays(-m), "NATO", Noisy(centre, 0.25, random), ["weapons-military-aid", "sanctions"], []), m == 0 ? "first statement" : "similarity")).ToList();
            events.Add(StoryEvent.Rebuild(e + 1, members, options));
        }

        _clusterer = new EventClusterer(real[0].Vector.Length, options);
        _clusterer.Restore(events);
        if (_clusterer.OpenCount != OpenEvents)
        {
            throw new InvalidOperationException($"{_clusterer.OpenCount} open events, not {OpenEvents}");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Statements, Description = "embed title + lead (cache off)")]
    public float Embed()
    {
        var sum = 0f;
        foreach (var (title, text) in _texts)
        {
            sum += _cold.Vector(title, text)[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Statements, Description = "assign to an event (score every open event)")]
    public int Assign()
    {
        var joined = 0;
        foreach (var s in _incoming)
        {
            joined += _clusterer.Propose(s).EventId is null ? 0 : 1;
        }

        return joined;
    }

    // A unit vector: v plus Gaussian noise of the given norm (relative to v's unit length).
    private static float[] Noisy(float[] v, double scale, Random random)
    {
        var noise = new double[v.Length];
        double norm = 0;
        for (var i = 0; i < v.Length; i++)
        {
            // Box-Muller.
            noise[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            norm += noise[i] * noise[i];
        }

        var result = new float[v.Length];
        double total = 0;
        for (var i = 0; i < v.Length; i++)
        {
            result[i] = (float)(v[i] + scale * noise[i] / Math.Sqrt(norm));
            total += result[i] * (double)result[i];
        }

        for (var i = 0; i < v.Length; i++)
        {
            result[i] = (float)(result[i] / Math.Sqrt(total));
        }

        return result;
    }
}
