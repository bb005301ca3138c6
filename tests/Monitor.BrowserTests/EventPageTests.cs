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
/// The event page in Chromium on the embedded dashboard: a NATO and a European Parliament statement on the same story
/// (and an unrelated NATO one) are stored, the embedded Tagging worker clusters them (semantic layer on, as by
/// default), and the page shows the event's two lanes, who spoke first, its topic and links both ways with the
/// statement page; axe in both schemes; an unknown id gets a clear message.
/// </summary>
public sealed partial class EventPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-10);
    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _eventOf = new(StringComparer.Ordinal);
    private EmbeddedDashboard _dashboard = null!;
    private string _sqlitePath = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _dashboard = await EmbeddedDashboard.StartAsync(
            configure: environment => environment["Tagging__Retag"] = "false", // the seeded topics stay the test's
            prepare: async path =>
            {
                _sqlitePath = path;
                await using var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={path}" });
                await new Monitor.Data.Migrations.Migrator(database).MigrateAsync();
                var store = new StatementStore(database);
                async Task Save(string name, string source, DateTimeOffset at, string title, string summary, FigureValue? figure = null)
                {
                    var tagged = new StatementTagged(
                        new StatementDiscovered(source, name, $"https://example.org/{source}/{name}", title, summary, "", at, "en", $"hash-{name}", at),
                        [new TopicScore("sanctions", 0.9, [new TopicEvidence("sanctions", "body", 0, 4)])],
                        "event-page-test",
                        at)
                    {
                        Figures = figure is null ? [] : [figure],
                    };
                    _ids[name] = (await store.StoreAsync(tagged, at) ?? throw new InvalidOperationException($"{name} was not stored")).StatementId;
                }

                await Save("nato", "nato-news", Day.AddHours(10), "Allies agree new measures to enforce sanctions against Russia",
                    "NATO Allies agreed new measures to enforce sanctions against Russia over its war against Ukraine. Brief.",
                    new FigureValue("allies-count", 32, 32, false, "32 Allies", "body", 0));
                await Save("ep", "ep-press", Day.AddDays(1).AddHours(9), "Parliament backs new measures to enforce sanctions against Russia",
                    "The European Parliament backed new measures to enforce sanctions against Russia over its war against Ukraine.",
                    new FigureValue("allies-count", 33, 32, true, "33 Allies", "body", 0));
                await Save("other", "nato-news", Day.AddDays(1).AddHours(11), "Secretary General visits Japan",
                    "The Secretary General met the Prime Minister of Japan in Tokyo to discuss cooperation on space and cyber defence.");
            });

        // The embedded Tagging worker clusters the stored statements: wait until all three are in an event.
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
    public async Task The_event_shows_both_lanes_in_date_order_who_spoke_first_its_topic_and_links_to_and_from_its_statements()
    {
        Assert.Equal(_eventOf["nato"], _eventOf["ep"]);
        Assert.NotEqual(_eventOf["nato"], _eventOf["other"]);
        var eventId = _eventOf["nato"].ToString(CultureInfo.InvariantCulture);
        var (nato, ep) = (_ids["nato"].ToString(CultureInfo.InvariantCulture), _ids["ep"].ToString(CultureInfo.InvariantCulture));

        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync($"event.html?id={eventId}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        // The title is its first statement's; both institutions, NATO first; the days from the NATO day to the EP day.
        await Assertions.Expect(page.Locator("#event-title")).ToHaveTextAsync("Allies agree new measures to enforce sanctions against Russia");
        await Assertions.Expect(page.Locator("#event-facts")).ToContainTextAsync("NATO, then European Parliament");
        await Assertions.Expect(page.Locator("#event-facts time")).ToHaveCountAsync(2);
        Assert.Equal(
            [Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
            await page.Locator("#event-facts time").EvaluateAllAsync<string[]>("times => times.map(t => t.getAttribute('datetime'))"));
        await Assertions.Expect(page.Locator("#event-merged")).ToBeHiddenAsync();

        // The timeline: two statements in date order, NATO's in the left lane, the EP's in the right, each linked, each with its reason.
        var members = page.Locator("#event-timeline > li.event-member");
        await Assertions.Expect(members).ToHaveCountAsync(2);
        Assert.Equal([nato, ep], await members.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.statementId)"));
        var natoItem = page.Locator($"#event-timeline > li.lane-nato[data-statement-id='{nato}']");
        var epItem = page.Locator($"#event-timeline > li.lane-ep[data-statement-id='{ep}']");
        await Assertions.Expect(natoItem.Locator("a.member-link")).ToHaveAttributeAsync("href", $"statement.html?id={nato}");
        await Assertions.Expect(epItem.Locator("a.member-link")).ToHaveAttributeAsync("href", $"statement.html?id={ep}");
        await Assertions.Expect(natoItem.Locator(".member-reason")).ToHaveTextAsync("Why: first statement");
        await Assertions.Expect(epItem.Locator(".member-reason")).ToHaveTextAsync(Reason());
        var natoBox = await natoItem.BoundingBoxAsync();
        var epBox = await epItem.BoundingBoxAsync();
        Assert.True(natoBox!.X + natoBox.Width <= epBox!.X, $"the lanes are not side by side: NATO at x {natoBox.X}, EP at x {epBox.X}");
        Assert.True(natoBox.Y < epBox.Y, "the EP statement (a day later) is not below NATO's");

        // Each institution's key sentence side by side (the one-word sentence "Brief." is too short to be one), and the
        // figure the two statements state, the EP's marked as a change from NATO's.
        await Assertions.Expect(natoItem.Locator("q.member-key")).ToHaveTextAsync("NATO Allies agreed new measures to enforce sanctions against Russia over its war against Ukraine.");
        var words = page.Locator("#event-words .words-column");
        Assert.Equal(["NATO", "EP"], await words.EvaluateAllAsync<string[]>("columns => columns.map(c => c.dataset.institution)"));
        await Assertions.Expect(page.Locator("#event-words [data-institution='EP'] blockquote"))
            .ToHaveTextAsync("The European Parliament backed new measures to enforce sanctions against Russia over its war against Ukraine.");
        await Assertions.Expect(page.Locator("#event-words [data-institution='EP'] .key-source a")).ToHaveAttributeAsync("href", $"statement.html?id={ep}");
        var natoWords = await page.Locator("#event-words [data-institution='NATO']").BoundingBoxAsync();
        var epWords = await page.Locator("#event-words [data-institution='EP']").BoundingBoxAsync();
        Assert.True(natoWords!.X + natoWords.Width <= epWords!.X && Math.Abs(natoWords.Y - epWords.Y) < 1, "the key sentences are not side by side");
        await Assertions.Expect(page.Locator("#figures-section")).ToBeVisibleAsync();
        var figureRows = page.Locator("#event-figures tr[data-figure-id='allies-count']");
        await Assertions.Expect(figureRows).ToHaveCountAsync(2);
        Assert.Equal([nato, ep], await figureRows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.statementId)"));
        await Assertions.Expect(figureRows.Nth(0).Locator(".figure-change")).ToHaveTextAsync("—");
        await Assertions.Expect(figureRows.Nth(1).Locator(".figure-change")).ToHaveTextAsync("changed from the previous statement");
        await Assertions.Expect(figureRows.Nth(1).Locator(".figure-value")).ToContainTextAsync("33");

        // Who spoke first, per institution; the topic with its count.
        await Assertions.Expect(page.Locator("#event-first li[data-institution='NATO'] a")).ToHaveAttributeAsync("href", $"statement.html?id={nato}");
        await Assertions.Expect(page.Locator("#event-first li[data-institution='EP'] a")).ToHaveAttributeAsync("href", $"statement.html?id={ep}");
        await Assertions.Expect(page.Locator("#event-first li").First).ToHaveAttributeAsync("data-institution", "NATO");
        await Assertions.Expect(page.Locator("#event-topics li[data-topic-id='sanctions']")).ToContainTextAsync("(2 statements)");

        await AxeCheck.AssertNoViolationsAsync(page, "event.html");
        var file = Path.Combine(Artifacts.Directory, "event-two-lanes.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        output.WriteLine($"event.html: {file}");

        // On a phone one column, nothing scrolling sideways.
        await page.SetViewportSizeAsync(DashboardFixture.Phone.Width, DashboardFixture.Phone.Height);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"event.html at {DashboardFixture.Phone.Width} px scrolls sideways by {overflow} px");
        Assert.True((await natoItem.BoundingBoxAsync())!.Width > DashboardFixture.Phone.Width / 2, "on a phone the timeline is not one column");
        await page.SetViewportSizeAsync(DashboardFixture.Desktop.Width, DashboardFixture.Desktop.Height);

        // To the EP statement's page, which links back to its event by title.
        await epItem.Locator("a.member-link").ClickAsync();
        await page.WaitForURLAsync(new Regex($"/statement\\.html\\?id={ep}$"));
        var back = page.Locator("a.statement-event-link");
        await Assertions.Expect(back).ToHaveTextAsync("Event: Allies agree new measures to enforce sanctions against Russia");
        await Assertions.Expect(back).ToHaveAttributeAsync("href", $"event.html?id={eventId}");
        await back.ClickAsync();
        await page.WaitForURLAsync(new Regex($"/event\\.html\\?id={eventId}$"));
        await Assertions.Expect(page.Locator("#event-timeline > li.event-member")).ToHaveCountAsync(2);

        // The unrelated statement is its own event, NATO only.
        await page.GotoAsync($"event.html?id={_eventOf["other"]}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.Locator("#event-title")).ToHaveTextAsync("Secretary General visits Japan");
        await Assertions.Expect(page.Locator("#event-timeline > li.event-member")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#event-first li")).ToHaveCountAsync(1);
        watch.AssertNoProblems("event.html");
    }

    [Fact]
    public async Task A_merged_away_id_shows_the_kept_event_with_a_note_and_the_kept_event_lists_the_merge()
    {
        // A merge the clusterer would write (docs/events.md): the merged event's row stays, marked merged_into the kept
        // one, with its history row. Written here into the dashboard's SQLite file, as a merge of the NATO statement's
        // event with an event 900001 bridged by the EP statement.
        var kept = _eventOf["nato"];
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={_sqlitePath}" }))
        await using (var connection = await database.OpenAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                INSERT INTO events (id, first_day, last_day, title, institutions, members, nato_members, ep_members, created_at, updated_at, merged_into)
                VALUES (900001, {DateOnly.FromDateTime(Day.UtcDateTime).DayNumber}, {DateOnly.FromDateTime(Day.UtcDateTime).DayNumber}, 'merged away', 'EP', 0, 0, 0, {at}, {at}, {kept});
                INSERT INTO event_merges (merged_id, kept_id, statement_id, reason, merged_at)
                VALUES (900001, {kept}, {_ids["ep"]}, 'event 900001 merged: statement {_ids["ep"]} bridges it', {at});
                """;
            await command.ExecuteNonQueryAsync();
        }

        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("event.html?id=900001", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        await Assertions.Expect(page.Locator("#event-title")).ToHaveTextAsync("Allies agree new measures to enforce sanctions against Russia");
        await Assertions.Expect(page.Locator("#event-merged")).ToHaveTextAsync(
            $"Event 900001 was merged into this one (event {kept}): a later statement bridged the two stories.");
        await Assertions.Expect(page.Locator("#event-timeline > li.event-member")).ToHaveCountAsync(2);
        var merge = page.Locator("#event-merges li[data-merged-id='900001']");
        await Assertions.Expect(merge).ToContainTextAsync($"event 900001 merged: statement {_ids["ep"]} bridges it");
        await Assertions.Expect(merge.Locator("a")).ToHaveAttributeAsync("href", $"statement.html?id={_ids["ep"]}");
        await AxeCheck.AssertNoViolationsAsync(page, "event.html (merged id)");
        watch.AssertNoProblems("event.html (merged id)");
    }

    [Fact]
    public async Task An_unknown_or_malformed_event_id_gets_a_clear_message()
    {
        await using var context = await DashboardFixture.NewContextAsync(_browser, _dashboard.BaseAddress);
        var page = (await PageWatch.OpenAsync(context)).Page;

        await page.GotoAsync("event.html?id=987654321", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.Locator("#event-title")).ToHaveTextAsync("No such event");
        await Assertions.Expect(page.Locator("#event-status")).ToHaveTextAsync("There is no event 987654321.");
        await Assertions.Expect(page.Locator("#event-content")).ToBeHiddenAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "event.html (unknown id)");

        await page.GotoAsync("event.html?id=abc", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.Locator("#event-status")).ToHaveTextAsync("“abc” is not an event id.");
    }

    [GeneratedRegex("^Why: .+$")]
    private static partial Regex Reason();
}
