using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Core.Tagging.Semantic;

/// <summary>
/// Makes a <see cref="SemanticModel"/> from labelled statements (the train split only): each topic's reference
/// sentences (its title, the clauses of its scope, its briefing anchors, and the closest sentences of the train
/// statements labelled with it), examples of statements about none of the topics, and per topic a logistic
/// regression over the rule features and one over the hybrid features, with a threshold chosen by 5-fold
/// cross-validation on the same train statements.
/// </summary>
public static class SemanticTrainer
{
    /// <summary>Example sentences taken per labelled statement and topic.</summary>
    public const int ExamplesPerStatement = 2;

    private const int Folds = 5;

    // Chosen by cross-validation on train. The hybrid (first 260 statements: 1, 5, 20, 50 gave micro-F1 0.735, 0.735,
    // 0.741, 0.744; 20 kept more negatives clean than 50; on 326 statements with the word profiles, 5, 20, 60 gave 0.744,
    // 0.757, 0.756). The calibrated rules, with their 8 features, want less (326 statements: 1, 2, 5, 20, 60 gave 0.737,
    // 0.750, 0.754, 0.738, 0.738).
    private const double L2 = 20;
    private const double RuleL2 = 5;

    // The probes see 384 dimensions and a few hundred statements: strongly regularised, a few hundred steps.
    private const double ProbeL2 = 20;
    private const int ProbeIterations = 400;

