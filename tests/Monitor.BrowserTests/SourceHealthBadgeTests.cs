using System.Net.Http.Json;
using Microsoft.Playwright;
using Monitor.Testing;

namespace Monitor.BrowserTests;

/// <summary>Every page's header counts the unhealthy sources on its Sources link, and a live page updates it without a reload.</summary>
[Collection(nameof(DashboardCollection))]
public sealed class SourceHealthBadgeTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_source_that_starts_failing_shows_up_in_the_header_of_an_open_page()
    {
        await using var context = await fixture.NewContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("topics.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        var badge = page.Locator(".site-nav-link[href='sources.html'] .nav-badge");
        await Assertions.Expect(badge).ToBeHiddenAsync();

        // A source on 127.0.0.1 (allowed in the test topology) where nothing listens: its first poll fails. Adding one
        // is for administrators.
        var http = await fixture.AdminApiAsync();
        var url = $"http://127.0.0.1:{MonitorProcess.FreePort()}/feed.xml";
        using (var added = await http.PostAsJsonAsync("/api/admin/sources", new { id = "badge-broken", name = "Broken for the badge", url, adapter = "rss", pollIntervalSeconds = 1 }))
        {
            Assert.True(added.IsSuccessStatusCode, $"adding the source answered {(int)added.StatusCode}: {await added.Content.ReadAsStringAsync()}");
        }

        try
        {
            await Assertions.Expect(badge).ToHaveTextAsync("1 unhealthy", new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 });
            await Assertions.Expect(badge).ToBeVisibleAsync();

            // A page opened now reads it from the API.
            var other = await context.NewPageAsync();
            await other.GotoAsync("history.html");
            await Assertions.Expect(other.Locator(".site-nav-link[href='sources.html'] .nav-badge")).ToHaveTextAsync("1 unhealthy");
        }
        finally
        {
            using var removed = await http.DeleteAsync(new Uri("/api/admin/sources/badge-broken", UriKind.Relative));
        }
    }
}
