using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Monitor.Core.Tagging;

namespace Monitor.Core.Tests.Tagging;

public class TopicFileTests
{
    // The ids of shared/baseline/TOPICS.md, written out here on purpose: the code's list must not drift from them.
    private static readonly string[] BaselineTopicIds =
    [
        "condemnation-withdrawal", "no-direct-involvement", "weapons-military-aid", "sanctions", "humanitarian-aid",
        "deterrence-eastern-flank", "collective-defence", "open-door-enlargement", "nato-ukraine-partnership",
        "territorial-integrity", "nuclear-chemical-threats", "partners-at-risk", "asia-pacific-partners",
        "cyber-hybrid-disinformation", "strategic-concept", "eu-nato-cooperation", "defence-spending",
        "nato-russia-relations",
    ];

    [Fact]
    public void The_embedded_topic_file_defines_exactly_the_18_baseline_topics()
    {
        var file = TopicFile.LoadDefault();

        Assert.Equal(18, file.Topics.Count);
        Assert.Equal(BaselineTopicIds.Order(StringComparer.Ordinal), file.Topics.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Equal(BaselineTopicIds.Order(StringComparer.Ordinal), TopicFile.RequiredTopicIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_embedded_topic_has_a_title_scope_weighted_terms_and_briefing_anchors()
    {
        Assert.All(TopicFile.LoadDefault().Topics, topic =>
        {
            Assert.False(string.IsNullOrWhiteSpace(topic.Title));
            Assert.False(string.IsNullOrWhiteSpace(topic.Scope));
            Assert.True(topic.Terms.Count >= 5, $"{topic.Id} has only {topic.Terms.Count} terms");
            Assert.Contains(topic.Terms, t => t.Weight >= 3);
            Assert.InRange(topic.MinScore, 0.01, 0.99);
            Assert.NotEmpty(topic.Anchors);
        });
    }

    [Fact]
    public void Every_anchor_quotes_the_briefing_line_it_names()
    {
        var lines = File.ReadAllLines(FixtureFiles.PathOf("baseline", "briefing.txt"));
        var file = TopicFile.LoadDefault();
        var anchors = file.Topics.SelectMany(t => t.Anchors.Select(a => (Owner: t.Id, Anchor: a)))
            .Concat(file.Figures.Select(f => (Owner: f.Id, Anchor: f.Anchor!)));

        Assert.All(anchors, a =>
        {
            Assert.InRange(a.Anchor.Line, 1, lines.Length);
            Assert.True(
                lines[a.Anchor.Line - 1].Contains(a.Anchor.Text, StringComparison.Ordinal),
                $"{a.Owner}: line {a.Anchor.Line} is \"{lines[a.Anchor.Line - 1]}\", not \"{a.Anchor.Text}\"");
        });
    }

    [Fact]
    public void The_embedded_file_carries_the_eight_baseline_figures()
    {
        var figures = TopicFile.LoadDefault().Figures.ToDictionary(f => f.Id, f => f.Value);

        Assert.Equal(
            new Dictionary<string, decimal>
            {
                ["allies-count"] = 30,
                ["troops-under-nato-command-east"] = 40_000,
                ["allied-jets-region"] = 130,
                ["allied-ships-region"] = 140,
                ["us-troops-europe"] = 100_000,
                ["additional-us-troops"] = 15_000,
                ["battlegroups-count"] = 8,
                ["eop-count"] = 6,
            },
            figures);
        Assert.All(TopicFile.LoadDefault().Figures, f => Assert.NotNull(f.Anchor));
    }

    [Fact]
    public void The_version_is_the_sha_256_of_the_file_bytes()
    {
        var bytes = EmbeddedBytes();
        var file = TopicFile.LoadDefault();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Version);
        Assert.Equal(file.Version, TopicFile.Load(System.Text.Encoding.UTF8.GetString(bytes)).Version);
    }

    [Fact]
    public void Any_edit_to_the_file_changes_the_version()
    {
        var json = EmbeddedJson();
        var edited = json.Replace("\"text\": \"shadow fleet\", \"weight\": 3", "\"text\": \"shadow fleet\", \"weight\": 2", StringComparison.Ordinal);

        Assert.NotEqual(json, edited);
        Assert.NotEqual(TopicFile.Load(json).Version, TopicFile.Load(edited).Version);
    }

    [Fact]
    public void A_duplicate_topic_id_is_rejected_with_its_name()
    {
        var json = Edit(root => root["topics"]!.AsArray().Add(Topic(root, "sanctions")!.DeepClone()));

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'sanctions' is defined more than once", ex.Message);
    }

    [Fact]
    public void An_unknown_topic_id_is_rejected_with_its_name()
    {
        var json = Edit(root =>
        {
            var extra = Topic(root, "sanctions")!.DeepClone();
            extra["id"] = "ukraine-reconstruction";
            root["topics"]!.AsArray().Add(extra);
        });

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'ukraine-reconstruction' is unknown", ex.Message);
    }

    [Fact]
    public void Missing_baseline_topics_are_rejected_and_listed()
    {
        var json = Edit(root =>
        {
            var topics = root["topics"]!.AsArray();
            topics.Remove(Topic(root, "sanctions"));
            topics.Remove(Topic(root, "asia-pacific-partners"));
        });

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Baseline topics missing: 'sanctions', 'asia-pacific-partners'", ex.Message);
    }

    [Fact]
    public void A_topic_without_terms_is_rejected_with_its_name()
    {
        var json = Edit(root => Topic(root, "defence-spending")!["terms"] = new JsonArray());

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'defence-spending' has no terms", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1.5)]
    public void A_term_weight_that_is_not_positive_is_rejected(double weight)
    {
        var json = Edit(root => Topic(root, "sanctions")!["terms"]![0]!["weight"] = weight);

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'sanctions': term \"sanctions\" has weight", ex.Message);
        Assert.Contains("weights must be positive", ex.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-0.2)]
    public void A_min_score_outside_zero_to_one_is_rejected(double minScore)
    {
        var json = Edit(root => Topic(root, "collective-defence")!["minScore"] = minScore);

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'collective-defence' has minScore", ex.Message);
    }

    [Fact]
    public void A_missing_min_score_is_rejected()
    {
        var json = Edit(root => Topic(root, "collective-defence")!.AsObject().Remove("minScore"));

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'collective-defence' has minScore (missing)", ex.Message);
    }

    [Fact]
    public void The_same_term_twice_after_normalisation_is_rejected()
    {
        var json = Edit(root => Topic(root, "no-direct-involvement")!["terms"]!.AsArray()
            .Add(new JsonObject { ["text"] = "No Fly Zone", ["weight"] = 1 }));

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'no-direct-involvement' lists the term \"No Fly Zone\" twice", ex.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var json = Edit(root =>
        {
            Topic(root, "sanctions")!["terms"] = new JsonArray();
            Topic(root, "humanitarian-aid")!["minScore"] = 2;
        });

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("2 problems", ex.Message);
        Assert.Contains("'sanctions'", ex.Message);
        Assert.Contains("'humanitarian-aid'", ex.Message);
    }

    [Fact]
    public void A_misspelt_key_is_rejected_rather_than_ignored()
    {
        var json = Edit(root =>
        {
            var topic = Topic(root, "sanctions")!.AsObject();
            var exclusions = topic["exclusions"]!.DeepClone();
            topic.Remove("exclusions");
            topic["exclusion"] = exclusions;
        });

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("exclusion", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("{\"topics\": []}")]
    public void Json_that_is_not_a_topic_file_is_rejected(string json)
    {
        Assert.Throws<TopicFileException>(() => TopicFile.Load(json));
    }

    [Fact]
    public void A_term_naming_an_unknown_context_is_rejected_with_its_topic_and_term()
    {
        var json = Edit(root => Topic(root, "collective-defence")!["terms"]!.AsArray()
            .Add(new JsonObject { ["text"] = "Article 6", ["weight"] = 2, ["context"] = "natoo" }));

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'collective-defence': term \"Article 6\" names the unknown context 'natoo'", ex.Message);
    }

    [Fact]
    public void Spellings_that_normalise_to_the_same_term_are_duplicates()
    {
        var json = Edit(root => Topic(root, "defence-spending")!["terms"]!.AsArray()
            .Add(new JsonObject { ["text"] = "Defense Spending", ["weight"] = 2 }));

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Topic 'defence-spending' lists the term \"Defense Spending\" twice (as \"defence spending\" too)", ex.Message);
    }

    [Fact]
    public void Unknown_figures_and_figures_without_units_are_rejected()
    {
        var json = Edit(root =>
        {
            var figures = root["figures"]!.AsArray();
            var extra = figures[0]!.DeepClone();
            extra["id"] = "tanks-count";
            figures.Add(extra);
            figures[1]!["units"] = new JsonArray();
        });

        var ex = Assert.Throws<TopicFileException>(() => TopicFile.Load(json));

        Assert.Contains("Figure 'tanks-count' is unknown", ex.Message);
        Assert.Contains("Figure 'troops-under-nato-command-east' has no units", ex.Message);
    }

    [Fact]
    public void The_embedded_file_defines_every_baseline_figure_with_units()
    {
        var file = TopicFile.LoadDefault();

        Assert.Equal(TopicFile.RequiredFigureIds.Order(StringComparer.Ordinal), file.Figures.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.All(file.Figures, f => Assert.NotEmpty(f.Units));
        Assert.Contains(file.Topics.Single(t => t.Id == "collective-defence").Terms, t => t.Text == "Article 5" && t.Context == "nato");
    }

    [Fact]
    public void A_missing_file_is_a_topic_file_error()
    {
        var ex = Assert.Throws<TopicFileException>(() => TopicFile.LoadFile(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.json")));

        Assert.Contains("cannot be read", ex.Message);
    }

    private static byte[] EmbeddedBytes()
    {
        using var stream = typeof(TopicFile).Assembly.GetManifestResourceStream("Monitor.Core.Tagging.topics.json")!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string EmbeddedJson() => System.Text.Encoding.UTF8.GetString(EmbeddedBytes());

    private static string Edit(Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(EmbeddedJson())!;
        edit(root);
        return root.ToJsonString();
    }

    private static JsonNode? Topic(JsonNode root, string id) =>
        root["topics"]!.AsArray().Single(t => (string?)t!["id"] == id);
}