    public static ModelFile Train(TopicFile topics, IReadOnlyList<LabelledStatement> train, ISentenceEmbedder embedder, int maxSentences, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(embedder);
        var rules = new Tagger(topics);
        var views = train.Select(item => rules.Rules(item.Title, item.Text, out _)).ToList();

        // 1. Reference sentences from the baseline itself.
        var references = new List<(string Topic, string Kind, string Text)>();
        foreach (var topic in topics.Topics)
        {
            references.Add((topic.Id, "scope", topic.Title));
            foreach (var clause in topic.Scope.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                references.Add((topic.Id, "scope", clause.Replace("\"", "", StringComparison.Ordinal)));
            }

            foreach (var anchor in topic.Anchors)
            {
                references.Add((topic.Id, "anchor", anchor.Text));
            }
        }

        var referenceVectors = embedder.Embed([.. references.Select(r => SentenceText.Normalise(r.Text))]);
        var prototypes = references.Select((r, i) => new Prototype(r.Topic, r.Kind, r.Text, null, referenceVectors[i])).ToList();
        progress?.Invoke($"{prototypes.Count} reference sentences embedded");

        // 2. Examples: the sentences of each labelled statement closest to its topics' references; and each statement
        //    as one vector (the mean of its embedded sentences) with its labels, for the neighbours and the probes.
        var examples = new List<Prototype>();
        var statements = new float[train.Count][];
        for (var i = 0; i < train.Count; i++)
        {
            var selected = TopicFeatures.Select(views[i], maxSentences);
            if (selected.Count == 0)
            {
                statements[i] = new float[referenceVectors[0].Length];
                continue;
            }

            var vectors = embedder.Embed([.. selected.Select(s => s.Text)]);
            statements[i] = TopicFeatures.Mean(vectors);
            if (train[i].Topics.Count == 0)
            {
                for (var s = 0; s < Math.Min(ExamplesPerStatement, selected.Count); s++)
                {
                    examples.Add(new Prototype("", "example", selected[s].Text, train[i].Id, vectors[s]));
                }

                continue;
            }

            foreach (var topic in train[i].Topics)
            {
                var refs = prototypes.Where(p => p.Topic == topic).ToList();
                var ranked = selected.Select((s, k) => (Sentence: s, Vector: vectors[k], Similarity: refs.Max(p => TopicFeatures.Dot(vectors[k], p.Vector))))
                    .OrderByDescending(x => x.Similarity)
                    .Take(ExamplesPerStatement);
                foreach (var (sentence, vector, _) in ranked)
                {
                    examples.Add(new Prototype(topic, "example", sentence.Text, train[i].Id, vector));
                }
            }

            if ((i + 1) % 50 == 0)
            {
                progress?.Invoke($"examples: {i + 1} of {train.Count} statements");
            }
        }

        prototypes.AddRange(examples);
        progress?.Invoke($"{examples.Count} example sentences");
        var neighbours = train.Select((item, i) => new Neighbour(item.Id, [.. item.Topics], statements[i])).ToList();
        var folds = train.Select(item => (int)(StableHash(item.Id) % Folds)).ToList();

        // 3. A linear probe per topic over the statement vectors; each train statement's probe value comes from the
        //    probe fitted without its fold, so the calibration below sees what a new statement would get.
        var probes = new Dictionary<string, Calibration>(StringComparer.Ordinal);
        var heldOutProbes = train.Select(_ => new double[topics.Topics.Count]).ToArray();
        var statementRows = statements.Select(v => v.Select(x => (double)x).ToArray()).ToList();
        for (var t = 0; t < topics.Topics.Count; t++)
        {
            var id = topics.Topics[t].Id;
            var labels = train.Select(item => item.Topics.Contains(id, StringComparer.Ordinal)).ToList();
            if (!labels.Any(l => l))
            {
                continue;
            }

            probes[id] = LogisticRegression.Fit(statementRows, labels, l2: ProbeL2, iterations: ProbeIterations);
            for (var fold = 0; fold < Folds; fold++)
            {
                var inner = Enumerable.Range(0, train.Count).Where(i => folds[i] != fold).ToList();
                if (!inner.Any(i => labels[i]))
                {
                    continue;
                }

                var probe = LogisticRegression.Fit([.. inner.Select(i => statementRows[i])], [.. inner.Select(i => labels[i])], l2: ProbeL2, iterations: ProbeIterations);
                foreach (var i in Enumerable.Range(0, train.Count).Where(i => folds[i] == fold))
                {
                    heldOutProbes[i][t] = probe.Probability(statementRows[i]);
                }
            }
        }

        progress?.Invoke($"{probes.Count} probes");

        // 4. Word profiles per topic; each train statement's similarities come from profiles made without its fold.
        var topicIds = topics.Topics.Select(t => t.Id).ToList();
        var texts = train.Select(item => (item.Title, item.Text, (IReadOnlyCollection<string>)item.Topics)).ToList();
        var words = WordProfiles.Train(texts, topicIds);
        var heldOutWords = new double[train.Count][];
        for (var fold = 0; fold < Folds; fold++)
        {
            var profiles = new WordProfiles(WordProfiles.Train([.. texts.Where((_, i) => folds[i] != fold)], topicIds), topicIds);
            for (var i = 0; i < train.Count; i++)
            {
                if (folds[i] == fold)
                {
                    heldOutWords[i] = profiles.Similarities(train[i].Title, train[i].Text);
                }
            }
        }

        // 5. Features of every train statement, never compared with its own examples or itself as a neighbour.
        var parts = new SemanticParts(prototypes, neighbours, probes) { Words = words };
        var hybrid = new TopicFeatures(topics, parts, embedder, maxSentences);
        var ruleOnly = new TopicFeatures(topics, parts, null, maxSentences);
        var hybridRows = views.Select((v, i) => hybrid.Compute(v, train[i].Id, heldOutProbes[i], heldOutWords[i]).Rows).ToList();
        var ruleRows = views.Select((v, i) => ruleOnly.Compute(v, train[i].Id, null, heldOutWords[i]).Rows).ToList();

        var ruleModels = new Dictionary<string, Calibration>(StringComparer.Ordinal);
        var hybridModels = new Dictionary<string, Calibration>(StringComparer.Ordinal);
        for (var t = 0; t < topics.Topics.Count; t++)
        {
            var id = topics.Topics[t].Id;
            var labels = train.Select(item => item.Topics.Contains(id, StringComparer.Ordinal)).ToList();
            if (!labels.Any(l => l))
            {
                progress?.Invoke($"{id}: no positive in train; its rules decide");
                continue;
            }

            ruleModels[id] = Fit([.. ruleRows.Select(r => r[t])], labels, folds, RuleL2, Monotone(TopicFeatures.RuleNames));
            hybridModels[id] = Fit([.. hybridRows.Select(r => r[t])], labels, folds, L2, Monotone(TopicFeatures.HybridNames));
            progress?.Invoke($"{id}: {labels.Count(l => l)} positives; threshold rules {ruleModels[id].Threshold:0.00}, hybrid {hybridModels[id].Threshold:0.00}");
        }

        return new ModelFile(
            About: "Made by `monitor train` from the train split of the real corpus (Tagging/Evaluation/corpus.ndjson). Per topic: reference sentences with their all-MiniLM-L6-v2 embeddings (half floats, base64), and a logistic regression over standardised features for the rules alone and for the hybrid, with a threshold chosen by 5-fold cross-validation on train.",
            Embedder: embedder.ModelId,
            TopicFileVersion: topics.Version,
            TrainedOn: $"{train.Count} train statements",
            RuleFeatures: TopicFeatures.RuleNames,
            HybridFeatures: TopicFeatures.HybridNames,
            Rules: ruleModels,
            Hybrid: hybridModels,
            Prototypes: [.. prototypes.Select(p => new PrototypeFile(p.Topic, p.Kind, p.Text, p.Source, SemanticModel.Encode(p.Vector)))])
        {
            Neighbours = [.. neighbours.Select(n => new NeighbourFile(n.Source, [.. n.Topics.Order(StringComparer.Ordinal)], SemanticModel.Encode(n.Vector)))],
            Probes = probes,
            Words = words,
        };
    }

