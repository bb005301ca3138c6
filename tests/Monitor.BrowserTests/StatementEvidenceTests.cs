using System.Globalization;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// The statement page shows a tag's evidence from both layers of the hybrid tagger: the matched terms, and the semantic
/// vote (the statement's sentence, the reference sentence it resembles, their similarity).
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class StatementEvidenceTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_tag_shows_its_matched_terms_and_the_sentence_its_meaning_resembles()
    {
        await using var context = await fixture.NewContextAsync(DashboardFixture.Desktop);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync($"statement.html?id={fixture.Sanctions.StatementId.ToString(CultureInfo.InvariantCulture)}");

        var item = page.Locator("li.legend-item[data-topic-id='sanctions']");
        await Assertions.Expect(item.Locator(".legend-terms")).ToContainTextAsync("Evidence: ");
        await Assertions.Expect(item.Locator(".legend-terms")).ToContainTextAsync("sanctions");
        var vote = item.Locator(".legend-semantic");
        await Assertions.Expect(vote).ToContainTextAsync("Meaning: “Parliament calls for new sanctions against Russia");
        await Assertions.Expect(vote).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"resembles “.+” \(similarity 0\.\d\d\)"));
        watch.AssertNoProblems("statement page");
    }
}
