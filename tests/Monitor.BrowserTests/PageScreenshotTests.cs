using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>
/// Every page, at desktop and phone width: it loads with no console error, uncaught exception or failed request,
/// follows the page contract (body[data-page], the shared header, main#main), shows its content, and a full-page
/// screenshot of it is kept in <see cref="Artifacts.Directory"/>. The account pages are visited signed in as the
/// administrator, with a subscription and an alert seeded so the inbox and the subscriptions page show them.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class PageScreenshotTests(DashboardFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData("index.html", "live", "#statements > li.statement")]
    [InlineData("topics.html", "topics", "#topics > li.topic")]
    [InlineData("topic.html?id=sanctions", "topic", "#topic-statements > li.statement")]
    [InlineData("charts.html", "charts", "#chart-topics canvas")]
    [InlineData("history.html", "history", "form#history-form")]
    [InlineData("statement.html?id={statement}", "statement", "#statement-title")]
    [InlineData("event.html?id={event}", "event", "#event-timeline > li.event-member")]
    [InlineData("sources.html", "sources", "#sources > li.source")]
    [InlineData("signin.html", "signin", "form#signin-form")]
    [InlineData("alerts.html", "alerts", "#inbox > li.alert", true)]
    [InlineData("subscriptions.html", "subscriptions", "#subscriptions > li.subscription", true)]
    [InlineData("account.html", "account", "#tokens > li.token", true)]
    [InlineData("users.html", "users", "#users > li.user", true)]
    [InlineData("errors.html", "errors", "#errors-panel", true)]
    public async Task Each_page_loads_cleanly_and_is_kept_as_a_screenshot(string path, string dataPage, string content, bool signedIn = false)
    {
        path = path.Replace("{statement}", fixture.Sanctions.StatementId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        path = await fixture.WithEventAsync(path);
        if (signedIn)
        {
            await fixture.PrepareAccountPagesAsync(path);
        }

        foreach (var (width, viewport) in new[] { ("desktop", DashboardFixture.Desktop), ("phone", DashboardFixture.Phone) })
        {
            await using var context = signedIn ? await fixture.NewSignedInContextAsync(viewport) : await fixture.NewContextAsync(viewport);
            var watch = await PageWatch.OpenAsync(context);
            var page = watch.Page;
            await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

            await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-page", dataPage);
            await Assertions.Expect(page.Locator("header#site-header a").First).ToBeAttachedAsync();
            await Assertions.Expect(page.Locator("main#main")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(content).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(500); // chart animations settle

            var file = Path.Combine(Artifacts.Directory, $"{dataPage}-{width}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            output.WriteLine($"{path} at {viewport.Width} px: {file}");
            Assert.True(new FileInfo(file).Length > 1000, $"{file} is (nearly) empty");

            watch.AssertNoProblems($"{path} at {viewport.Width} px");
            // Nothing wider than the viewport: the page is usable at this width without sideways scrolling.
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{path} at {viewport.Width} px scrolls sideways by {overflow} px");
        }
    }
}
