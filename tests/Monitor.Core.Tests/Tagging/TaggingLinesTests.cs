using System.Text.Json.Nodes;
using Monitor.Core.Tagging;

namespace Monitor.Core.Tests.Tagging;

/// <summary>The NDJSON lines of <c>monitor tag</c>.</summary>
public class TaggingLinesTests
{
    private static readonly StatementLines Lines = new(new Tagger(TopicFile.LoadDefault()));

    [Fact]
    public void A_statement_line_becomes_topics_with_evidence_and_figures()
    {
        var line = Lines.TagLine(
            "{\"id\": \"nato-1\", \"title\": \"NATO now has 32 Allies\", \"text\": \"Our commitment to Article 5 and to collective defence is iron-clad.\"}",
            1, out var failed);

        Assert.False(failed);
        var output = JsonNode.Parse(line)!;
        Assert.Equal("nato-1", (string?)output["id"]);
        var topic = output["topics"]!.AsArray().Single(t => (string?)t!["id"] == "collective-defence")!;
        Assert.InRange((double)topic["score"]!, 0.4, 1);
        Assert.Contains(topic["evidence"]!.AsArray(), e => (string?)e!["term"] == "collective defence" && (string?)e["field"] == "body");
        var figure = Assert.Single(output["figures"]!.AsArray())!;
        Assert.Equal(("allies-count", 32d, true, "32 Allies"), ((string?)figure["id"], (double)figure["value"]!, (bool)figure["drift"]!, (string?)figure["evidence"]));
    }

    [Fact]
    public void With_the_hybrid_a_semantic_vote_is_a_line_of_evidence_with_its_similarity_and_terms_have_none()
    {
        var hybrid = new StatementLines(Monitor.Embeddings.Taggers.Create(TopicFile.LoadDefault(), Monitor.Embeddings.Taggers.Mode.Hybrid));
        const string text = "Allies will never recognise Russia's illegal annexation of Crimea, which is Ukraine.";

        var output = JsonNode.Parse(hybrid.TagLine($"{{\"id\": 1, \"title\": \"\", \"text\": \"{text}\"}}", 1, out _))!;

        var evidence = output["topics"]!.AsArray().Single(t => (string?)t!["id"] == "territorial-integrity")!["evidence"]!.AsArray();
        var vote = Assert.Single(evidence, e => e!["similarity"] is not null)!;
        Assert.InRange((double)vote["similarity"]!, 0.35, 1);
        Assert.Equal(text, text.Substring((int)vote["start"]!, (int)vote["length"]!));
        Assert.Contains(evidence, e => (string?)e!["term"] == "annexation" && e["similarity"] is null);
    }

    [Theory]
    [InlineData("not json", null, "not valid JSON")]
    [InlineData("[1, 2]", null, "expected a JSON object")]
    [InlineData("{\"title\": \"x\"}", null, "\"id\" is missing")]
    [InlineData("{\"id\": \"x-1\", \"title\": 5}", "x-1", "neither \"title\" nor \"text\"")]
    public void A_bad_line_becomes_an_error_line_with_its_id(string input, string? id, string error)
    {
        var line = Lines.TagLine(input, 7, out var failed);

        Assert.True(failed);
        var output = JsonNode.Parse(line)!;
        Assert.Equal(id, (string?)output["id"]);
        Assert.Contains("line 7", (string?)output["error"], StringComparison.Ordinal);
        Assert.Contains(error, (string?)output["error"], StringComparison.Ordinal);
    }
}
