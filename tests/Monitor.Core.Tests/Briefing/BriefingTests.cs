using Monitor.Core.Briefing;
using Monitor.Core.Tagging;

namespace Monitor.Core.Tests.Briefing;

public class BriefingDocumentTests
{
    [Fact]
    public void The_embedded_briefing_is_the_baseline_byte_for_byte()
    {
        var fixture = File.ReadAllText(FixtureFiles.PathOf("baseline", "briefing.txt"));

        Assert.Equal(BriefingDocument.Parse(fixture).Lines, BriefingDocument.LoadDefault().Lines);
    }

    [Fact]
    public void The_sections_are_the_briefings_six_headings_in_its_order()
    {
        var briefing = BriefingDocument.LoadDefault();

        Assert.Equal(
            [
                (1, "Russia’s war on Ukraine: NATO response"),
                (11, "NATO response to Russia’s war on Ukraine"),
                (28, "NATO support measures for Ukraine following the Russian war on Ukraine"),
                (50, "NATO relations with Ukraine"),
                (68, "NATO deterrence measures within the Alliance"),
                (88, "European Parliament position"),
            ],
            briefing.Sections.Select(s => (s.HeadingLine, s.Heading)));
        Assert.Equal((51, 67), (briefing.Sections[3].FirstLine, briefing.Sections[3].LastLine));
        Assert.Equal(102, briefing.Sections[^1].LastLine);
    }

    [Fact]
    public void Each_topic_sits_under_the_section_holding_most_of_its_anchors_once()
    {
        var outline = BriefingDocument.LoadDefault().Outline(TopicFile.LoadDefault().Topics);
        var placed = outline.SelectMany(s => s.Topics.Select(t => (Section: s.Section.HeadingLine, t.Topic.Id, t.Anchors))).ToList();

        Assert.Equal(18, placed.Count);
        Assert.Equal(18, placed.Select(p => p.Id).Distinct().Count());
        var section = placed.ToDictionary(p => p.Id, p => p.Section);
        Assert.Equal(1, section["sanctions"]);                     // lines 7 and 29: a tie, the earlier section
        Assert.Equal(11, section["condemnation-withdrawal"]);      // 3 lines in the summary, 5 under line 11
        Assert.Equal(28, section["no-direct-involvement"]);
        Assert.Equal(50, section["nato-ukraine-partnership"]);
        Assert.Equal(68, section["deterrence-eastern-flank"]);
        Assert.Equal(88, section["eu-nato-cooperation"]);
        // The passage is the anchors of that section only, each inside it.
        var briefing = BriefingDocument.LoadDefault();
        Assert.All(placed, p => Assert.All(p.Anchors, a => Assert.Equal(p.Section, briefing.SectionOf(a.Line).HeadingLine)));
        // Within a section, topics follow their passage's first line.
        Assert.All(outline, s => Assert.Equal(s.Topics.Select(t => t.Anchors[0].Line).Order(), s.Topics.Select(t => t.Anchors[0].Line)));
    }

    [Fact]
    public void A_text_without_a_heading_is_refused()
    {
        Assert.Throws<FormatException>(() => BriefingDocument.Parse("just one sentence, lowercase.\n"));
    }
}

public class SentencesTests
{
    [Fact]
    public void The_lead_is_the_summarys_first_sentence_as_written()
    {
        var lead = Sentences.Lead(
            "NATO Secretary General Mr. Rutte welcomed  Sweden as the 32nd Ally on 7 March 2024. It strengthens the Alliance.", "Body.", "Title");

        Assert.Equal("NATO Secretary General Mr. Rutte welcomed Sweden as the 32nd Ally on 7 March 2024.", lead);
    }

    [Fact]
    public void Without_a_summary_the_lead_comes_from_the_body_then_the_title()
    {
        Assert.Equal("Allies agreed on 3.5% of GDP, e.g. for air defence.", Sentences.Lead("", "Allies agreed on 3.5% of GDP, e.g. for air defence. More follows.", "T"));
        Assert.Equal("The title", Sentences.Lead(" ", null, "The title"));
    }

