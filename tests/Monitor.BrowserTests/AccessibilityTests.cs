using System.Globalization;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>Accessibility: every page passes axe-core's WCAG 2.1 A and AA rules, and the keyboard reaches the live view's controls.</summary>
[Collection(nameof(DashboardCollection))]
public sealed class AccessibilityTests(DashboardFixture fixture)
{
    [Theory]
    [InlineData("index.html")]
    [InlineData("topics.html")]
    [InlineData("topic.html?id=sanctions")]
    [InlineData("charts.html")]
    [InlineData("history.html")]
    [InlineData("statement.html?id={statement}")]
    [InlineData("event.html?id={event}")]
    [InlineData("sources.html")]
    [InlineData("signin.html")]
    [InlineData("alerts.html", "#inbox > li.alert")]
    [InlineData("subscriptions.html", "#subscriptions > li.subscription")]
    [InlineData("account.html", "#tokens > li.token")]
    [InlineData("users.html", "#users > li.user")]
    [InlineData("errors.html", "#errors-panel")]
    public async Task Every_page_passes_the_axe_WCAG_2_1_A_and_AA_rules(string path, string? signedInContent = null)
    {
        // The account pages are checked signed in, with their lists filled (a seeded subscription and alert).
        path = path.Replace("{statement}", fixture.Sanctions.StatementId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        path = await fixture.WithEventAsync(path);
        if (signedInContent is not null)
        {
            await fixture.PrepareAccountPagesAsync(path);
        }

        await using var context = signedInContent is null ? await fixture.NewContextAsync() : await fixture.NewSignedInContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.True(response is { Ok: true }, $"{path}: HTTP {response?.Status}");
        await Assertions.Expect(page.Locator("main#main")).ToBeVisibleAsync();
        if (signedInContent is not null)
        {
            await Assertions.Expect(page.Locator(signedInContent).First).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        await AxeCheck.AssertNoViolationsAsync(page, path);
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
