using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// Saved searches driven as a person would: a search made on the history page is saved with a name, opened again in
/// one click with its query restored, followed as an Atom feed (fetched with no cookie, as a feed reader does) that
/// holds the statement, and made an alert subscription from the pre-filled form. Each new view passes axe in both
/// colour schemes. And the topic and sources pages announce their Atom feeds.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class SavedSearchTests(DashboardFixture fixture)
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task A_search_is_saved_opened_in_one_click_followed_as_a_feed_and_made_an_alert()
    {
        var word = Texts.UniqueWord("saved");
        var stored = await fixture.PublishAndStoreAsync(Texts.SanctionsStatement(word));
        var name = $"Watch {word}";

        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        // The search as its link opens it (typing it in is HistorySearchTests' part).
        await page.GotoAsync($"history.html?q={word}");
        await HistoryPage.ResultAsync(page, stored.StatementId);
        await Assertions.Expect(page.Locator("#results > li.statement")).ToHaveCountAsync(1);

        // Save the search shown.
        var form = page.Locator("form#save-search-form");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await form.Locator("#save-search-name").FillAsync(name);
        await form.Locator("button[type=submit]").ClickAsync();
        var item = page.Locator("#saved-list > li.saved-search").Filter(new() { HasText = name });
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Assertions.Expect(item.Locator(".saved-query")).ToContainTextAsync($"words “{word}”");
        var feedUrl = await page.Locator("#saved-secret #saved-feed-url").InputValueAsync();
        Assert.Contains("/feeds/saved/", feedUrl, StringComparison.Ordinal);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AxeCheck.AssertNoViolationsAsync(page, "history.html with a saved search and its feed URL");

        // One click opens it from a fresh history page, the query restored.
        await page.GotoAsync("history.html");
        await item.Locator("a.saved-open").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($@"history\.html\?q={word}$"));
        await Assertions.Expect(page.Locator("form#history-form [name='q']")).ToHaveValueAsync(word);
        await HistoryPage.ResultAsync(page, stored.StatementId);
        await Assertions.Expect(page.Locator("#results > li.statement")).ToHaveCountAsync(1);

        // A feed reader: no cookie, only the secret URL.
        using (var reader = new HttpClient())
        {
            using var response = await reader.GetAsync(new Uri(feedUrl));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
            var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
            Assert.Equal(name, feed.Element(Atom + "title")?.Value);
            var entry = Assert.Single(feed.Elements(Atom + "entry"));
            Assert.Equal($"urn:monitor:statement:{stored.StatementId}", entry.Element(Atom + "id")?.Value);
            Assert.Equal(stored.Title, entry.Element(Atom + "title")?.Value);
        }

        // Make alert: the subscriptions form pre-filled from the saved search; nothing is saved until Create.
        await item.Locator("a.saved-alert").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"subscriptions\.html\?saved=\d+$"));
        var subscription = page.Locator("form#subscription-form");
        await Assertions.Expect(page.Locator("#from-saved")).ToContainTextAsync($"Pre-filled from your saved search “{name}”");
        await Assertions.Expect(subscription.Locator("[name=name]")).ToHaveValueAsync(name);
        await Assertions.Expect(subscription.Locator("[name=query]")).ToHaveValueAsync(word);
        await Assertions.Expect(subscription.Locator("input[name=kind][value=statements]")).ToBeCheckedAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AxeCheck.AssertNoViolationsAsync(page, "subscriptions.html pre-filled from a saved search");
        await subscription.Locator("button[type=submit]").ClickAsync();
        var card = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = name });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync(word);
        watch.AssertNoProblems("saved search to feed and alert");

        // Tidy up: the alert is deleted so other tests' statements raise nothing on it.
        var id = await card.GetAttributeAsync("data-subscription-id");
        using var deleted = await (await fixture.AdminApiAsync()).DeleteAsync($"api/subscriptions/{id}");
        Assert.True(deleted.IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_saved_search_with_dates_says_on_the_page_that_it_cannot_become_an_alert()
    {
        var name = $"Dated {Texts.UniqueWord("saved")}";
        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("history.html?q=sanctions&from=2026-01-01&to=2026-01-31");
        await page.Locator("#save-search-name").FillAsync(name);
        await page.Locator("form#save-search-form button[type=submit]").ClickAsync();
        var item = page.Locator("#saved-list > li.saved-search").Filter(new() { HasText = name });

        await Assertions.Expect(item.Locator(".saved-no-alert")).ToHaveTextAsync("No alert: an alert cannot carry from, to.");
        await Assertions.Expect(item.Locator("a.saved-alert")).ToHaveCountAsync(0);
        // Its link restores the page's inclusive "To".
        await Assertions.Expect(item.Locator("a.saved-open")).ToHaveAttributeAsync("href", "history.html?q=sanctions&from=2026-01-01&to=2026-01-31");
        // Renamed on its card (axe-checked with the rename form open).
        await item.Locator("button.saved-rename").ClickAsync();
        var rename = item.Locator("form.saved-rename-form");
        await Assertions.Expect(rename).ToBeVisibleAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "history.html renaming a saved search that cannot become an alert");
        var renamed = $"{name} renamed";
        await rename.Locator("input").FillAsync(renamed);
        await rename.Locator("button[type=submit]").ClickAsync();
        item = page.Locator("#saved-list > li.saved-search").Filter(new() { HasText = renamed });
        await Assertions.Expect(item.Locator("a.saved-open")).ToHaveTextAsync(renamed);
        await Assertions.Expect(page.Locator("#saved-status")).ToHaveTextAsync($"Renamed to “{renamed}”.");
        var id = await item.GetAttributeAsync("data-saved-search-id");
        await page.GotoAsync($"subscriptions.html?saved={id}");
        await Assertions.Expect(page.Locator("#from-saved")).ToContainTextAsync("This saved search cannot become an alert: An alert subscription cannot carry 'from', 'to'");
    }

    [Fact]
    public async Task The_topic_and_sources_pages_link_their_atom_feeds()
    {
        var newest = await fixture.PublishAndStoreAsync(Texts.SanctionsStatement(Texts.UniqueWord("topicfeed")));
        await using var context = await fixture.NewContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;

        await page.GotoAsync("topic.html?id=sanctions");
        var topicLink = page.Locator("head link[rel=alternate][type='application/atom+xml']");
        await Assertions.Expect(topicLink).ToHaveAttributeAsync("href", "feeds/topics/sanctions");
        await Assertions.Expect(page.Locator("#topic-feed-link")).ToBeVisibleAsync();
        var topicFeed = await context.APIRequest.GetAsync("feeds/topics/sanctions");
        Assert.True(topicFeed.Ok, $"the topic feed answered {topicFeed.Status}");
        Assert.Contains($"urn:monitor:statement:{newest.StatementId}", await topicFeed.TextAsync(), StringComparison.Ordinal);

        await page.GotoAsync("sources.html");
        var sourceLink = page.Locator($"head link[rel=alternate][type='application/atom+xml'][href='feeds/sources/{Texts.SourceId}']");
        await Assertions.Expect(sourceLink).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#source-feeds a.feed-link").First).ToBeVisibleAsync();
        var sourceFeed = await context.APIRequest.GetAsync($"feeds/sources/{Texts.SourceId}");
        Assert.True(sourceFeed.Ok, $"the source feed answered {sourceFeed.Status}");
        Assert.Contains("<feed", await sourceFeed.TextAsync(), StringComparison.Ordinal);
    }
}
