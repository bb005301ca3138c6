using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Semantic;

namespace Monitor.Embeddings;

/// <summary>
/// Builds the tagger every process uses: the rules of the topic file, decided by the trained model
/// (<see cref="SemanticModel.LoadDefault"/>) with sentence embeddings (hybrid), or by the model's calibration of the
/// rules alone (semantic off), or by the topic file's minimum scores when no model was trained.
/// </summary>
public static class Taggers
{
    /// <summary>How a tagger decides.</summary>
    public enum Mode
    {
        /// <summary>The topic file's <c>minScore</c> per topic (the first wave's tagger).</summary>
        Rules,

        /// <summary>A logistic regression per topic over the rule features.</summary>
        Calibrated,

        /// <summary>A logistic regression per topic over rule and sentence-embedding features.</summary>
        Hybrid,
    }

    /// <summary>The embedder shared by the taggers of this process (loaded on first use).</summary>
    private static readonly Lazy<MiniLmEmbedder> SharedEmbedder = new(() => new MiniLmEmbedder(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static MiniLmEmbedder Embedder => SharedEmbedder.Value;

    /// <param name="embedder">The embedder of the hybrid; the process's shared one when null.</param>
    public static Tagger Create(TopicFile topics, Mode mode, int maxSentences = 8, SemanticModel? model = null, ISentenceEmbedder? embedder = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        model ??= SemanticModel.LoadDefault();
        if (mode == Mode.Rules || model is null)
        {
            return new Tagger(topics);
        }

        return new Tagger(topics, new TopicClassifier(topics, model, mode == Mode.Hybrid ? embedder ?? Embedder : null, maxSentences));
    }

    /// <summary>
    /// The version and mode a tagger made by <see cref="Create"/> records, without loading the embedding model (the
    /// dashboard shows them and compares re-tagging runs with them).
    /// </summary>
    public static TaggerIdentity Identify(TopicFile topics, Mode mode, SemanticModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        model ??= SemanticModel.LoadDefault();
        if (mode == Mode.Rules || model is null)
        {
            return new TaggerIdentity(topics.Version, "rules");
        }

        var name = TopicClassifier.ModeName(mode == Mode.Hybrid);
        return new TaggerIdentity(TopicClassifier.Version(topics.Version, model.Version, name), name);
    }

    /// <summary>The tagger a process with these settings uses: hybrid, or the calibrated rules when the semantic layer is off.</summary>
    public static Mode ModeOf(TaggingOptions options) =>
        options?.Semantic.Enabled == false ? Mode.Calibrated : Mode.Hybrid;

    /// <summary>
    /// What the Tagging workers configured with <paramref name="options"/> record on their tags, for a process that does
    /// not tag (the dashboard in the distributed setup): the built-in topic file unless one is named.
    /// </summary>
    public static TaggerIdentity Identify(TaggingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var topics = string.IsNullOrWhiteSpace(options.TopicFile) ? TopicFile.LoadDefault() : TopicFile.LoadFile(options.TopicFile);
        return Identify(topics, ModeOf(options));
    }

    /// <summary>Parses <c>rules</c>, <c>calibrated</c> or <c>hybrid</c>.</summary>
    public static Mode ParseMode(string text) => text.ToLowerInvariant() switch
    {
        "rules" => Mode.Rules,
        "calibrated" => Mode.Calibrated,
        "hybrid" => Mode.Hybrid,
        _ => throw new ArgumentException($"Unknown tagging mode '{text}': use rules, calibrated or hybrid"),
    };
}

/// <summary>What a tagger's tags record (<see cref="Tagger.BaselineVersion"/>) and how it decides (<see cref="Tagger.Mode"/>).</summary>
public sealed record TaggerIdentity(string BaselineVersion, string Mode);
