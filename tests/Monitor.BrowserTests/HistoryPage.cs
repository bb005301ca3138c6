using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>Drives history.html as a person would: types into the form and submits it.</summary>
public static class HistoryPage
{
    public static async Task SearchAsync(IPage page, string query)
    {
        await page.GotoAsync("history.html");
        var q = page.Locator("form#history-form [name='q']");
        await q.FillAsync(query);
        await q.PressAsync("Enter");
    }

    /// <summary>The result for a statement, once the search has shown it.</summary>
    public static async Task<ILocator> ResultAsync(IPage page, long statementId)
    {
        var result = page.Locator($"#results > li.statement[data-statement-id='{statementId}']");
        await Assertions.Expect(result).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return result;
    }
}
