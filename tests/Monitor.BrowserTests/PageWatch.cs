using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// A page with everything that went wrong on it recorded: console errors, uncaught exceptions, requests that failed
/// or were answered 4xx/5xx, and dialogs (dismissed at once, so a script's alert() cannot block the test).
/// </summary>
public sealed class PageWatch
{
    private readonly ConcurrentQueue<string> _problems = new();

    private PageWatch(IPage page)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _problems.Enqueue($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => _problems.Enqueue($"uncaught: {error}");
        page.RequestFailed += (_, request) =>
        {
            // A WebSocket or fetch that the page itself aborts on navigation or close is not a failure of the page.
            if (request.Failure is { } failure && !failure.Contains("ERR_ABORTED", StringComparison.Ordinal))
            {
                _problems.Enqueue($"request failed: {request.Method} {request.Url}: {failure}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _problems.Enqueue($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        page.Dialog += (_, dialog) =>
        {
            Dialogs.Enqueue($"{dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    public ConcurrentQueue<string> Dialogs { get; } = new();

    public IReadOnlyList<string> Problems => [.. _problems];

    public static async Task<PageWatch> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return new PageWatch(page);
    }

    /// <summary>Fails with every recorded problem listed.</summary>
    public void AssertNoProblems(string what)
    {
        var problems = Problems;
        Assert.True(problems.Count == 0, $"{what}: {problems.Count} problem(s) on the page:\n{string.Join('\n', problems)}");
        Assert.True(Dialogs.IsEmpty, $"{what}: dialogs opened: {string.Join("; ", Dialogs)}");
    }
}