    /// <summary>
    /// The k-fold cross-validated quality of the whole recipe on the train split (prototypes, examples and
    /// calibration made without the fold, then scored on it): what design choices are tuned on, never the test split.
    /// </summary>
    public static (EvaluationReport Hybrid, EvaluationReport Calibrated) CrossValidate(
        TopicFile topics, IReadOnlyList<LabelledStatement> train, ISentenceEmbedder embedder, int maxSentences, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var hybridReports = new List<EvaluationReport>();
        var calibratedReports = new List<EvaluationReport>();
        for (var fold = 0; fold < Folds; fold++)
        {
            var inner = train.Where(i => StableHash("cv|" + i.Id) % Folds != fold).ToList();
            var held = train.Where(i => StableHash("cv|" + i.Id) % Folds == fold).ToList();
            var model = SemanticModel.Parse(SemanticModel.Write(Train(topics, inner, embedder, maxSentences)));
            hybridReports.Add(Evaluator.Evaluate(new Tagger(topics, new TopicClassifier(topics, model, embedder, maxSentences)), topics, held));
            calibratedReports.Add(Evaluator.Evaluate(new Tagger(topics, new TopicClassifier(topics, model, null, maxSentences)), topics, held));
            progress?.Invoke($"fold {fold + 1} of {Folds}: hybrid micro-F1 {hybridReports[^1].MicroF1:0.000}, calibrated rules {calibratedReports[^1].MicroF1:0.000}");
        }

        return (Evaluator.Merge(hybridReports), Evaluator.Merge(calibratedReports));
    }

    // Every feature but the similarity to the "none" examples is evidence for the topic by construction, so its weight may
    // not be negative (train CV, 326 statements: hybrid 0.757 either way, negatives clean 0.788 → 0.805; calibrated
    // 0.754 → 0.755). Without it, correlated features took negative weights (more similarity, less topic), which a short
    // statement, unlike the long train excerpts, could land on.
    private static bool[] Monotone(IReadOnlyList<string> names) => [.. names.Select(n => n != "sim-none")];

    private static Calibration Fit(List<double[]> rows, List<bool> labels, List<int> folds, double l2, bool[] monotone)
    {

        var heldOut = new double[rows.Count];
        for (var fold = 0; fold < Folds; fold++)
        {
            var trainIdx = Enumerable.Range(0, rows.Count).Where(i => folds[i] != fold).ToList();
            if (!trainIdx.Any(i => labels[i]))
            {
                continue;
            }

            var model = LogisticRegression.Fit([.. trainIdx.Select(i => rows[i])], [.. trainIdx.Select(i => labels[i])], l2: l2, monotone: monotone);
            foreach (var i in Enumerable.Range(0, rows.Count).Where(i => folds[i] == fold))
            {
                heldOut[i] = model.Probability(rows[i]);
            }
        }

        var final = LogisticRegression.Fit(rows, labels, l2: l2, monotone: monotone);
        return final with { Threshold = LogisticRegression.BestThreshold(heldOut, labels) };
    }

    private static uint StableHash(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return BitConverter.ToUInt32(hash, 0);
    }
}