    [Fact]
    public void A_long_sentence_is_cut_at_a_word_and_marked()
    {
        var words = string.Join(' ', Enumerable.Repeat("deterrence", 60)) + ".";
        var lead = Sentences.Lead(words, null, "t");

        Assert.True(lead.Length <= Sentences.MaxLength + 1);
        Assert.EndsWith("deterrence…", lead, StringComparison.Ordinal);
        Assert.StartsWith(lead[..^1], words, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sentence_around_a_figure_is_the_one_holding_its_offset()
    {
        const string text = "Leaders met in Vilnius. Today NATO has 31 Allies, after Finland joined. Sweden follows.";

        Assert.Equal("Today NATO has 31 Allies, after Finland joined.", Sentences.Around(text, text.IndexOf("31", StringComparison.Ordinal)));
        Assert.Equal("Sweden follows.", Sentences.Around(text, text.Length + 10));
    }
}

public class FigureTimelineTests
{
    private static readonly DateTimeOffset T = new(2023, 4, 4, 12, 0, 0, TimeSpan.Zero);

    private static FigureObservation Said(long id, decimal value, double days) =>
        new(id, id % 2 == 0 ? "nato-news" : "ep-press", $"s{id}", $"https://example.org/{id}", T.AddDays(days), value, $"{value} Allies.");

    [Fact]
    public void The_history_runs_from_the_baseline_through_each_value_in_the_order_first_stated()
    {
        var spans = new List<FigureValueSpan>
        {
            new(32, 4, T.AddDays(340), T.AddDays(400)),
            new(31, 3, T, T.AddDays(300)),
        };

        var result = FigureTimeline.Build(30, spans, [Said(1, 31, 0), Said(2, 32, 400)]);

        Assert.Equal([30m, 31m, 32m], result.Steps.Select(s => s.Value));
        Assert.True(result.Steps[0].IsBaseline);
        Assert.Null(result.Steps[0].FirstAt);
        Assert.Equal(32m, result.Latest!.Value);
        Assert.Empty(result.Conflicts);
    }

    [Fact]
    public void Different_values_close_together_are_a_conflict_not_resolved_and_the_same_statement_never_conflicts_with_itself()
    {
        var result = FigureTimeline.Build(30, [new(31, 2, T, T.AddDays(1)), new(32, 1, T.AddDays(2), T.AddDays(2))],
            [Said(1, 31, 0), Said(2, 31, 1), Said(3, 32, 2), Said(4, 31, 30), Said(4, 32, 30)]);

        var conflict = Assert.Single(result.Conflicts, c => c.Later.StatementId != 4 || c.Earlier.StatementId != 4);
        Assert.Equal((2L, 3L), (conflict.Earlier.StatementId, conflict.Later.StatementId));
        Assert.Equal((31m, 32m), (conflict.Earlier.Value, conflict.Later.Value));
        Assert.Single(result.Conflicts);
    }

    [Fact]
    public void A_restated_baseline_is_the_first_step_with_its_dates()
    {
        var result = FigureTimeline.Build(30, [new(30, 2, T, T.AddDays(3))], [Said(1, 30, 0)]);

        var step = Assert.Single(result.Steps);
        Assert.True(step.IsBaseline);
        Assert.Equal(T, step.FirstAt);
    }
}

public class BriefingPeriodTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_default_is_since_the_baseline_and_the_periods_and_ranges_read_as_documented()
    {
        Assert.Equal(new BriefingPeriod(BriefingDocument.BaselineDate, Now, true), BriefingPeriod.Parse(null, null, null, Now).Period);
        Assert.Equal(new BriefingPeriod(Now.AddDays(-7), Now, false), BriefingPeriod.Parse("7d", null, null, Now).Period);
        Assert.Equal(new BriefingPeriod(Now.AddDays(-30), Now, false), BriefingPeriod.Parse("30d", "", "", Now).Period);
        // A bare "to" date includes its whole day.
        Assert.Equal(new BriefingPeriod(new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2024, 4, 1, 0, 0, 0, TimeSpan.Zero), false),
            BriefingPeriod.Parse(null, "2024-03-01", "2024-03-31", Now).Period);
    }

    [Theory]
    [InlineData("1y", null, null, "'period' must be")]
    [InlineData(null, "yesterday", null, "'from' must be an ISO 8601 date")]
    [InlineData(null, "2024-05-01", "2024-04-01", "must be before")]
    [InlineData("7d", "2024-05-01", null, "not both")]
    public void A_bad_period_is_an_error_saying_what_is_wrong(string? period, string? from, string? to, string message)
    {
        var (result, error) = BriefingPeriod.Parse(period, from, to, Now);

        Assert.Null(result);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}

public class BriefingTextTests
{
    private static BriefingCitation At(string institution, int day) =>
        new(day, institution == "NATO" ? "nato-news" : "ep-press", institution, "t", "https://example.org/", new(2023, 4, day, 10, 0, 0, TimeSpan.Zero), "s");

