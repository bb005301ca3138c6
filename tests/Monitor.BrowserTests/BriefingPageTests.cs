using System.Globalization;
using Microsoft.Playwright;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>
/// The living briefing's page in Chromium over a seeded history (BriefingHistory, on the embedded dashboard): the
/// sections in the briefing's order, the quoted passages, the statements' own sentences linked to their pages, the
/// figure table with the number of Allies' change and conflict, the period switch, axe, and a screenshot kept.
/// </summary>
public sealed class BriefingPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
    private EmbeddedDashboard _dashboard = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _dashboard = await BriefingHistory.StartDashboardAsync(_ids);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _dashboard.DisposeAsync();
    }

    [Fact]
    public async Task The_page_follows_the_briefing_quotes_and_links_its_sources_shows_the_figures_conflict_and_switches_period()
    {
        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("briefing.html", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        // Linked from the navigation, marked as the current page.
        await Assertions.Expect(page.Locator("nav.site-nav a[href='briefing.html']")).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.Locator("#briefing-figures-table tbody tr")).ToHaveCountAsync(8);
        Assert.Equal(
            ["Russia’s war on Ukraine: NATO response", "NATO response to Russia’s war on Ukraine",
             "NATO support measures for Ukraine following the Russian war on Ukraine", "NATO relations with Ukraine",
             "NATO deterrence measures within the Alliance", "European Parliament position"],
            await page.Locator("#briefing-sections > section > h2").AllTextContentsAsync());
        await Assertions.Expect(page.Locator("#briefing-period-line")).ToHaveTextAsync("Since the baseline (8 April 2022) to " + DateTime.UtcNow.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) + ".");

        // The open door: the briefing quoted by line, the statements' own first sentences linked to their pages.
        var door = page.Locator("article[data-topic='open-door-enlargement']");
        await Assertions.Expect(door.Locator(".briefing-passage p[data-line='55'] q")).ToHaveTextAsync("NATO accession process. Despite this, NATO maintains its open-door policy,");
        var finland = door.Locator($".briefing-since-nato li[data-statement-id='{_ids["finland"]}'] a.briefing-quote");
        await Assertions.Expect(finland).ToHaveTextAsync("“Finland becomes the 31st Ally of NATO.”");
        await Assertions.Expect(finland).ToHaveAttributeAsync("href", $"statement.html?id={_ids["finland"]}");
        await Assertions.Expect(door.Locator(".briefing-since-nato li")).ToHaveCountAsync(2);
        await Assertions.Expect(door.Locator(".briefing-since-ep li")).ToHaveCountAsync(2);
        await Assertions.Expect(door.Locator(".briefing-count")).ToHaveTextAsync("5 statements on this topic in the period.");
        await Assertions.Expect(door.Locator(".briefing-spoke-first")).ToHaveTextAsync("NATO spoke first, on 4 April 2023; the European Parliament on 5 April 2023.");
        await Assertions.Expect(door.Locator("svg.sparkline")).ToBeVisibleAsync();

        // The figure table: the change 30 → 31 → 32 and the conflict, both values shown with their sentences.
        var allies = page.Locator("#briefing-figures-table tr[data-figure='allies-count']");
        await Assertions.Expect(allies.Locator(".briefing-history-line")).ToHaveTextAsync("30 → 31 → 32");
        var conflict = allies.Locator(".briefing-conflict");
        await Assertions.Expect(conflict).ToContainTextAsync("32 on 7 March 2024");
        await Assertions.Expect(conflict).ToContainTextAsync("31 on 9 March 2024");
        await Assertions.Expect(conflict.Locator($"a[href='statement.html?id={_ids["sweden"]}']")).ToBeVisibleAsync();

        await AxeCheck.AssertNoViolationsAsync(page, "briefing.html");
        var file = Path.Combine(Artifacts.Directory, "briefing-desktop.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        output.WriteLine($"briefing.html: {file}");
        Assert.True(new FileInfo(file).Length > 1000, $"{file} is (nearly) empty");

        // A date range: March 2024 only. The page, its address and its exports follow.
        await page.Locator("input[name='period'][value='range']").CheckAsync();
        await page.Locator("#briefing-from").FillAsync("2024-03-01");
        await page.Locator("#briefing-to").FillAsync("2024-03-31");
        await page.Locator("#briefing-apply").ClickAsync();
        await Assertions.Expect(page.Locator("#briefing-period-line")).ToHaveTextAsync("From 1 March 2024 to 1 April 2024.");
        await Assertions.Expect(door.Locator(".briefing-count")).ToHaveTextAsync("2 statements on this topic in the period.");
        await Assertions.Expect(allies.Locator(".briefing-history-line")).ToHaveTextAsync("30 → 32 → 31");
        Assert.EndsWith("briefing.html?from=2024-03-01&to=2024-03-31", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#briefing-md")).ToHaveAttributeAsync("href", "api/briefing.md?from=2024-03-01&to=2024-03-31");

        // The last 7 days: nothing was said.
        await page.Locator("input[name='period'][value='7d']").CheckAsync();
        await Assertions.Expect(door.Locator(".briefing-count")).ToHaveTextAsync("No statement on this topic in the period.");
        await Assertions.Expect(allies.Locator("td").Nth(1)).ToHaveTextAsync("not stated in the period");

        // A statement's link opens its page.
        await page.Locator("input[name='period'][value='baseline']").CheckAsync();
        await Assertions.Expect(door.Locator(".briefing-count")).ToHaveTextAsync("5 statements on this topic in the period.");
        // A pointer click on the quote (a <q> inside the link took the click on the list item instead: the quote is the link's text).
        await finland.ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/statement\\.html\\?id=" + _ids["finland"].ToString(CultureInfo.InvariantCulture) + "$"));
        await Assertions.Expect(page.Locator("#statement-title")).ToHaveTextAsync("finland title");
        watch.AssertNoProblems("briefing.html");
        }

    [Fact]
    public async Task On_a_phone_the_page_fits_its_width_and_a_screenshot_is_kept()
    {
        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress, DashboardFixture.Phone);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("briefing.html", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.Locator("#briefing-figures-table tbody tr")).ToHaveCountAsync(8);

        var file = Path.Combine(Artifacts.Directory, "briefing-phone.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        output.WriteLine($"briefing.html at {DashboardFixture.Phone.Width} px: {file}");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"briefing.html at {DashboardFixture.Phone.Width} px scrolls sideways by {overflow} px");
        await AxeCheck.AssertNoViolationsAsync(page, "briefing.html (phone)");
        watch.AssertNoProblems("briefing.html (phone)");
    }
}
