using System.Security.Cryptography;
using System.Text;
using Monitor.Contracts;

namespace Monitor.Core.Tagging.Semantic;

/// <summary>
/// Decides the topics of a statement from the rule matches and, with an embedder, the meaning of its sentences: one
/// calibrated logistic regression per topic (<see cref="SemanticModel"/>), trained on the corpus's train split. A topic
/// is kept when its probability reaches its threshold; the score of the tag is that probability.
/// </summary>
/// <remarks>
/// Evidence stays first-class: the rule terms as before, and for the hybrid a semantic vote naming the statement's
/// sentence closest to the topic, the reference sentence it resembles and their similarity.
/// </remarks>
public sealed class TopicClassifier
{
    /// <summary>A semantic vote is shown as evidence only from this similarity up.</summary>
    public const double EvidenceSimilarity = 0.35;

    private readonly TopicFile _topics;
    private readonly TopicFeatures _features;
    private readonly Calibration?[] _calibrations;
    private readonly string _modelVersion;

    /// <summary>With <paramref name="embedder"/> the hybrid decides; without, the calibrated rules alone.</summary>
    public TopicClassifier(TopicFile topics, SemanticModel model, ISentenceEmbedder? embedder, int maxSentences = 8)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(model);
        if (embedder is not null && embedder.ModelId != model.EmbedderModel)
        {
            throw new ArgumentException($"The semantic model was made with {model.EmbedderModel}, not {embedder.ModelId}", nameof(embedder));
        }

        _topics = topics;
        _features = new TopicFeatures(topics, model.Parts, embedder, maxSentences);
        var calibrations = embedder is null ? model.File.Rules : model.File.Hybrid;
        _calibrations = [.. topics.Topics.Select(t => calibrations.GetValueOrDefault(t.Id))];
        _modelVersion = model.Version;
        Mode = ModeName(embedder is not null);
    }

    /// <summary><c>hybrid</c> (rules and sentence embeddings) or <c>rules+calibration</c>.</summary>
    public string Mode { get; }

    /// <summary>The version tags decided by this classifier with a topic file of <paramref name="topicFileVersion"/> record.</summary>
    public string VersionWith(string topicFileVersion) => Version(topicFileVersion, _modelVersion, Mode);

    /// <summary>The version of tags decided with a topic file, a model and a mode: SHA-256 of the three.</summary>
    public static string Version(string topicFileVersion, string modelVersion, string mode) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{topicFileVersion}|{modelVersion}|{mode}")));

    /// <summary>The <see cref="Mode"/> of a classifier with or without an embedder.</summary>
    public static string ModeName(bool semantic) => semantic ? "hybrid" : "rules+calibration";

    internal List<TopicScore> Decide(RuleView view, string? excludeSource)
    {
        var features = _features.Compute(view, excludeSource);
        var byTopic = view.Topics.ToDictionary(r => r.Topic);
        var scores = new List<TopicScore>();
        for (var t = 0; t < _calibrations.Length; t++)
        {
            var rule = byTopic.GetValueOrDefault(t);
            var calibration = _calibrations[t];
            if (calibration is null)
            {
                // A topic the model does not know (another topic file): its rules decide.
                if (rule is not null && rule.Score >= _topics.Topics[t].MinScore)
                {
                    scores.Add(new TopicScore(_topics.Topics[t].Id, Math.Round(rule.Score, 3), rule.Evidence));
                }

                continue;
            }

            var probability = calibration.Probability(features.Rows[t]);
            if (probability < calibration.Threshold)
            {
                continue;
            }

            var evidence = new List<TopicEvidence>(rule?.Evidence ?? []);
            if (features.Closest[t] is { Similarity: >= EvidenceSimilarity } closest)
            {
                evidence.Add(new TopicEvidence(closest.Prototype.Text, closest.Sentence.Field, closest.Sentence.Start, closest.Sentence.Length)
                {
                    Similarity = Math.Round(closest.Similarity, 3),
                });
            }

            scores.Add(new TopicScore(_topics.Topics[t].Id, Math.Round(probability, 3), evidence));
        }

        return [.. scores.OrderByDescending(s => s.Score)];
    }
}
