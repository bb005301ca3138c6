using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>axe-core's WCAG 2.1 A and AA rules on a page as it is now, in the light and the dark colour scheme.</summary>
public static class AxeCheck
{
    public static async Task AssertNoViolationsAsync(IPage page, string what)
    {
        // Names of controls, contrast, landmarks, headings, ARIA use, link names, lang, list structure, ...
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme });
            var results = await page.RunAxe(new AxeRunOptions
            {
                RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
            });
            var violations = results.Violations.Select(v =>
                $"{v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Take(5).Select(n => $"{n.Target}: {n.Html}")));
            Assert.True(results.Violations.Length == 0,
                $"{what}, {scheme} scheme: axe found {results.Violations.Length} WCAG 2.1 A/AA violations:\n{string.Join('\n', violations)}");
            Assert.NotEmpty(results.Passes);
        }
    }
}
