using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>
/// The live view's event chips in Chromium on the embedded dashboard (its Tagging worker clusters, semantic layer on as
/// by default): a NATO statement arrives, then its chip ("Event · 1 statement · NATO", New event) appears in place and
/// links to its event page; an EP statement on the same story joins that event, and both chips show two statements,
/// NATO + EP. The chips survive a reload (the list carries each statement's event); axe in both schemes.
/// </summary>
public sealed partial class LiveEventChipTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private EmbeddedDashboard _dashboard = null!;
    private FeedServer _epFeed = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _epFeed = await FeedServer.StartAsync();
        // The embedded test feed becomes a NATO source (institutions come from the source id's prefix), beside an EP one.
        _dashboard = await EmbeddedDashboard.StartAsync(configure: environment =>
        {
            environment["Ingestion__Sources__0__Id"] = "nato-test";
            environment.WithSource(1, "ep-test", _epFeed.FeedUrl);
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _dashboard.DisposeAsync();
        await _epFeed.DisposeAsync();
    }

    [Fact]
    public async Task A_statement_gets_its_event_chip_in_place_a_first_one_is_marked_new_and_the_chip_links_to_its_event()
    {
        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(60));

        // The NATO statement arrives first, without a chip: it is stored before it is clustered.
        _dashboard.Feed.Add(new TestFeedItem("nato-1", "Allies agree new measures to enforce sanctions against Russia",
            "NATO Allies agreed new measures to enforce sanctions against Russia over its war against Ukraine.", Now.AddHours(-2)));
        var nato = await LivePage.WaitForArrivalAsync(page, "Allies agree new measures", TimeSpan.FromSeconds(60));
        var natoItem = Item(page, nato.StatementId);

        // Seconds later the StatementsGrouped push draws its chip in the same card: a link with a clear name, and the
        // "New event" mark in words.
        var natoChip = natoItem.Locator(".event-line a.event-chip");
        await Assertions.Expect(natoChip).ToBeVisibleAsync(new() { Timeout = 120_000 });
        var eventId = await EventIdAsync(nato.StatementId);
        await Assertions.Expect(natoChip).ToHaveAttributeAsync("href", $"event.html?id={eventId.ToString(CultureInfo.InvariantCulture)}");
        await Assertions.Expect(natoChip).ToHaveTextAsync("Event · 1 statement · NATO");
        await Assertions.Expect(natoChip).ToHaveAccessibleNameAsync("Event · 1 statement · NATO — Allies agree new measures to enforce sanctions against Russia");
        await Assertions.Expect(natoItem.Locator(".event-line .event-new")).ToHaveTextAsync("New event");
        Assert.Equal(1, await page.Locator("li.statement").CountAsync()); // updated in place, not added again

        // The EP statement on the same story joins that event: its chip is not new, and the NATO card's chip is re-counted.
        _epFeed.Add(new TestFeedItem("ep-1", "Parliament backs new measures to enforce sanctions against Russia",
            "The European Parliament backed new measures to enforce sanctions against Russia over its war against Ukraine.", Now.AddHours(-1)));
        var ep = await LivePage.WaitForArrivalAsync(page, "Parliament backs new measures", TimeSpan.FromSeconds(60));
        var epItem = Item(page, ep.StatementId);
        var epChip = epItem.Locator(".event-line a.event-chip");
        await Assertions.Expect(epChip).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.Equal(eventId, await EventIdAsync(ep.StatementId));
        await Assertions.Expect(epChip).ToHaveTextAsync(new Regex("^Event · 2 statements · NATO \\+ EP$"));
        await Assertions.Expect(epItem.Locator(".event-new")).ToHaveCountAsync(0);
        await Assertions.Expect(natoChip).ToHaveTextAsync(new Regex("^Event · 2 statements · NATO \\+ EP$"));
        await Assertions.Expect(natoItem.Locator(".event-new")).ToHaveTextAsync("New event");

        await AxeCheck.AssertNoViolationsAsync(page, "index.html with event chips");
        var file = Path.Combine(Artifacts.Directory, "live-event-chips.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        output.WriteLine($"index.html with event chips: {file}");

        // After a reload the chips come with the list.
        await page.ReloadAsync();
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        await Assertions.Expect(natoChip).ToHaveTextAsync(new Regex("^Event · 2 statements · NATO \\+ EP$"));
        await Assertions.Expect(natoItem.Locator(".event-new")).ToHaveTextAsync("New event");
        await Assertions.Expect(epChip).ToHaveTextAsync(new Regex("^Event · 2 statements · NATO \\+ EP$"));

        // The chip leads to its event page.
        await epChip.ClickAsync();
        await page.WaitForURLAsync(new Regex($"/event\\.html\\?id={eventId}$"));
        await Assertions.Expect(page.Locator("#event-title")).ToHaveTextAsync("Allies agree new measures to enforce sanctions against Russia");
        await Assertions.Expect(page.Locator("#event-timeline > li.event-member")).ToHaveCountAsync(2);
        watch.AssertNoProblems("index.html with event chips");
    }

    private static ILocator Item(IPage page, long statementId) =>
        page.Locator($"#statements > li.statement[data-statement-id='{statementId.ToString(CultureInfo.InvariantCulture)}']");

    private async Task<long> EventIdAsync(long statementId)
    {
        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };
        using var detail = JsonDocument.Parse(await http.GetStringAsync($"/api/statements/{statementId}"));
        return detail.RootElement.GetProperty("eventId").GetInt64();
    }
}
