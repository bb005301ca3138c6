using System.Globalization;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>A smoke check of accessibility: every form control has a name, and the keyboard reaches the live view's controls.</summary>
[Collection(nameof(DashboardCollection))]
public sealed class AccessibilityTests(DashboardFixture fixture)
{
    /// <summary>Controls with no accessible name (aria-label, aria-labelledby, a label, their text, value or title).</summary>
    private const string UnnamedControls = """
        () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')].filter((el) => {
          const text = (value) => (value ?? '').trim() !== '';
          if (text(el.getAttribute('aria-label')) || text(el.getAttribute('title'))) return false;
          const labelledBy = el.getAttribute('aria-labelledby');
          if (labelledBy && labelledBy.split(/\s+/).some((id) => text(document.getElementById(id)?.textContent))) return false;
          if (el.labels && [...el.labels].some((label) => text(label.textContent))) return false;
          if (el.tagName === 'BUTTON' && text(el.textContent)) return false;
          if (['submit', 'button', 'reset'].includes(el.type) && text(el.value)) return false;
          return true;
        }).map((el) => el.outerHTML.slice(0, 160))
        """;

    [Theory]
    [InlineData("index.html")]
    [InlineData("topics.html")]
    [InlineData("topic.html?id=sanctions")]
    [InlineData("charts.html")]
    [InlineData("history.html")]
    [InlineData("statement.html?id={statement}")]
    [InlineData("sources.html")]
    public async Task Every_form_control_has_an_accessible_name(string path)
    {
        path = path.Replace("{statement}", fixture.Sanctions.StatementId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await using var context = await fixture.NewContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.True(response is { Ok: true }, $"{path}: HTTP {response?.Status}");
        await Assertions.Expect(page.Locator("main#main")).ToBeVisibleAsync();

        var unnamed = await page.EvaluateAsync<string[]>(UnnamedControls);
        Assert.True(unnamed.Length == 0, $"{path}: controls without an accessible name:\n{string.Join('\n', unnamed)}");
    }

    [Fact]
    public async Task The_keyboard_reaches_the_live_views_filters_and_pause_button()
    {
        await using var context = await fixture.NewContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        await Assertions.Expect(page.Locator("#statements > li.statement").First).ToBeVisibleAsync();

        var reached = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 80 && !reached.IsSupersetOf(["filter-topic", "filter-source", "pause"]); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''"));
        }

        Assert.Contains("filter-topic", reached);
        Assert.Contains("filter-source", reached);
        Assert.Contains("pause", reached);

        // The pause button works from the keyboard and says so.
        await page.FocusAsync("button#pause");
        var before = await page.GetAttributeAsync("button#pause", "aria-pressed");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("button#pause")).Not.ToHaveAttributeAsync("aria-pressed", before ?? "");
    }
}