    private static BriefingTopicReport Topic(long statements, BriefingCitation? nato, BriefingCitation? ep) =>
        new("t", "T", [], statements, [], [], null, null, nato, ep, []);

    // The same sentences as tests/Monitor.Dashboard.Js/pages/briefing/text.test.mjs: page and exports say the same.
    [Fact]
    public void The_templates_are_counts_and_dates_in_the_pages_wording()
    {
        Assert.Equal("Since the baseline (8 April 2022) to 6 December 2026.",
            BriefingText.PeriodLine(new BriefingReport("t", BriefingDocument.BaselineDate, new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero), true, [], [])));
        Assert.Equal("From 1 March 2024 to 1 April 2024.",
            BriefingText.PeriodLine(new BriefingReport("t", new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2024, 4, 1, 0, 0, 0, TimeSpan.Zero), false, [], [])));
        Assert.Equal("No statement on this topic in the period.", BriefingText.CountLine(Topic(0, null, null)));
        Assert.Equal("1 statement on this topic in the period.", BriefingText.CountLine(Topic(1, null, null)));
        Assert.Equal("5 statements on this topic in the period.", BriefingText.CountLine(Topic(5, null, null)));
        Assert.Null(BriefingText.SpokeFirstLine(Topic(0, null, null)));
        Assert.Equal("Only NATO addressed it in the period (first on 4 April 2023).", BriefingText.SpokeFirstLine(Topic(1, At("NATO", 4), null)));
        Assert.Equal("NATO spoke first, on 4 April 2023; the European Parliament on 5 April 2023.", BriefingText.SpokeFirstLine(Topic(2, At("NATO", 4), At("EP", 5))));
        Assert.Equal("The European Parliament spoke first, on 4 April 2023; NATO on 5 April 2023.", BriefingText.SpokeFirstLine(Topic(2, At("NATO", 5), At("EP", 4))));
        Assert.Equal("30 (the briefing’s value): not restated in the period", BriefingText.StepLine(new(30, true, 0, null, null)));
        Assert.Equal("31: 3 statements, first on 4 April 2023, last on 9 March 2024",
            BriefingText.StepLine(new(31, false, 3, new(2023, 4, 4, 10, 0, 0, TimeSpan.Zero), new(2024, 3, 9, 10, 0, 0, TimeSpan.Zero))));
        Assert.Equal("40,000", BriefingText.Number(40000));
    }

    [Fact]
    public void Markdown_escapes_a_statements_words_and_numbers_its_footnotes_once_per_statement()
    {
        var quote = new BriefingCitation(7, "nato-news", "NATO", "A *bold* [claim]", "https://example.org/7", new(2024, 3, 7, 0, 0, 0, TimeSpan.Zero), "It has 32 Allies.");
        var topic = new BriefingTopicReport("open-door-enlargement", "Open door", [new(55, "NATO maintains its open-door policy,"), new(57, "NATO enlargement")], 1,
            [quote], [], quote, quote, quote, null, []);
        var report = new BriefingReport("Title", BriefingDocument.BaselineDate, new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), true,
            [new BriefingSectionReport(50, "NATO relations with Ukraine", [topic])], []);

        var md = BriefingMarkdown.Render(report, id => $"http://127.0.0.1/statement.html?id={id}");

        Assert.Contains("## NATO relations with Ukraine", md, StringComparison.Ordinal);
        Assert.Contains("### Open door\n\n> NATO maintains its open-door policy, (briefing, line 55)\n>\n> NATO enlargement (briefing, line 57)\n\n1 statement", md, StringComparison.Ordinal);
        Assert.Contains("- 7 March 2024: “It has 32 Allies.”[^1]", md, StringComparison.Ordinal);
        Assert.Contains("First in the period: 7 March 2024, A \\*bold\\* \\[claim\\][^1]", md, StringComparison.Ordinal);
        Assert.Single(md.Split('\n'), l => l.StartsWith("[^", StringComparison.Ordinal));
        Assert.Contains("[^1]: A \\*bold\\* \\[claim\\], nato-news, 7 March 2024. <http://127.0.0.1/statement.html?id=7> (source: <https://example.org/7>)", md, StringComparison.Ordinal);
    }
}
