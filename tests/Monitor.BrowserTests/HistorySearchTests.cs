using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>history.html finds a stored statement by a word in it and marks the word.</summary>
[Collection(nameof(DashboardCollection))]
public sealed class HistorySearchTests(DashboardFixture fixture)
{
    [Fact]
    public async Task History_search_finds_a_known_statement_and_marks_the_word()
    {
        var word = Texts.UniqueWord("quorum");
        var stored = await fixture.PublishAndStoreAsync(Monitor.Testing.PipelineBus.Statement(Texts.SourceId,
            $"Ministers discuss the {word} initiative on sanctions against Russia",
            $"Defence ministers discussed the {word} initiative and stronger enforcement of sanctions against Russia."));

        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await HistoryPage.SearchAsync(page, word);
        var result = await HistoryPage.ResultAsync(page, stored.StatementId);

        await Assertions.Expect(result).ToContainTextAsync($"Ministers discuss the {word} initiative");
        // Waits for the search's rendering: the newest statement is also in the unfiltered list the page shows first,
        // without marks, and reading the marks at once could catch that list.
        await Assertions.Expect(result.Locator("mark").First).ToHaveTextAsync(
            new Regex($@"^\s*{word}\s*$", RegexOptions.IgnoreCase));
        // Only the one statement has the word.
        await Assertions.Expect(page.Locator("#results > li.statement")).ToHaveCountAsync(1);
        // The search can be linked: the URL carries the query.
        Assert.Contains($"q={word}", page.Url, StringComparison.Ordinal);
        watch.AssertNoProblems("history search");
    }
}
