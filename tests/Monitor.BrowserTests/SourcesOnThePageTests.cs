using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Playwright;
using Monitor.Testing;

namespace Monitor.BrowserTests;

/// <summary>
/// Sources managed on the sources page by an administrator: a source added from an HTML page's URL after its preview,
/// its poll history and edit form, and an OPML round trip (exported from this instance, imported into a fresh one, the
/// same sources). Every new view passes axe in both colour schemes. Feeds are saved real payloads served on 127.0.0.1.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class SourcesOnThePageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task An_admin_adds_a_source_from_a_page_url_after_previewing_its_feed()
    {
        await using var site = await SavedFeedSite.StartAsync();
        var titles = XDocument.Parse(System.Text.Encoding.UTF8.GetString(SavedFeedSite.Payload(SavedFeedSite.RssFeed)))
            .Descendants("item").Select(i => (string)i.Element("title")!).ToList();
        var id = "page-added-" + Guid.NewGuid().ToString("N")[..6];
        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("sources.html");
        await Assertions.Expect(page.Locator("#source-admin")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#admin-rows tr[data-source-id='test-feed']")).ToBeVisibleAsync();

        try
        {
            await page.FillAsync("#probe-url", site.PressPage.ToString());
            await page.ClickAsync("#probe-form button[type=submit]");

            // The page's link was followed to the feed; its first items are shown before anything is saved.
            await Assertions.Expect(page.Locator("#probe-preview")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#probe-items tr")).ToHaveCountAsync(titles.Count);
            for (var i = 0; i < titles.Count; i++)
            {
                await Assertions.Expect(page.Locator("#probe-items tr").Nth(i).Locator("td").First).ToHaveTextAsync(titles[i]);
            }

            await Assertions.Expect(page.Locator("#add-url")).ToHaveValueAsync(site.Feed(SavedFeedSite.RssFeed).ToString());
            await Assertions.Expect(page.Locator("#add-adapter")).ToHaveValueAsync("rss");
            await Assertions.Expect(page.Locator("#probe-summary")).ToContainTextAsync("is a page; its feed");
            Assert.Equal(0, site.Requests.GetValueOrDefault("/feeds/" + SavedFeedSite.AtomFeed));
            await AxeCheck.AssertNoViolationsAsync(page, "sources.html, add-a-source preview");

            await page.FillAsync("#add-id", id);
            await page.FillAsync("#add-name", "Press room (added on the page)");
            await page.FillAsync("#add-interval", "60");
            await page.ClickAsync("#add-form button[type=submit]");
            var row = page.Locator($"#admin-rows tr[data-source-id='{id}']");
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#probe-status")).ToContainTextAsync($"Added {id}");
            // The live list above takes it in too.
            await Assertions.Expect(page.Locator("#sources")).ToContainTextAsync("Press room (added on the page)");

            // Ingestion polls it at once: the history shows the poll with the feed's items, all new.
            var api = await fixture.AdminApiAsync();
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(250))
            {
                var polls = await api.GetFromJsonAsync<JsonElement>($"api/admin/sources/{id}/polls");
                if (polls.GetArrayLength() > 0)
                {
                    break;
                }

                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"{id} was not polled within 60 s");
            }

            await row.GetByRole(AriaRole.Button, new() { Name = $"Poll history of {id}" }).ClickAsync();
            var history = page.Locator("table.source-polls");
            await Assertions.Expect(history.Locator("tbody tr[data-outcome='success']").First).ToBeVisibleAsync();
            await Assertions.Expect(history.Locator("tbody tr[data-outcome='success']").Last.Locator("td").Nth(2)).ToHaveTextAsync(titles.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await AxeCheck.AssertNoViolationsAsync(page, "sources.html, poll history");

            await row.GetByRole(AriaRole.Button, new() { Name = $"Edit {id}" }).ClickAsync();
            var edit = page.GetByRole(AriaRole.Form, new() { Name = $"Edit {id}" });
            await Assertions.Expect(edit).ToBeVisibleAsync();
            await AxeCheck.AssertNoViolationsAsync(page, "sources.html, edit form");
            await edit.GetByLabel("Name").FillAsync("Press room, renamed");
            await edit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("Press room, renamed");

            await row.GetByRole(AriaRole.Button, new() { Name = $"Pause {id}" }).ClickAsync();
            await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("paused");
            await row.GetByRole(AriaRole.Button, new() { Name = $"Delete {id}" }).ClickAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
            await Assertions.Expect(page.Locator($"#admin-rows tr[data-source-id='{id}']")).ToHaveCountAsync(0);
            watch.AssertNoProblems("sources.html, managing a source");
        }
        finally
        {
            var api = await fixture.AdminApiAsync();
            using var removed = await api.DeleteAsync(new Uri($"api/admin/sources/{id}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task A_page_url_that_links_to_no_feed_gets_a_clear_message_and_nothing_is_saved()
    {
        await using var site = await SavedFeedSite.StartAsync();
        await using var context = await fixture.NewSignedInContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("sources.html");
        await Assertions.Expect(page.Locator("#source-admin")).ToBeVisibleAsync();

        await page.FillAsync("#probe-url", site.NoLinksPage.ToString());
        await page.ClickAsync("#probe-form button[type=submit]");

        await Assertions.Expect(page.Locator("#probe-status.status-error")).ToContainTextAsync("links to no RSS or Atom feed");
        await Assertions.Expect(page.Locator("#probe-preview")).ToBeHiddenAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "sources.html, a refused URL");
    }

    [Fact]
    public async Task An_opml_export_imported_into_a_fresh_instance_gives_the_same_sources()
    {
        var api = await fixture.AdminApiAsync();
        await using var site = await SavedFeedSite.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        string[] added = [$"opml-atom-{suffix}", $"opml-paused-{suffix}"];
        using (var atom = await api.PostAsJsonAsync("api/admin/sources", new { id = added[0], name = "Plenary documents & more", url = site.Feed(SavedFeedSite.AtomFeed), adapter = "rss", pollIntervalSeconds = 900 }))
        using (var paused = await api.PostAsJsonAsync("api/admin/sources", new { id = added[1], name = "EP press (paused)", url = site.Feed(SavedFeedSite.RssFeed), adapter = "ep-rss", pollIntervalSeconds = 3600 }))
        {
            Assert.True(atom.IsSuccessStatusCode && paused.IsSuccessStatusCode);
        }

        using (var pause = await api.PostAsync(new Uri($"api/admin/sources/{added[1]}/pause", UriKind.Relative), null))
        {
            Assert.True(pause.IsSuccessStatusCode);
        }

        var folder = Directory.CreateTempSubdirectory("monitor-opml-");
        var sqlite = new TempSqliteFile();
        MonitorProcess? fresh = null;
        try
        {
            var expected = await SourcesAsync(api);

            // Export from this instance with the page's link (a download).
            string file;
            await using (var context = await fixture.NewSignedInContextAsync())
            {
                var page = (await PageWatch.OpenAsync(context)).Page;
                await page.GotoAsync("sources.html");
                await Assertions.Expect(page.Locator("#opml-export")).ToBeVisibleAsync();
                var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#opml-export"));
                file = Path.Combine(folder.FullName, download.SuggestedFilename);
                await download.SaveAsAsync(file);
            }

            Assert.Equal("monitor-sources.opml", Path.GetFileName(file));

            // A fresh instance: the embedded default on its own SQLite file, no configured sources.
            fresh = MonitorProcess.Create(Monitor.Testing.Topology.Dashboard, new Dictionary<string, string>
            {
                ["Database__ConnectionString"] = $"Data Source={sqlite.Path}",
                ["Ingestion__UseDefaultSources"] = "false",
                ["Ingestion__AllowedNetworks__0"] = Monitor.Testing.Topology.TestFeedNetwork,
            });
            await fresh.StartAsync(TimeSpan.FromSeconds(120));
            var database = TestAccounts.Sqlite(sqlite.Path);
            var (freshAdminId, password) = await TestAccounts.CreateUserAsync(database, "opml-admin", "admin");
            using var freshApi = TestAccounts.BearerClient(fresh.BaseAddress, await TestAccounts.CreateTokenAsync(database, freshAdminId));
            Assert.Empty(await SourcesAsync(freshApi));

            await using (var context = await DashboardFixture.NewContextAsync(fixture.Browser, fresh.BaseAddress))
            {
                var signIn = await context.APIRequest.PostAsync("api/account/sign-in", new APIRequestContextOptions
                {
                    DataObject = new { userName = "opml-admin", password },
                    Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = await DashboardFixture.CsrfTokenAsync(context) },
                });
                Assert.True(signIn.Ok, $"signing in on the fresh instance answered {signIn.Status}");
                var watch = await PageWatch.OpenAsync(context);
                var page = watch.Page;
                await page.GotoAsync("sources.html");
                await Assertions.Expect(page.Locator("#source-admin")).ToBeVisibleAsync();
                await page.SetInputFilesAsync("#opml-file", file);
                await page.ClickAsync("#opml-form button[type=submit]");

                await Assertions.Expect(page.Locator("#opml-status")).ToContainTextAsync($"{expected.Count} added, 0 skipped, 0 refused");
                await Assertions.Expect(page.Locator("#opml-rows tr[data-result='added']")).ToHaveCountAsync(expected.Count);
                await Assertions.Expect(page.Locator($"#admin-rows tr[data-source-id='{added[1]}'] td").Nth(5)).ToHaveTextAsync("paused");
                await AxeCheck.AssertNoViolationsAsync(page, "sources.html, OPML import report");
                watch.AssertNoProblems("sources.html, OPML import");
            }

            Assert.Equal(expected, await SourcesAsync(freshApi));
        }
        finally
        {
            if (fresh is not null)
            {
                await fresh.DisposeAsync();
            }

            sqlite.Dispose();
            folder.Delete(recursive: true);
            foreach (var id in added)
            {
                using var removed = await api.DeleteAsync(new Uri($"api/admin/sources/{id}", UriKind.Relative));
            }
        }
    }

    /// <summary>Every source's definition and state as the admin API lists it, in id order.</summary>
    private static async Task<List<(string Id, string Name, string Url, string Adapter, int Interval, bool Enabled)>> SourcesAsync(HttpClient api) =>
        [.. (await api.GetFromJsonAsync<JsonElement>("api/admin/sources")).EnumerateArray()
            .Select(s => (s.GetProperty("id").GetString()!, s.GetProperty("name").GetString()!, s.GetProperty("url").GetString()!,
                s.GetProperty("adapter").GetString()!, s.GetProperty("pollIntervalSeconds").GetInt32(), s.GetProperty("enabled").GetBoolean()))
            .OrderBy(s => s.Item1, StringComparer.Ordinal)];
}
