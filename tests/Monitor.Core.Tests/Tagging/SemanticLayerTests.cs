using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;
using Monitor.Core.Tagging.Semantic;

namespace Monitor.Core.Tests.Tagging;

/// <summary>
/// The semantic layer's own logic with a deterministic embedder (a bag of words hashed into 64 dimensions): features,
/// examples never compared with their own statement, calibration, the model file, and the evidence of a semantic vote.
/// The real model is tested in <see cref="MiniLmEmbedderTests"/>.
/// </summary>
public class SemanticLayerTests
{
    private static readonly TopicFile Topics = TopicFile.LoadDefault();
    private static readonly int SimBest = TopicFeatures.HybridNames.ToList().IndexOf("sim-best");

    [Fact]
    public void Typographic_quotes_dashes_and_spaces_are_normalised_and_long_sentences_cut_on_a_word()
    {
        Assert.Equal("NATO's \"open door\" - as agreed", SentenceText.Normalise("NATO\u2019s \u201Copen door\u201D \u2014\u00A0as\n agreed"));
        var cut = SentenceText.Normalise(string.Join(' ', Enumerable.Repeat("word", 200)));
        Assert.True(cut.Length <= SentenceText.MaxLength && cut.EndsWith("word", StringComparison.Ordinal), cut.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_statement_is_never_compared_with_its_own_example_sentences()
    {
        var embedder = new BagOfWords();
        var sentence = "Allies will not deploy forces to Ukraine";
        var prototypes = new[] { new Prototype("no-direct-involvement", "example", sentence, "item-1", embedder.Embed([sentence])[0]) };
        var features = new TopicFeatures(Topics, new SemanticParts(prototypes, [], new Dictionary<string, Calibration>()), embedder);
        var view = new Tagger(Topics).Rules("Doorstep", sentence + ".", out _);
        var topic = Index("no-direct-involvement");

        Assert.Equal(1.0, features.Compute(view, excludeSource: null).Rows[topic][SimBest], 3);
        Assert.Equal(0.0, features.Compute(view, excludeSource: "item-1").Rows[topic][SimBest], 3);
    }

    [Fact]
    public void Meaning_alone_can_tag_a_statement_that_no_rule_matches_and_the_vote_names_its_sentence()
    {
        var embedder = new BagOfWords();
        var model = TinyModel(embedder, "no-direct-involvement", "the alliance keeps its soldiers out of the fighting");
        var tagger = new Tagger(Topics, new TopicClassifier(Topics, model, embedder));
        const string text = "Defence ministers met in Brussels today for two days. The alliance keeps its soldiers out of the fighting.";

        var result = tagger.Analyse("Press point", text);

        Assert.Empty(new Tagger(Topics).Analyse("Press point", text).Topics);
        var tag = Assert.Single(result.Topics);
        Assert.Equal("no-direct-involvement", tag.TopicId);
        var vote = Assert.Single(tag.Evidence);
        Assert.Equal("body", vote.Field);
        Assert.Equal("The alliance keeps its soldiers out of the fighting.", text.Substring(vote.Start, vote.Length));
        Assert.Equal("the alliance keeps its soldiers out of the fighting", vote.Term);
        Assert.True(vote.Similarity > 0.99, $"{vote.Similarity}");
    }

    [Fact]
    public void Without_an_embedder_the_calibrated_rules_decide_and_the_version_says_so()
    {
        var embedder = new BagOfWords();
        var model = TinyModel(embedder, "no-direct-involvement", "the alliance keeps its soldiers out of the fighting");
        var calibrated = new Tagger(Topics, new TopicClassifier(Topics, model, embedder: null));
        var hybrid = new Tagger(Topics, new TopicClassifier(Topics, model, embedder));

        Assert.Equal(("rules+calibration", "hybrid"), (calibrated.Mode, hybrid.Mode));
        Assert.NotEqual(calibrated.BaselineVersion, hybrid.BaselineVersion);
        Assert.NotEqual(Topics.Version, hybrid.BaselineVersion);
        Assert.Equal(TopicClassifier.Version(Topics.Version, model.Version, "hybrid"), hybrid.BaselineVersion);
        Assert.Empty(calibrated.Analyse("Press point", "The alliance keeps its soldiers out of the fighting.").Topics);
    }

    [Fact]
    public void An_embedder_of_another_model_is_refused()
    {
        var model = TinyModel(new BagOfWords(), "sanctions", "sanctions on Russia");

        var ex = Assert.Throws<ArgumentException>(() => new TopicClassifier(Topics, model, new BagOfWords("other-model")));

        Assert.Contains("other-model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Logistic_regression_separates_what_is_separable_and_picks_the_threshold_on_held_out_scores()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new[] { i < 10 ? 1.0 + (i * 0.01) : 0.0 + (i * 0.001), 0.5 }).ToList();
        var labels = Enumerable.Range(0, 40).Select(i => i < 10).ToList();

        var model = LogisticRegression.Fit(rows, labels);

        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(labels[i], model.Probability(rows[i]) >= 0.5));
        Assert.Equal(0.5, LogisticRegression.BestThreshold([0.9, 0.8, 0.1, 0.2], [true, true, false, false]));
        Assert.Equal(0.3, LogisticRegression.BestThreshold([0.35, 0.31, 0.1, 0.2], [true, true, false, false]));
    }

    [Fact]
    public void A_monotone_feature_never_takes_a_negative_weight()
    {
        // The second feature is anti-correlated with the label in these rows; constrained, it is left out (weight 0).
        var rows = Enumerable.Range(0, 40).Select(i => new[] { i < 10 ? 1.0 : 0.0, i < 10 ? 0.0 : 1.0 + (i * 0.01) }).ToList();
        var labels = Enumerable.Range(0, 40).Select(i => i < 10).ToList();

        var free = LogisticRegression.Fit(rows, labels);
        var monotone = LogisticRegression.Fit(rows, labels, monotone: [true, true]);

        Assert.True(free.Weights[1] < 0, $"{free.Weights[1]}");
        Assert.Equal(0, monotone.Weights[1]);
        Assert.True(monotone.Weights[0] > 0);
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(labels[i], monotone.Probability(rows[i]) >= 0.5));
    }

    [Fact]
    public void A_model_file_round_trips_and_a_broken_one_says_what_is_wrong()
    {
        var embedder = new BagOfWords();
        var model = TinyModel(embedder, "sanctions", "sanctions on Russia");

        var again = SemanticModel.Parse(SemanticModel.Write(model.File));

        Assert.Equal(model.Version, again.Version);
        Assert.Equal(model.Prototypes[0].Vector.Length, again.Prototypes[0].Vector.Length);
        Assert.Equal(1.0, TopicFeatures.Dot(again.Prototypes[0].Vector, embedder.Embed(["sanctions on Russia"])[0]), 2);
        Assert.Throws<FormatException>(() => SemanticModel.Parse("{\"about\": 1"u8.ToArray()));
        Assert.Throws<FormatException>(() => SemanticModel.Parse("{\"about\": \"x\"}"u8.ToArray()));
    }

    [Fact]
    public void The_trainer_takes_examples_from_train_statements_and_calibrates_every_topic_with_positives()
    {
        var embedder = new BagOfWords();
        var train = new List<LabelledStatement>();
        for (var i = 0; i < 30; i++)
        {
            var about = i % 3 == 0;
            train.Add(new LabelledStatement($"s{i}", "test", $"Statement {i}",
                about ? $"The alliance keeps its soldiers out of the fighting, said speaker {i}." : $"Fisheries ministers agreed quotas for stock {i}.",
                about ? ["no-direct-involvement"] : [], []));
        }

        var file = SemanticTrainer.Train(Topics, train, embedder, maxSentences: 8);

        Assert.Equal(["no-direct-involvement"], file.Hybrid.Keys);
        Assert.Contains(file.Prototypes, p => p.Kind == "example" && p.Topic == "no-direct-involvement" && p.Source == "s0");
        Assert.Contains(file.Prototypes, p => p.Kind == "example" && p.Topic.Length == 0 && p.Source == "s1");
        Assert.Contains(file.Prototypes, p => p.Kind == "scope" && p.Topic == "sanctions");
        var tagger = new Tagger(Topics, new TopicClassifier(Topics, SemanticModel.Parse(SemanticModel.Write(file)), embedder));
        Assert.Contains(tagger.Analyse("New", "The alliance keeps its soldiers out of the fighting, said the minister.").Topics, t => t.TopicId == "no-direct-involvement");
        Assert.Empty(tagger.Analyse("New", "Fisheries ministers agreed quotas for the Baltic herring stock.").Topics);
    }

    [Fact]
    public void Word_profiles_learn_a_topic_s_own_vocabulary_and_keep_the_none_profile_apart()
    {
        var topicIds = Topics.Topics.Select(t => t.Id).ToList();
        var train = new List<(string, string, IReadOnlyCollection<string>)>();
        for (var i = 0; i < 12; i++)
        {
            train.Add(($"Doorstep {i}", $"Thousands more troops to the eastern part of the Alliance, rotation {i}.", ["deterrence-eastern-flank"]));
            train.Add(($"Plenary {i}", $"Fisheries quotas for the herring stock agreed by the committee, vote {i}.", []));
        }

        var profiles = new WordProfiles(WordProfiles.Train(train, topicIds), topicIds);
        var east = profiles.Similarities("Press point", "More troops go to the eastern part of the Alliance.");
        var fish = profiles.Similarities("Press point", "The committee agreed herring quotas.");
        var topic = Index("deterrence-eastern-flank");

        Assert.Equal(topicIds.Count + 1, east.Length);
        Assert.True(east[topic] > 0.5 && east[^1] < 0.1, $"east {east[topic]:0.00}, none {east[^1]:0.00}");
        Assert.True(fish[topic] < 0.1 && fish[^1] > 0.5, $"east {fish[topic]:0.00}, none {fish[^1]:0.00}");
        Assert.Equal(0, east[Index("sanctions")]);
    }

    private static int Index(string topic) => Topics.Topics.Select((t, i) => (t.Id, i)).Single(x => x.Id == topic).i;

    // A model with one calibrated topic whose only semantic prototype is the given sentence: kept when the best
    // similarity is high.
    private static SemanticModel TinyModel(BagOfWords embedder, string topic, string sentence)
    {
        var width = TopicFeatures.HybridNames.Count;
        var mean = new double[width];
        var std = Enumerable.Repeat(1.0, width).ToArray();
        var hybridWeights = new double[width];
        hybridWeights[SimBest] = 20;
        var ruleWeights = new double[TopicFeatures.RuleNames.Count];
        ruleWeights[0] = 20; // rule-score
        var file = new ModelFile("test", embedder.ModelId, Topics.Version, "test", TopicFeatures.RuleNames, TopicFeatures.HybridNames,
            new Dictionary<string, Calibration> { [topic] = new(new double[ruleWeights.Length], Enumerable.Repeat(1.0, ruleWeights.Length).ToArray(), ruleWeights, -10, 0.5) },
            new Dictionary<string, Calibration> { [topic] = new(mean, std, hybridWeights, -16, 0.5) },
            [new PrototypeFile(topic, "scope", sentence, null, SemanticModel.Encode(embedder.Embed([sentence])[0]))]);
        return SemanticModel.Parse(SemanticModel.Write(file));
    }

    /// <summary>Each lower-case word hashed into one of 64 dimensions, then unit length: equal word sets are equal vectors.</summary>
    private sealed class BagOfWords(string modelId = "bag-of-words") : ISentenceEmbedder
    {
        public string ModelId => modelId;

        public float[][] Embed(IReadOnlyList<string> sentences) => [.. sentences.Select(Vector)];

        private static float[] Vector(string sentence)
        {
            var v = new float[64];
            foreach (var word in sentence.ToLowerInvariant().Split([' ', '.', ',', '\''], StringSplitOptions.RemoveEmptyEntries))
            {
                var h = 0;
                foreach (var c in word)
                {
                    h = (h * 31) + c;
                }

                v[(h & 0x7fffffff) % 64] += 1;
            }

            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return norm == 0 ? v : [.. v.Select(x => x / norm)];
        }
    }
}
