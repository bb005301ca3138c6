using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitor.Core.Tagging.Semantic;

/// <summary>
/// The trained part of tagging (<c>Tagging/Semantic/model.json</c>, made by <c>monitor train</c> from the train split of
/// the real corpus): each topic's reference sentences with their embeddings, and two calibrated decisions per topic:
/// one over the rule features alone, one over rule and semantic features (the hybrid).
/// </summary>
public sealed class SemanticModel
{
    private const string ResourceName = "Monitor.Core.Tagging.Semantic.model.json";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private SemanticModel(ModelFile file, string version)
    {
        File = file;
        Version = version;
        Prototypes = [.. file.Prototypes.Select(p => new Prototype(p.Topic, p.Kind, p.Text, p.Source, Decode(p.Vector)))];
        Neighbours = [.. (file.Neighbours ?? []).Select(n => new Neighbour(n.Source, [.. n.Topics], Decode(n.Vector)))];
        Probes = file.Probes ?? new Dictionary<string, Calibration>();
    }

    /// <summary>SHA-256 of the file's bytes.</summary>
    public string Version { get; }

    /// <summary>The embedding model the prototypes were made with (<see cref="ISentenceEmbedder.ModelId"/>).</summary>
    public string EmbedderModel => File.Embedder;

    public IReadOnlyList<Prototype> Prototypes { get; }

    /// <summary>The train statements, each as the mean vector of its embedded sentences, with their labels.</summary>
    public IReadOnlyList<Neighbour> Neighbours { get; }

    /// <summary>Per topic, a logistic regression over a statement's mean vector (a linear probe of the embedding).</summary>
    public IReadOnlyDictionary<string, Calibration> Probes { get; }

    /// <summary>What <see cref="TopicFeatures"/> compares statements with.</summary>
    public SemanticParts Parts => new(Prototypes, Neighbours, Probes) { Words = File.Words };

    /// <summary>The file as read.</summary>
    public ModelFile File { get; }

    // Parsed once per process: the worker, its identity for /api/tagging and every tagger built share it.
    private static readonly Lazy<SemanticModel?> Default = new(ReadDefault);

    /// <summary>The model shipped in this assembly, or null when none was trained.</summary>
    public static SemanticModel? LoadDefault() => Default.Value;

    private static SemanticModel? ReadDefault()
    {
        using var stream = typeof(SemanticModel).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray());
    }

    public static SemanticModel LoadFile(string path) => Parse(System.IO.File.ReadAllBytes(path));

    /// <summary>Reads a model file; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static SemanticModel Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ModelFile>(bytes, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The semantic model is not valid JSON: {ex.Message}", ex);
        }

        if (file is null || string.IsNullOrEmpty(file.Embedder) || file.Prototypes is null || file.Rules is null || file.Hybrid is null)
        {
            throw new FormatException("The semantic model lacks its embedder, prototypes or calibrations");
        }

        foreach (var (topic, c) in file.Rules.Concat(file.Hybrid))
        {
            if (c.Weights.Length != c.Mean.Length || c.Weights.Length != c.Std.Length)
            {
                throw new FormatException($"The semantic model's calibration of {topic} has inconsistent lengths");
            }
        }

        return new SemanticModel(file, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Writes a model file (what <c>monitor train</c> saves).</summary>
    public static byte[] Write(ModelFile file) => JsonSerializer.SerializeToUtf8Bytes(file, Json);

    /// <summary>Vectors are stored as base64 of IEEE half floats: plenty for cosine similarity, half the size.</summary>
    public static string Encode(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var bytes = new byte[vector.Length * 2];
        for (var i = 0; i < vector.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (Half)vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    private static float[] Decode(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var vector = new float[bytes.Length / 2];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)BitConverter.ToHalf(bytes, i * 2);
        }

        return vector;
    }
}

/// <summary>A reference sentence of a topic (topic "" for the examples of statements about none of the topics).</summary>
/// <param name="Kind"><c>scope</c> (TOPICS.md), <c>anchor</c> (a briefing passage) or <c>example</c> (a train statement's sentence).</param>
/// <param name="Source">For an example: the corpus item it comes from (never compared with that item itself).</param>
public sealed record Prototype(string Topic, string Kind, string Text, string? Source, float[] Vector);

/// <summary>The JSON of a model file.</summary>
public sealed record ModelFile(
    string About,
    string Embedder,
    string TopicFileVersion,
    string TrainedOn,
    IReadOnlyList<string> RuleFeatures,
    IReadOnlyList<string> HybridFeatures,
    IReadOnlyDictionary<string, Calibration> Rules,
    IReadOnlyDictionary<string, Calibration> Hybrid,
    IReadOnlyList<PrototypeFile> Prototypes)
{
    /// <summary>The train statements as vectors with their labels (nearest-neighbour features).</summary>
    public IReadOnlyList<NeighbourFile>? Neighbours { get; init; }

    /// <summary>The linear probe per topic over a statement's mean vector.</summary>
    public IReadOnlyDictionary<string, Calibration>? Probes { get; init; }

    /// <summary>The tf-idf word profile per topic (<see cref="WordProfiles"/>).</summary>
    public WordProfilesFile? Words { get; init; }
}

/// <summary>A stored train statement: its id, topics and mean vector (base64 of half floats).</summary>
public sealed record NeighbourFile(string Source, IReadOnlyList<string> Topics, string Vector);

/// <summary>A train statement as a vector, with its labelled topics.</summary>
public sealed record Neighbour(string Source, HashSet<string> Topics, float[] Vector);

/// <summary>The trained parts the semantic features compare a statement with.</summary>
public sealed record SemanticParts(IReadOnlyList<Prototype> Prototypes, IReadOnlyList<Neighbour> Neighbours, IReadOnlyDictionary<string, Calibration> Probes)
{
    /// <summary>The word profiles (rule-side features: used with or without an embedder).</summary>
    public WordProfilesFile? Words { get; init; }
}

/// <summary>A stored prototype: <see cref="Vector"/> is base64 of half floats.</summary>
public sealed record PrototypeFile(string Topic, string Kind, string Text, string? Source, string Vector);

/// <summary>A logistic regression over standardised features, and the probability above which the topic is kept.</summary>
public sealed record Calibration(double[] Mean, double[] Std, double[] Weights, double Bias, double Threshold)
{
    /// <summary>
    /// A standardised feature is clipped to ±<see cref="MaxZ"/>: a statement unlike the train statements (a one-sentence
    /// summary has a coverage of 1, where long speeches have 0.05) must not swing the decision on one feature.
    /// </summary>
    public const double MaxZ = 3;

    public double Probability(ReadOnlySpan<float> features)
    {
        var z = Bias;
        for (var i = 0; i < Weights.Length; i++)
        {
            z += Weights[i] * Standardise(features[i], i);
        }

        return 1 / (1 + Math.Exp(-z));
    }

    public double Probability(ReadOnlySpan<double> features)
    {
        var z = Bias;
        for (var i = 0; i < Weights.Length; i++)
        {
            z += Weights[i] * Standardise(features[i], i);
        }

        return 1 / (1 + Math.Exp(-z));
    }

    internal double Standardise(double value, int i) => Math.Clamp((value - Mean[i]) / Std[i], -MaxZ, MaxZ);
}
