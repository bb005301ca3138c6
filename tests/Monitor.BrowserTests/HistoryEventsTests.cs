using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Statements;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>
/// history.html's events view and entity facets in Chromium on the embedded dashboard: a NATO and a European
/// Parliament statement on the same story and an unrelated NATO one are stored (Persistence finds the entities they
/// name), the embedded Tagging worker clusters them, and the page lists the most named entities, filters by one when
/// it is chosen, lists events instead of statements under the same filters (and "both institutions"), links to the event
/// page, which lists the event's entities; axe on the events view.
/// </summary>
public sealed class HistoryEventsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-10);
    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _eventOf = new(StringComparer.Ordinal);
    private EmbeddedDashboard _dashboard = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _dashboard = await EmbeddedDashboard.StartAsync(
            configure: environment => environment["Tagging__Retag"] = "false",
            prepare: async path =>
            {
                await using var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={path}" });
                await new Monitor.Data.Migrations.Migrator(database).MigrateAsync();
                var store = new StatementStore(database);
                async Task Save(string name, string source, DateTimeOffset at, string title, string summary)
                {
                    var tagged = new StatementTagged(
                        new StatementDiscovered(source, name, $"https://example.org/{source}/{name}", title, summary, "", at, "en", $"hash-{name}", at),
                        [new TopicScore("sanctions", 0.9, [new TopicEvidence("sanctions", "body", 0, 4)])],
                        "history-events-test",
                        at);
                    _ids[name] = (await store.StoreAsync(tagged, at) ?? throw new InvalidOperationException($"{name} was not stored")).StatementId;
                }

                // The texts of EventPageTests, which the clusterer puts in one event (NATO and EP) and one of its own.
                await Save("nato", "nato-news", Day.AddHours(10), "Allies agree new measures to enforce sanctions against Russia",
                    "NATO Allies agreed new measures to enforce sanctions against Russia over its war against Ukraine.");
                await Save("ep", "ep-press", Day.AddDays(1).AddHours(9), "Parliament backs new measures to enforce sanctions against Russia",
                    "The European Parliament backed new measures to enforce sanctions against Russia over its war against Ukraine.");
                await Save("other", "nato-news", Day.AddDays(1).AddHours(11), "Secretary General visits Japan",
                    "The Secretary General met the Prime Minister of Japan in Tokyo to discuss cooperation on space and cyber defence.");
            });

        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };
        var deadline = DateTimeOffset.UtcNow.AddSeconds(120);
        while (_eventOf.Count < _ids.Count)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the seeded statements were not put in events within 120 s (in events: {string.Join(", ", _eventOf.Keys)})");
            await Task.Delay(250);
            foreach (var (name, id) in _ids)
            {
                using var detail = JsonDocument.Parse(await http.GetStringAsync($"/api/statements/{id}"));
                if (detail.RootElement.GetProperty("eventId") is { ValueKind: JsonValueKind.Number } eventId)
                {
                    _eventOf[name] = eventId.GetInt64();
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _dashboard.DisposeAsync();
    }

    [Fact]
    public async Task Facets_filter_the_list_and_the_events_view_lists_events_under_the_same_filters_with_links_to_the_event_page()
    {
        Assert.Equal(_eventOf["nato"], _eventOf["ep"]);
        Assert.NotEqual(_eventOf["nato"], _eventOf["other"]);
        var (story, japan) = (Id(_eventOf["nato"]), Id(_eventOf["other"]));

        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("history.html", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        // The facets: what the three statements name, with counts.
        await Assertions.Expect(page.Locator("#facets-list button.facet[data-entity-id='russia'] .facet-count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#facets-list button.facet[data-entity-id='japan']")).ToContainTextAsync("Japan");
        await Assertions.Expect(page.Locator("#results > li.statement")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#facets-list button.facet[data-entity-id='russia']")).ToHaveAccessibleNameAsync("Russia 2 statements");
        await AxeCheck.AssertNoViolationsAsync(page, "history.html (facets)");

        // Choosing a facet filters the list: only the statement naming Japan, and the filter shows as a chip.
        await page.Locator("#facets-list button.facet[data-entity-id='japan']").ClickAsync();
        await Assertions.Expect(page.Locator("#results > li.statement")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"#results > li.statement[data-statement-id='{Id(_ids["other"])}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#entity-chips button.entity-chip[data-entity-id='japan']")).ToHaveAccessibleNameAsync("Remove the filter: Japan ×");
        Assert.Contains("entity=japan", page.Url, StringComparison.Ordinal);
        // The chosen entity is no longer offered; the others of the filtered statements are.
        await Assertions.Expect(page.Locator("#facets-list button.facet[data-entity-id='japan']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#facets-list button.facet[data-entity-id='russia']")).ToHaveCountAsync(0);

        // Events instead of statements, under the same filter: the Japan visit's event.
        await page.GetByLabel("Events", new() { Exact = true }).CheckAsync();
        var rows = page.Locator("#events > li.event-row");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-event-id", japan);
        await Assertions.Expect(rows.First.Locator("a.event-link")).ToHaveAttributeAsync("href", $"event.html?id={japan}");
        await Assertions.Expect(rows.First).ToContainTextAsync("1 statement (NATO 1, EP 0)");
        await Assertions.Expect(page.Locator("#results")).ToBeHiddenAsync();
        Assert.Contains("view=events", page.Url, StringComparison.Ordinal);
        await AxeCheck.AssertNoViolationsAsync(page, "history.html (events view, entity filter)");

        // Removing the entity filter lists both events; "both institutions" keeps the story NATO and the EP spoke on.
        await page.Locator("#entity-chips button.entity-chip[data-entity-id='japan']").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(new[] { japan, story }.Order(StringComparer.Ordinal), (await rows.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.eventId)")).Order(StringComparer.Ordinal));
        await page.Locator("#institution").SelectOptionAsync("both");
        await page.Locator("form#history-form button[type='submit']").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-event-id", story);
        await Assertions.Expect(rows.First).ToContainTextAsync("2 statements (NATO 1, EP 1)");
        await Assertions.Expect(rows.First.Locator(".badge")).ToHaveTextAsync(["NATO", "EP"]);
        var file = Path.Combine(Artifacts.Directory, "history-events.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        output.WriteLine($"history.html events view: {file}");

        // A facet in the events view filters the events: Japan is named in no event NATO and the EP both spoke on.
        await page.Locator("#facets-list button.facet[data-entity-id='japan']").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#results-status")).ToHaveTextAsync("No event matches. Try fewer words or filters.");
        await page.GoBackAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);

        // The event page lists the entities its statements name, each a link to the history filtered by it.
        await rows.First.Locator("a.event-link").ClickAsync();
        await page.WaitForURLAsync(new Regex($"/event\\.html\\?id={story}$"));
        var russia = page.Locator("#event-entities li[data-entity-id='russia']");
        await Assertions.Expect(russia).ToContainTextAsync("Russia (country, 2 statements)");
        await Assertions.Expect(russia.Locator("a")).ToHaveAttributeAsync("href", "history.html?entity=russia");
        await Assertions.Expect(page.Locator("#event-entities li[data-entity-id='japan']")).ToHaveCountAsync(0);
        await AxeCheck.AssertNoViolationsAsync(page, "event.html (entities)");
        watch.AssertNoProblems("history.html events view and facets");
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
