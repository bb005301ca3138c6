using Monitor.Contracts;
using Monitor.Core.Tagging;

namespace Monitor.Core.Tests.Tagging;

/// <summary>Normalisation, evidence offsets, co-occurrence and length, seen through the tagger's public API.</summary>
public class TaggingEngineTests
{
    private static readonly Tagger Baseline = new(TopicFile.LoadDefault());

    [Fact]
    public void Evidence_points_at_the_matched_text_in_title_and_body()
    {
        const string title = "Allies rule out a NO-FLY ZONE";
        const string body = "NATO is not part of the conflict with Russia. We will not impose a no fly zone over Ukraine.";

        var topic = Baseline.Tag(title, body).Single(t => t.TopicId == "no-direct-involvement");

        var inTitle = Assert.Single(topic.Evidence, e => e.Field == "title");
        Assert.Equal("NO-FLY ZONE", title.Substring(inTitle.Start, inTitle.Length));
        Assert.All(topic.Evidence.Where(e => e.Field == "body"), e => Assert.InRange(e.Start + e.Length, 1, body.Length));
        Assert.Contains(topic.Evidence, e => e.Field == "body" && body.Substring(e.Start, e.Length) == "no fly zone");
    }

    [Theory]
    [InlineData("NATO’s defense spending rose", "defence spending")]
    [InlineData("Allies will modernize their capabilities and their defense industry", "defence industry")]
    [InlineData("Allies recognized that defense production and the defense industry must grow", "defence production")]
    public void American_spellings_and_possessives_match_british_terms(string text, string term)
    {
        var topic = Baseline.Tag("", text).Single(t => t.TopicId == "defence-spending");

        Assert.Contains(topic.Evidence, e => e.Term.Equals(term, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_term_with_a_context_counts_only_near_that_context()
    {
        var alone = Baseline.Tag("Court ruling", "Article 5 and Article 5 again, as the Court said about Article 5.");
        var withNato = Baseline.Tag("Court ruling", "Article 5 is the heart of NATO; the Allies stand by Article 5.");

        Assert.DoesNotContain(alone, t => t.TopicId == "collective-defence");
        Assert.Contains(withNato, t => t.TopicId == "collective-defence");
    }

    [Fact]
    public void A_context_in_the_title_counts_for_the_whole_body()
    {
        var far = string.Join(' ', Enumerable.Repeat("The meeting took place in Brussels.", 12));

        var scores = Baseline.Tag("NATO ministers meet", $"{far} Article 5 was reaffirmed, and Article 5 commitments too.");

        Assert.Contains(scores, t => t.TopicId == "collective-defence");
    }

    [Fact]
    public void A_single_mention_weighs_less_in_a_long_text_than_in_a_short_one()
    {
        const string mention = "Allies discussed the open door policy and the accession of new members.";
        var filler = string.Join(' ', Enumerable.Repeat("Ministers also discussed the budget, the agenda of the next meeting and staff matters.", 60));

        var shortScore = Baseline.Tag("", mention).Single(t => t.TopicId == "open-door-enlargement").Score;
        var longScore = Baseline.Tag("", $"{mention} {filler}").SingleOrDefault(t => t.TopicId == "open-door-enlargement")?.Score ?? 0;

        Assert.True(longScore < shortScore, $"long {longScore} vs short {shortScore}");
    }

    [Fact]
    public void Concurrent_calls_give_the_same_result_as_sequential_ones()
    {
        var set = Monitor.Core.Tagging.Evaluation.Evaluator.LoadDefaultSet();
        var expected = set.Select(s => Describe(Baseline.Analyse(s.Title, s.Text))).ToArray();

        var actual = new string[set.Count];
        Parallel.For(0, set.Count * 4, i => actual[i % set.Count] = Describe(Baseline.Analyse(set[i % set.Count].Title, set[i % set.Count].Text)));

        Assert.Equal(expected, actual);
    }

    private static string Describe(TaggingResult result) =>
        string.Join(";", result.Topics.Select(t => $"{t.TopicId}:{t.Score}:{string.Join(",", t.Evidence.Select(e => $"{e.Term}@{e.Field}{e.Start}+{e.Length}"))}"))
        + "|" + string.Join(";", result.Figures.Select(f => $"{f.FigureId}={f.Value}"));
}
