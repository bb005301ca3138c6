using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// Feed text is text: a statement whose title and body carry markup that would run script renders that markup as
/// visible characters in the live view, on its statement page and in history results, and runs nothing.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class ScriptInjectionTests(DashboardFixture fixture)
{
    private const string ScriptTag = "<script>window.__pwned=1</script>";
    private const string ImageTag = "<img src=x onerror=\"window.__pwned=1\">";
    private const string SvgTag = "<svg onload=\"alert('pwned')\">";

    [Fact]
    public async Task Markup_in_a_title_and_body_renders_as_text_and_runs_nothing()
    {
        var word = Texts.UniqueWord("payload");
        var title = $"Sanctions {word} {ScriptTag} {ImageTag} {SvgTag}";
        var body = $"Parliament called for sanctions against Russia. {word} {ScriptTag} {ImageTag} {SvgTag} End.";
        var statement = Monitor.Testing.PipelineBus.Statement(Texts.SourceId, title, body);

        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;

        // Live view: pushed while the page is open.
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        await fixture.Bus.PublishAsync(statement);
        var arrival = await LivePage.WaitForArrivalAsync(page, word, TimeSpan.FromSeconds(30));
        var item = page.Locator($"#statements > li.statement[data-statement-id='{arrival.StatementId}']");
        await AssertInertAsync(page, item.Locator(".statement-title"), item, "live view");

        // Statement page.
        await page.GotoAsync($"statement.html?id={arrival.StatementId}");
        var pageTitle = page.Locator("#statement-title");
        await Assertions.Expect(pageTitle).ToContainTextAsync(word, new() { Timeout = 30_000 });
        await AssertInertAsync(page, pageTitle, page.Locator("#statement-title, #statement-body"), "statement page");
        await Assertions.Expect(page.Locator("#statement-body")).ToContainTextAsync(ScriptTag);
        await Assertions.Expect(page.Locator("#statement-body")).ToContainTextAsync(ImageTag);

        // History results.
        await HistoryPage.SearchAsync(page, word);
        var result = await HistoryPage.ResultAsync(page, arrival.StatementId);
        await AssertInertAsync(page, result.Locator(".statement-title"), result, "history results");

        Assert.True(watch.Dialogs.IsEmpty, $"dialogs opened: {string.Join("; ", watch.Dialogs)}");
        watch.AssertNoProblems("pages showing markup from a feed");
    }

    /// <summary>The markup is visible as characters, made no element, and nothing ran (given time to run).</summary>
    private static async Task AssertInertAsync(IPage page, ILocator title, ILocator container, string where)
    {
        await Assertions.Expect(title).ToContainTextAsync(ScriptTag);
        await Assertions.Expect(title).ToContainTextAsync(ImageTag);
        await Assertions.Expect(title).ToContainTextAsync(SvgTag);
        await Assertions.Expect(title).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1000); // an <img src=x> would have failed to load and fired onerror by now
        Assert.Equal(0, await container.Locator("script, img[src='x'], [onerror], [onload]").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"), $"{where}: injected script ran (window.__pwned is set)");
    }
}
