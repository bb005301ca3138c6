using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>
/// Issue 7's acceptance in Chromium: sign in, create a subscription with the form, publish a matching statement into
/// the pipeline, and see its alert arrive in the open inbox and in the header's unread count, without a reload. Also
/// the way in: a signed-out visit to the inbox goes to the sign-in page, and a wrong password says so.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class AlertsInboxTests(DashboardFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_subscription_made_in_the_form_brings_a_matching_statement_live_into_the_inbox()
    {
        var api = await fixture.AdminApiAsync();
        // Whatever other tests left unread is read, so the header's count starts from 0.
        using (var readAll = await api.PostAsync("api/alerts/read-all", null))
        {
            Assert.True(readAll.IsSuccessStatusCode, $"read-all answered {(int)readAll.StatusCode}");
        }

        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;

        // Signed out, the inbox sends to the sign-in page, which brings back to the inbox after signing in.
        await page.GotoAsync("alerts.html");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/signin\.html\?returnUrl=%2Falerts\.html$"));
        await SignInForm.SubmitAsync(page, DashboardFixture.AdminUserName, fixture.AdminPassword);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/alerts\.html$"));
        await Assertions.Expect(page.Locator("#account-bar .account-name")).ToHaveTextAsync(DashboardFixture.AdminUserName);

        // A subscription through the form: collective defence, in-app.
        var name = $"Collective defence {Texts.UniqueWord("sub")}";
        await page.GotoAsync("subscriptions.html");
        var form = page.Locator("form#subscription-form");
        await form.Locator("[name=name]").FillAsync(name);
        await form.Locator("#sub-topics input[value='collective-defence']").CheckAsync();
        await Assertions.Expect(form.Locator("[name=inApp]")).ToBeCheckedAsync();
        await form.Locator("button[type=submit]").ClickAsync();

        var card = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = name });
        var error = page.Locator("#subscription-error:visible");
        await Assertions.Expect(card.Or(error)).ToBeVisibleAsync();
        if (await error.IsVisibleAsync())
        {
            Assert.Fail($"the form answered: {await error.TextContentAsync()}; {string.Join("; ", watch.Problems)}");
        }

        var subscriptionId = long.Parse(await card.GetAttributeAsync("data-subscription-id") ?? "", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            // The feed URL is shown once, with its secret token, and works.
            var secrets = page.Locator("#subscription-secrets");
            await Assertions.Expect(secrets).ToBeVisibleAsync();
            var feedUrl = await secrets.Locator("#secret-feed-url").InputValueAsync();
            Assert.StartsWith("http", feedUrl, StringComparison.Ordinal);
            using (var feed = await new HttpClient().GetAsync(new Uri(feedUrl)))
            {
                Assert.True(feed.IsSuccessStatusCode, $"the feed URL shown answered {(int)feed.StatusCode}");
            }

            // The inbox, open and live; a marker on the window tells a reload apart.
            await page.GotoAsync("alerts.html");
            await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
            await Assertions.Expect(page.Locator("#inbox-status")).ToBeHiddenAsync();
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");
            var badge = page.Locator("header #unread-count");
            await Assertions.Expect(badge).ToBeHiddenAsync();

            var marker = Texts.UniqueWord("inbox");
            var stored = await fixture.PublishAndStoreAsync(Texts.CollectiveDefenceStatement(marker));
            Assert.Contains(stored.Topics, t => t.TopicId == "collective-defence");

            var alert = page.Locator("#inbox > li.alert").Filter(new() { HasText = marker });
            await Assertions.Expect(alert).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(alert).ToHaveAttributeAsync("data-unread", "true");
            await Assertions.Expect(alert.Locator(".alert-subscription")).ToHaveTextAsync(name);
            await Assertions.Expect(alert.Locator(".chip[data-topic-id='collective-defence']")).ToBeVisibleAsync();
            await Assertions.Expect(alert.Locator("a.alert-link")).ToHaveAttributeAsync("href", $"statement.html?id={stored.StatementId}");
            // Newest first: it is the first item.
            await Assertions.Expect(page.Locator("#inbox > li.alert").First).ToContainTextAsync(marker);
            await Assertions.Expect(badge).ToBeVisibleAsync();
            await Assertions.Expect(badge).ToHaveTextAsync("1");
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

            // Mark it read: the item says so, the badge goes, and the server agrees.
            await alert.Locator("button.mark-read").ClickAsync();
            await Assertions.Expect(alert).ToHaveAttributeAsync("data-unread", "false");
            await Assertions.Expect(alert.Locator("button.mark-read")).ToBeHiddenAsync();
            await Assertions.Expect(badge).ToBeHiddenAsync();
            var count = await api.GetFromJsonAsync<JsonElement>("api/alerts/unread-count");
            Assert.Equal(0, count.GetProperty("count").GetInt64());

            // After a reload the inbox has it, read.
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#inbox > li.alert").Filter(new() { HasText = marker })).ToHaveAttributeAsync("data-unread", "false");
            await Assertions.Expect(page.Locator("header #unread-count")).ToBeHiddenAsync();
            watch.AssertNoProblems("sign-in, subscription, inbox");
            output.WriteLine($"subscription {subscriptionId}: the alert for statement {stored.StatementId} arrived live and was marked read");
        }
        finally
        {
            using var deleted = await api.DeleteAsync(new Uri($"api/subscriptions/{subscriptionId}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task A_weekly_briefing_alert_shows_its_counts_and_links_its_weeks_briefing_page()
    {
        var api = await fixture.AdminApiAsync();
        var name = $"Weekly {Texts.UniqueWord("briefing")}";
        // Disabled: the Alerts worker's weekly job leaves it alone; the alert is written as that job writes it.
        using var created = await api.PostAsJsonAsync("api/subscriptions", new { name, kind = "briefing", enabled = false });
        Assert.True(created.IsSuccessStatusCode, $"creating the briefing subscription answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        var subscriptionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        try
        {
            var database = fixture.Topology.OpenDatabase();
            long userId;
            await using (var connection = await database.OpenAsync())
            {
                userId = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT user_id FROM subscriptions WHERE id = @Id", new { Id = subscriptionId });
            }

            var (from, to) = (new DateTimeOffset(2023, 4, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2023, 4, 10, 0, 0, 0, TimeSpan.Zero));
            var title = $"Briefing, 3 April 2023–9 April 2023: 1 NATO statement and 1 EP statement ({name})";
            await new Monitor.Data.Alerts.AlertStore(database).RaiseAsync(new Monitor.Data.Alerts.AlertRecord
            {
                SubscriptionId = subscriptionId, UserId = userId, Kind = "briefing", Title = title,
                Url = "https://monitor.example.org/" + Monitor.Core.Briefing.BriefingDigest.PagePath(from, to),
                Detail = Monitor.Core.Briefing.BriefingDigest.Detail(from, to, [], "# The week's briefing, not shown in the inbox"),
                TriggeredAt = DateTimeOffset.UtcNow,
            }, Monitor.Core.Briefing.BriefingDigest.DedupeKey(from), new Monitor.Data.Alerts.AlertPlan { SubscriptionName = name });

            await using var context = await fixture.NewSignedInContextAsync();
            var watch = await PageWatch.OpenAsync(context);
            var page = watch.Page;
            await page.GotoAsync("alerts.html");
            var alert = page.Locator("#inbox > li.alert[data-kind='briefing']").Filter(new() { HasText = name });
            await Assertions.Expect(alert).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(alert.Locator(".badge").Filter(new() { HasText = "Briefing" })).ToBeVisibleAsync();
            // The link is this dashboard's page for the week, whatever address the worker stored.
            await Assertions.Expect(alert.Locator("a.alert-link")).ToHaveAttributeAsync("href", "briefing.html?from=2023-04-03&to=2023-04-09");
            await Assertions.Expect(alert.Locator(".alert-detail")).ToContainTextAsync("statements cited0");
            await Assertions.Expect(alert).Not.ToContainTextAsync("not shown in the inbox");
            watch.AssertNoProblems("briefing alert in the inbox");
        }
        finally
        {
            using var deleted = await api.DeleteAsync(new Uri($"api/subscriptions/{subscriptionId}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task A_spike_alert_shows_its_topic_and_counts_in_the_inbox()
    {
        var api = await fixture.AdminApiAsync();
        var request = new
        {
            name = $"Aid spike {Texts.UniqueWord("spike")}", kind = "spike", topics = new[] { "humanitarian-aid" },
            spikeWindowHours = 1, spikeFactor = 1.5, channels = new { inApp = true, email = false, webhook = (object?)null },
        };
        using var created = await api.PostAsJsonAsync("api/subscriptions", request);
        Assert.True(created.IsSuccessStatusCode, $"creating the spike subscription answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        var subscriptionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        try
        {
            await using var context = await fixture.NewSignedInContextAsync();
            var watch = await PageWatch.OpenAsync(context);
            var page = watch.Page;
            await page.GotoAsync("alerts.html");
            await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));

            // Statements on the topic until its volume in the last hour is a spike (at least 3, above 1.5× the usual).
            var spike = page.Locator($"#inbox > li.alert[data-kind='spike']").Filter(new() { HasText = request.name });
            for (var i = 0; i < 6 && !await spike.IsVisibleAsync(); i++)
            {
                await fixture.PublishAndStoreAsync(Texts.HumanitarianStatement(Texts.UniqueWord("spike")));
                await page.WaitForTimeoutAsync(500);
            }

            await Assertions.Expect(spike).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(spike.Locator("a.alert-link")).ToHaveTextAsync("Spike in Humanitarian and non-lethal aid");
            await Assertions.Expect(spike.Locator("a.alert-link")).ToHaveAttributeAsync("href", "topic.html?id=humanitarian-aid");
            await Assertions.Expect(spike.Locator(".alert-detail")).ToContainTextAsync("statements in the window");
            await Assertions.Expect(spike.Locator(".alert-detail")).ToContainTextAsync("window (hours)1");
            watch.AssertNoProblems("spike alert in the inbox");
        }
        finally
        {
            using var deleted = await api.DeleteAsync(new Uri($"api/subscriptions/{subscriptionId}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_the_APIs_message_and_the_page_stays_signed_out()
    {
        await using var context = await fixture.NewContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("signin.html?returnUrl=%2Falerts.html");
        await SignInForm.SubmitAsync(page, DashboardFixture.AdminUserName, "not the password at all");

        var error = page.Locator("#signin-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToHaveAttributeAsync("role", "alert");
        await Assertions.Expect(error).ToHaveTextAsync("Wrong user name or password.");
        Assert.EndsWith("signin.html?returnUrl=%2Falerts.html", page.Url, StringComparison.Ordinal);
        var me = await (await context.APIRequest.GetAsync("api/account/me")).JsonAsync();
        Assert.False(me?.GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task The_sign_in_page_sends_only_to_a_path_of_this_dashboard()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        // Signed in already, the page offers to continue: to the returnUrl when it is a local path, never elsewhere.
        await page.GotoAsync("signin.html?returnUrl=%2Fhistory.html%3Fq%3Dnato");
        await Assertions.Expect(page.Locator("#signin-state a")).ToHaveAttributeAsync("href", new Uri(fixture.Dashboard.BaseAddress, "/history.html?q=nato").ToString());
        foreach (var hostile in new[] { "https://example.org/", "//example.org/x", "/\\example.org", "javascript:alert(1)" })
        {
            await page.GotoAsync($"signin.html?returnUrl={Uri.EscapeDataString(hostile)}");
            await Assertions.Expect(page.Locator("#signin-state a")).ToHaveAttributeAsync("href", new Uri(fixture.Dashboard.BaseAddress, "/index.html").ToString());
        }
    }

    [Fact]
    public async Task The_header_shows_the_signed_in_user_and_the_pages_of_their_role()
    {
        // A sign-in of its own: signing out must not touch the session the other tests share.
        await using var context = await fixture.NewContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("signin.html?returnUrl=%2Fhistory.html");
        await SignInForm.SubmitAsync(page, DashboardFixture.AdminUserName, fixture.AdminPassword);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/history\.html$"));
        var header = page.Locator("header#site-header");
        await Assertions.Expect(header.Locator(".account-name")).ToHaveTextAsync(DashboardFixture.AdminUserName);
        await Assertions.Expect(header.Locator(".role-badge")).ToHaveTextAsync("admin");
        foreach (var href in new[] { "alerts.html", "subscriptions.html", "users.html", "account.html" })
        {
            await Assertions.Expect(header.Locator($"a[href='{href}']")).ToBeVisibleAsync();
        }

        await Assertions.Expect(header.Locator("button#sign-out")).ToBeVisibleAsync();

        // Signed out: a Sign in link and none of the account's pages.
        await header.Locator("button#sign-out").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/index\.html$"));
        await Assertions.Expect(page.Locator("header #sign-in-link")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("header a[href='alerts.html']")).ToHaveCountAsync(0);
    }
}
