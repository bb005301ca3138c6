using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitor.Testing;
using UglyToad.PdfPig;

namespace Monitor.IntegrationTests;

/// <summary>
/// The living briefing through HTTP (embedded default, SQLite) over a seeded history (BriefingHistory): the JSON in the
/// briefing's order with the figure's change and conflict, the Markdown and PDF exports with their footnote links,
/// and a 400 ProblemDetails for a bad period. The same queries on PostgreSQL: BriefingStoreContract.
/// </summary>
public sealed partial class BriefingApiTests : IAsyncLifetime
{
    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
    private EmbeddedDashboard _embedded = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _embedded = await BriefingHistory.StartDashboardAsync(_ids);
        _http = new HttpClient { BaseAddress = _embedded.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _embedded.DisposeAsync();
    }

    [Fact]
    public async Task The_briefing_follows_the_briefings_sections_and_shows_the_figures_change_and_conflict()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/briefing"));
        var root = json.RootElement;

        Assert.True(root.GetProperty("sinceBaseline").GetBoolean());
        Assert.Equal("2022-04-08T00:00:00+00:00", root.GetProperty("from").GetString());
        var sections = root.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(
            ["Russia’s war on Ukraine: NATO response", "NATO response to Russia’s war on Ukraine",
             "NATO support measures for Ukraine following the Russian war on Ukraine", "NATO relations with Ukraine",
             "NATO deterrence measures within the Alliance", "European Parliament position"],
            sections.Select(s => s.GetProperty("heading").GetString()));
        var door = sections.SelectMany(s => s.GetProperty("topics").EnumerateArray()).Single(t => t.GetProperty("topicId").GetString() == "open-door-enlargement");
        Assert.Equal([_ids["sweden"], _ids["finland"]], door.GetProperty("nato").EnumerateArray().Select(c => c.GetProperty("statementId").GetInt64()));
        Assert.Equal("NATO", door.GetProperty("spokeFirst").GetString());

        var allies = root.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("figureId").GetString() == "allies-count");
        Assert.Equal([30m, 31m, 32m], allies.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("value").GetDecimal()));
        var conflict = Assert.Single(allies.GetProperty("conflicts").EnumerateArray());
        Assert.Equal((32m, 31m), (conflict.GetProperty("earlierValue").GetDecimal(), conflict.GetProperty("laterValue").GetDecimal()));
    }

    [Fact]
    public async Task A_period_narrows_the_briefing_and_a_bad_one_is_a_400_saying_why()
    {
        using var march = JsonDocument.Parse(await _http.GetStringAsync("/api/briefing?from=2024-03-01&to=2024-03-31"));
        var door = march.RootElement.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("topics").EnumerateArray())
            .Single(t => t.GetProperty("topicId").GetString() == "open-door-enlargement");
        Assert.Equal(2, door.GetProperty("statements").GetInt64());
        Assert.False(march.RootElement.GetProperty("sinceBaseline").GetBoolean());

        await Problems.AssertBadRequestAsync(_http, "/api/briefing?from=last-tuesday", "Invalid period", "'from' must be an ISO 8601 date");
        await Problems.AssertBadRequestAsync(_http, "/api/briefing.md?period=1y", "Invalid period", "'period' must be 'baseline', '7d' or '30d'");
        await Problems.AssertBadRequestAsync(_http, "/api/briefing.pdf?from=2024-05-01&to=2024-04-01", "Invalid period", "must be before");
    }

    [Fact]
    public async Task The_markdown_export_has_the_headings_the_figures_and_every_cited_statement_as_a_footnote_with_its_links()
    {
        using var response = await _http.GetAsync(new Uri("/api/briefing.md", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        var md = await response.Content.ReadAsStringAsync();

        Assert.Contains("## NATO relations with Ukraine", md, StringComparison.Ordinal);
        Assert.Contains("## Figures, then and now", md, StringComparison.Ordinal);
        Assert.Contains("| number of NATO Allies | 30 | 31[^", md, StringComparison.Ordinal);
        Assert.Contains("30 → 31 → 32", md, StringComparison.Ordinal);
        Assert.Contains("**Conflict:** 32 on 7 March 2024", md, StringComparison.Ordinal);
        Assert.True(md.IndexOf("## NATO response to Russia", StringComparison.Ordinal) < md.IndexOf("## European Parliament position", StringComparison.Ordinal));
        // Every footnote cited is defined once, with the statement's page on this dashboard and its source.
        var cited = FootnoteReference().Matches(md).Select(m => m.Groups[1].Value).ToHashSet();
        var defined = FootnoteDefinition().Matches(md).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(cited);
        Assert.Equal(cited.Order(), defined.Order());
        var sweden = Regex.Match(md, $@"\[\^(\d+)\]: sweden title, nato-news, 7 March 2024\. <{Regex.Escape(_embedded.BaseAddress.ToString().TrimEnd('/'))}/statement\.html\?id={_ids["sweden"]}> \(source: <https://example\.org/nato-news/sweden>\)");
        Assert.True(sweden.Success, md);
    }

    [Fact]
    public async Task The_pdf_export_holds_the_headings_the_figures_and_the_footnote_links_as_text_and_as_links()
    {
        using var response = await _http.GetAsync(new Uri("/api/briefing.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        using var pdf = PdfDocument.Open(bytes);
        var pages = pdf.GetPages().ToList();
        var text = string.Join("\n", pages.Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        Assert.Contains("NATO relations with Ukraine", text, StringComparison.Ordinal);
        Assert.Contains("European Parliament position", text, StringComparison.Ordinal);
        Assert.Contains("Figures, then and now", text, StringComparison.Ordinal);
        Assert.Contains("number of NATO Allies: baseline 30; history 30 → 31 → 32", text, StringComparison.Ordinal);
        Assert.Contains("Conflict: 32 on 7 March 2024", text, StringComparison.Ordinal);
        Assert.Contains("Sources", text, StringComparison.Ordinal);
        var statementLink = $"{_embedded.BaseAddress.ToString().TrimEnd('/')}/statement.html?id={_ids["sweden"]}";
        Assert.Contains(statementLink, text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var links = pages.SelectMany(p => p.GetHyperlinks()).Select(l => l.Uri).ToList();
        Assert.Contains(statementLink, links);
        Assert.Contains("https://example.org/nato-news/sweden", links);
    }

    [GeneratedRegex(@"\[\^(\d+)\](?!:)")]
    private static partial Regex FootnoteReference();

    [GeneratedRegex(@"^\[\^(\d+)\]:", RegexOptions.Multiline)]
    private static partial Regex FootnoteDefinition();
}
