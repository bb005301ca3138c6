using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>
/// Issue 17's "both institutions" alert in Chromium on the embedded dashboard (SQLite, every worker in one process, the
/// semantic layer on as by default): sign in, make an event subscription on sanctions with the form (and edit it), then
/// a NATO feed and an EP feed each publish a statement on the same story; the embedded Tagging worker tags and clusters
/// them, the Alerts consumer raises the alert, and it arrives in the open inbox linking to its event page. axe checks the
/// subscriptions page with the event part of the form shown.
/// </summary>
public sealed partial class EventAlertTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private FeedServer _epFeed = null!;
    private EmbeddedDashboard _dashboard = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _epFeed = await FeedServer.StartAsync();
        // Two sources named as the institutions are told apart (by their id's prefix): the embedded feed is NATO's.
        _dashboard = await EmbeddedDashboard.StartAsync(configure: environment =>
        {
            environment["Ingestion__Sources__0__Id"] = "nato-test";
            environment["Ingestion__Sources__1__Id"] = "ep-test";
            environment["Ingestion__Sources__1__Url"] = _epFeed.FeedUrl.ToString();
            environment["Ingestion__Sources__1__PollIntervalSeconds"] = "1";
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
    public async Task An_event_subscription_made_in_the_form_alerts_in_the_inbox_when_NATO_and_the_EP_speak_on_one_story()
    {
        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await SignInAsync(page);

        // The kind in the form: the statement filters go, the event part comes.
        await page.GotoAsync("subscriptions.html", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        var form = page.Locator("form#subscription-form");
        await form.Locator("[name=name]").FillAsync("NATO and EP on sanctions");
        await form.Locator("input[name=kind][value=event]").CheckAsync();
        await Assertions.Expect(form.Locator("#statement-fields")).ToBeHiddenAsync();
        await Assertions.Expect(form.Locator("#topic-match-fields")).ToBeHiddenAsync();
        await Assertions.Expect(form.Locator("#spike-fields")).ToBeHiddenAsync();
        await Assertions.Expect(form.Locator("#event-fields")).ToBeVisibleAsync();
        await form.Locator("#sub-topics input[value='sanctions']").CheckAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "subscriptions.html (an event subscription in the form)");
        await form.Locator("button[type=submit]").ClickAsync();

        var card = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = "NATO and EP on sanctions" });
        var error = page.Locator("#subscription-error:visible");
        await Assertions.Expect(card.Or(error)).ToBeVisibleAsync();
        if (await error.IsVisibleAsync())
        {
            Assert.Fail($"the form answered: {await error.TextContentAsync()}; {string.Join("; ", watch.Problems)}");
        }

        await Assertions.Expect(card.Locator(".card-flags .badge").First).ToHaveTextAsync("Event");
        await Assertions.Expect(card).ToContainTextAsync("once when NATO and the EP have both spoken on an event on");

        // Edited in the form: it opens as an event subscription on sanctions; history added, saved, the card says so.
        await card.Locator("button.edit").ClickAsync();
        await Assertions.Expect(form.Locator("input[name=kind][value=event]")).ToBeCheckedAsync();
        await Assertions.Expect(form.Locator("#sub-topics input[value='sanctions']")).ToBeCheckedAsync();
        await Assertions.Expect(form.Locator("#event-fields")).ToBeVisibleAsync();
        await Assertions.Expect(form.Locator("#statement-fields")).ToBeHiddenAsync();
        await form.Locator("#sub-event-history").CheckAsync();
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card).ToContainTextAsync("events of history too");
        await Assertions.Expect(page.Locator("#form-heading")).ToHaveTextAsync("New subscription");
        await AxeCheck.AssertNoViolationsAsync(page, "subscriptions.html (with an event subscription)");

        // The inbox, open and live, before the statements exist.
        await page.GotoAsync("alerts.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(60));
        await Assertions.Expect(page.Locator("#inbox > li.alert")).ToHaveCountAsync(0);

        // The same story from both institutions (texts the clusterer puts together: EventPageTests).
        _dashboard.Feed.Add(new TestFeedItem("nato-sanctions", "Allies agree new measures to enforce sanctions against Russia",
            "NATO Allies agreed new measures to enforce sanctions against Russia over its war against Ukraine.", Now.AddHours(-3)));
        _epFeed.Add(new TestFeedItem("ep-sanctions", "Parliament backs new measures to enforce sanctions against Russia",
            "The European Parliament backed new measures to enforce sanctions against Russia over its war against Ukraine.", Now.AddHours(-2)));

        var started = Stopwatch.StartNew();
        var alert = page.Locator("#inbox > li.alert[data-kind='event']");
        await Assertions.Expect(alert).ToHaveCountAsync(1, new() { Timeout = 150_000 });
        output.WriteLine($"the event alert was in the inbox {started.Elapsed.TotalSeconds:0.0} s after the feeds had both items");
        var link = alert.Locator("a.alert-link");
        await Assertions.Expect(link).ToHaveTextAsync(new Regex("^NATO and the EP on: (Allies agree|Parliament backs) new measures to enforce sanctions against Russia$"));
        var href = await link.GetAttributeAsync("href") ?? "";
        Assert.Matches(@"^event\.html\?id=\d+$", href);
        await Assertions.Expect(alert.Locator(".alert-subscription")).ToHaveTextAsync("NATO and EP on sanctions");
        await Assertions.Expect(alert.Locator(".chip[data-topic-id='sanctions']")).ToBeVisibleAsync();
        // Institutions in the order they first spoke: here the same day, so the one stored first (the feeds race).
        await Assertions.Expect(alert.Locator(".alert-detail dd").First).ToHaveTextAsync(new Regex("^(NATO, EP|EP, NATO)$"));
        await Assertions.Expect(alert.Locator(".alert-detail")).ToContainTextAsync("statements in the event2");

        // The link's event is the one both statements are in.
        var eventId = long.Parse(href["event.html?id=".Length..], CultureInfo.InvariantCulture);
        Assert.Equal([eventId, eventId], await EventsOfStatementsAsync(page));

        await link.ClickAsync();
        await page.WaitForURLAsync(new Regex($"/event\\.html\\?id={eventId}$"));
        await Assertions.Expect(page.Locator("#event-timeline > li.event-member")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#event-timeline > li.lane-nato")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#event-timeline > li.lane-ep")).ToHaveCountAsync(1);

        // Once per event: later rounds of clustering and a reload leave one alert.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await page.GotoAsync("alerts.html", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.Locator("#inbox > li.alert[data-kind='event']")).ToHaveCountAsync(1);
        watch.AssertNoProblems("subscriptions, inbox, event page");
    }

    /// <summary>The event of each stored statement (GET api/statements, then api/statements/{id}).</summary>
    private static async Task<List<long>> EventsOfStatementsAsync(IPage page)
    {
        var list = await page.APIRequest.GetAsync("api/statements?limit=10");
        Assert.True(list.Ok, $"GET api/statements answered {list.Status}");
        using var statements = JsonDocument.Parse(await list.TextAsync());
        var events = new List<long>();
        foreach (var statement in statements.RootElement.EnumerateArray())
        {
            var detail = await page.APIRequest.GetAsync($"api/statements/{statement.GetProperty("statementId").GetInt64()}");
            using var json = JsonDocument.Parse(await detail.TextAsync());
            events.Add(json.RootElement.GetProperty("eventId").GetInt64());
        }

        return events;
    }

    private async Task SignInAsync(IPage page)
    {
        string? password = null;
        for (var waited = Stopwatch.StartNew(); password is null && waited.Elapsed < TimeSpan.FromSeconds(15); await Task.Delay(100))
        {
            var line = FirstAdminLine().Match(_dashboard.Process.Output);
            password = line.Success ? line.Groups["password"].Value : null;
        }

        Assert.True(password is not null, $"the dashboard's log named no first administrator:\n{_dashboard.Process.Output}");
        await page.GotoAsync("signin.html?returnUrl=%2Fsubscriptions.html");
        await SignInForm.SubmitAsync(page, DashboardFixture.AdminUserName, password);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/subscriptions\.html$"));
    }

    [GeneratedRegex("Created the first administrator \"?admin\"? with password \"?(?<password>[^\\s\"]+?)\"?; sign in and change it")]
    private static partial Regex FirstAdminLine();
}
