using System.Globalization;
using Microsoft.Playwright;
using Monitor.Contracts;
using Monitor.Core.Statements;
using Monitor.Data;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.BrowserTests;

/// <summary>
/// The statement page's language links in Chromium on the embedded dashboard: an EP press release read from its English,
/// French and German feeds (on 127.0.0.1) is one statement whose page offers "Also in: Deutsch · Français", the reader's
/// language (the browser's locale, navigator.languages) first, each link marked with its language; a press release only
/// in French says why it is not tagged; axe finds nothing.
/// </summary>
public sealed class StatementLanguagesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private EpLanguageFeeds _feeds = null!;
    private EmbeddedDashboard _dashboard = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private long _euChina;
    private long _moldova;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _feeds = await EpLanguageFeeds.StartAsync(localLinks: true);
        _dashboard = await EmbeddedDashboard.StartAsync(
            configure: environment => environment["Tagging__Retag"] = "false", // the seeded topics stay the test's
            prepare: async path =>
            {
                await using var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={path}" });
                await new Monitor.Data.Migrations.Migrator(database).MigrateAsync();
                var store = new StatementStore(database);
                foreach (var (source, feed) in new[] { ("ep-press-releases", "en"), ("ep-press-releases-fr", "fr"), ("ep-press-releases-de", "de") })
                {
                    foreach (var item in await _feeds.ReadAsync(source, feed, At))
                    {
                        // As Tagging does: English text is tagged, another language is not.
                        var topics = StatementLanguage.IsTagged(item.Language)
                            ? new[] { new TopicScore("sanctions", 0.6, [new TopicEvidence("EU-China", "title", 16, 8)]) }
                            : [];
                        await store.StoreAsync(new StatementTagged(item, topics, "languages-test", At), At);
                    }
                }

                var latest = await store.GetLatestAsync(20);
                _euChina = latest.Single(s => s.ExternalId == "20260716IPR46531").StatementId;
                _moldova = latest.Single(s => s.ExternalId == "20261204IPR50230").StatementId;
            });
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        await _feeds.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Theory]
    [InlineData("de-DE", new[] { "de", "fr" }, "Deutsch")]
    [InlineData("fr-FR", new[] { "fr", "de" }, "Français")]
    [InlineData("en-GB", new[] { "de", "fr" }, null)]
    public async Task The_statement_page_offers_its_other_languages_with_the_readers_first(string locale, string[] order, string? readerLink)
    {
        await using var context = await NewContextAsync(locale);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync($"statement.html?id={_euChina.ToString(CultureInfo.InvariantCulture)}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        var nav = page.Locator("#statement-languages");
        await Assertions.Expect(nav).ToBeVisibleAsync();
        await Assertions.Expect(nav).ToHaveAttributeAsync("aria-label", "This statement in other languages");
        await Assertions.Expect(nav.Locator(".languages-label")).ToHaveTextAsync("Also in:");
        var links = nav.Locator("a.language-link");
        await Assertions.Expect(links).ToHaveCountAsync(2);
        Assert.Equal(order, await links.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('lang'))"));
        Assert.Equal(order, await links.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('hreflang'))"));
        var german = nav.Locator("a.language-link[lang='de']");
        await Assertions.Expect(german).ToHaveTextAsync("Deutsch");
        await Assertions.Expect(german).ToHaveAttributeAsync("href", new Uri(_feeds.FeedUrl("de"), "/news/de/press-room/20260716IPR46531/").ToString());
        await Assertions.Expect(german).ToHaveAttributeAsync("title", "Pressemitteilung - Beziehungen EU-China: Auswärtiger Ausschuss reist nach Peking");
        await Assertions.Expect(nav.Locator("a.language-link[lang='fr']")).ToHaveTextAsync("Français");
        if (readerLink is null)
        {
            await Assertions.Expect(nav.Locator("a.reader-language")).ToHaveCountAsync(0);
        }
        else
        {
            await Assertions.Expect(nav.Locator("a.reader-language")).ToHaveTextAsync(readerLink);
        }

        // The statement itself is the English version, tagged.
        await Assertions.Expect(page.Locator("#statement-title")).ToHaveTextAsync("Press release - EU-China relations: Foreign Affairs Committee to visit Beijing");
        Assert.Null(await page.Locator("#statement-title").GetAttributeAsync("lang"));
        await Assertions.Expect(page.Locator("li.legend-item[data-topic-id='sanctions']")).ToBeVisibleAsync();
        await AxeCheck.AssertNoViolationsAsync(page, $"statement.html with language links ({locale})");
        watch.AssertNoProblems("statement page with language links");
    }

    [Fact]
    public async Task A_statement_only_in_french_is_shown_in_french_and_says_why_it_is_not_tagged()
    {
        await using var context = await NewContextAsync("en-GB");
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync($"statement.html?id={_moldova.ToString(CultureInfo.InvariantCulture)}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        await Assertions.Expect(page.Locator("#statement-title")).ToHaveTextAsync("Communiqué de presse - Moldavie : les députés saluent les progrès vers l'adhésion à l'UE");
        await Assertions.Expect(page.Locator("#statement-title")).ToHaveAttributeAsync("lang", "fr");
        await Assertions.Expect(page.Locator("#statement-body")).ToHaveAttributeAsync("lang", "fr");
        await Assertions.Expect(page.Locator("#topic-legend .untagged-reason")).ToHaveTextAsync("Not tagged: no English version; Monitor tags English text only.");
        await Assertions.Expect(page.Locator("#passages-status")).ToHaveTextAsync("It is not tagged, so no briefing passage.");
        await Assertions.Expect(page.Locator("#statement-languages")).ToBeHiddenAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "statement.html of a statement only in French");
        watch.AssertNoProblems("statement page of a statement only in French");
    }

    private async Task<IBrowserContext> NewContextAsync(string locale) =>
        await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _dashboard.BaseAddress.ToString(),
            ViewportSize = DashboardFixture.Desktop,
            Locale = locale,
            TimezoneId = "UTC",
        });
}
