using Monitor.Core.Briefing;

namespace Monitor.Core.Tests.Briefing;

/// <summary>The weekly briefing digest's pure parts: when it falls due, the week, the key, the topic cut, the title.</summary>
public sealed class BriefingDigestTests
{
    private static readonly TimeOnly Six = new(6, 0);

    [Theory]
    // 7 Dec 2026 is a Monday. Before 06:00 on it, the last due is the Monday before; from 06:00, that Monday.
    [InlineData("2026-12-07T05:59:59Z", "2026-11-30T06:00:00Z")]
    [InlineData("2026-12-07T06:00:00Z", "2026-12-07T06:00:00Z")]
    [InlineData("2026-12-07T23:00:00Z", "2026-12-07T06:00:00Z")]
    [InlineData("2026-12-13T23:59:59Z", "2026-12-07T06:00:00Z")]
    [InlineData("2026-12-14T06:00:01Z", "2026-12-14T06:00:00Z")]
    // An offset is read as the instant it is: 07:30 in Brussels (UTC+1) is 06:30 UTC, after the due time.
    [InlineData("2026-12-07T07:30:00+01:00", "2026-12-07T06:00:00Z")]
    [InlineData("2026-12-07T06:30:00+01:00", "2026-11-30T06:00:00Z")]
    public void The_digest_falls_due_at_the_last_monday_six_oclock_utc(string now, string due)
    {
        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture),
            BriefingDigest.LastDue(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), DayOfWeek.Monday, Six));
    }

    [Fact]
    public void Another_day_and_time_are_honoured()
    {
        // Friday 18:30: on Sunday 6 Dec 2026 the last one was Friday 4 Dec.
        var due = BriefingDigest.LastDue(new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), DayOfWeek.Friday, new(18, 30));

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 18, 30, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void The_week_is_the_seven_whole_days_before_the_due_day_with_its_key_and_page()
    {
        var (from, to) = BriefingDigest.Week(new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero));

        Assert.Equal((new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)), (from, to));
        Assert.Equal("briefing:2026-11-30", BriefingDigest.DedupeKey(from));
        // The page's dates are both included: Monday 30 November to Sunday 6 December.
        Assert.Equal("briefing.html?from=2026-11-30&to=2026-12-06", BriefingDigest.PagePath(from, to));
    }

    [Fact]
    public void The_title_counts_the_cited_statements_per_institution_once_each()
    {
        var (from, to) = (new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        var report = Report(
            Topic("sanctions", [Cite(1, "nato-news"), Cite(2, "nato-news"), Cite(3, "nato-news")], [Cite(4, "ep-press")], first: Cite(1, "nato-news")),
            Topic("open-door-enlargement", [Cite(3, "nato-news")], [Cite(5, "ep-press"), Cite(6, "ep-press"), Cite(7, "ep-press"), Cite(8, "ep-press")]));

        var cited = BriefingDigest.Cited(report);

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], cited.Select(c => c.StatementId).Order());
        Assert.Equal("Briefing, 30 November 2026–6 December 2026: 3 NATO statements and 5 EP statements", BriefingDigest.Title(from, to, cited));
        Assert.Equal("Briefing, 30 November 2026–6 December 2026: 1 NATO statement, 0 EP statements and 1 other statement",
            BriefingDigest.Title(from, to, [Cite(1, "nato-news"), Cite(9, "un-news")]));
    }

    [Fact]
    public void Topics_keep_their_sections_only_and_leave_the_figures_out()
    {
        var report = Report(Topic("sanctions", [Cite(1, "nato-news")], []), Topic("open-door-enlargement", [], [Cite(2, "ep-press")]));

        var sanctions = BriefingDigest.ForTopics(report, ["sanctions"]);
        var none = BriefingDigest.ForTopics(report, ["air-defence"]);

        Assert.Equal(["sanctions"], sanctions.Sections.SelectMany(s => s.Topics).Select(t => t.TopicId));
        Assert.Empty(sanctions.Figures);
        Assert.Equal([1L], BriefingDigest.Cited(sanctions).Select(c => c.StatementId));
        Assert.Empty(none.Sections);
        Assert.Empty(BriefingDigest.Cited(none));
        Assert.Same(report, BriefingDigest.ForTopics(report, []));
        Assert.Equal([1L, 2, 7], BriefingDigest.Cited(report).Select(c => c.StatementId));
    }

    [Fact]
    public void The_detail_is_json_whose_markdown_reads_back_and_any_other_detail_has_none()
    {
        var detail = BriefingDigest.Detail(new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero),
            [Cite(1, "nato-news"), Cite(2, "ep-press")], "# Title\n\n> “quoted”");

        Assert.Equal("# Title\n\n> “quoted”", BriefingDigest.MarkdownOf(detail));
        Assert.Contains("\"statements\":2,\"nato\":1,\"ep\":1", detail, StringComparison.Ordinal);
        Assert.Null(BriefingDigest.MarkdownOf("{\"count\":5}"));
        Assert.Null(BriefingDigest.MarkdownOf("not json"));
        Assert.Null(BriefingDigest.MarkdownOf(null));
    }

    private static BriefingCitation Cite(long id, string source) =>
        new(id, source, source.StartsWith("nato", StringComparison.Ordinal) ? "NATO" : source.StartsWith("ep", StringComparison.Ordinal) ? "EP" : "Other",
            $"statement {id}", $"https://example.org/{id}", new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "A sentence.");

    private static BriefingTopicReport Topic(string id, IReadOnlyList<BriefingCitation> nato, IReadOnlyList<BriefingCitation> ep, BriefingCitation? first = null) =>
        new(id, id, [], nato.Count + ep.Count, nato, ep, first, first, null, null, []);

    private static BriefingReport Report(params BriefingTopicReport[] topics) =>
        new("Title", new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero), false,
            [new BriefingSectionReport(1, "Heading", topics)],
            [new BriefingFigureReport("allies-count", "number of NATO Allies", "Allies", 30, null, 32, Cite(7, "nato-news"), [], [])]);
}
