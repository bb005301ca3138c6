namespace Monitor.Core.Tagging.Semantic;

/// <summary>
/// Turns sentences into unit-length vectors, so that the dot product of two vectors is their cosine similarity.
/// Implemented outside Core (a local model: <c>Monitor.Embeddings</c>); Core only compares the vectors.
/// </summary>
public interface ISentenceEmbedder
{
    /// <summary>Names the model; vectors of different models are not comparable.</summary>
    string ModelId { get; }

    /// <summary>One vector per sentence, in order. Thread-safe.</summary>
    float[][] Embed(IReadOnlyList<string> sentences);
}
