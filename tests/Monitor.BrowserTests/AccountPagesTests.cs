using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// The account pages driven as a person would, against the real API: a subscription's life in the form and its card,
/// the API's 400 shown next to the form, API tokens shown once and revoked, users created, re-roled and deleted.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class AccountPagesTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_subscription_is_created_disabled_edited_rotated_and_deleted_from_its_card()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("subscriptions.html");
        var form = page.Locator("form#subscription-form");
        var name = $"Spike {Texts.UniqueWord("sub")}";
        await form.Locator("[name=name]").FillAsync(name);
        await form.Locator("input[name=kind][value=spike]").CheckAsync();
        await Assertions.Expect(page.Locator("#spike-fields")).ToBeVisibleAsync();
        await form.Locator("#sub-topics input[value='sanctions']").CheckAsync();
        await form.Locator("[name=spikeFactor]").FillAsync("2.5");
        await form.Locator("[name=quiet]").CheckAsync();
        await form.Locator("[name=quietStart]").FillAsync("21:30");
        await form.Locator("button[type=submit]").ClickAsync();

        var card = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = name });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync("2.5× the usual rate over 24 h");
        await Assertions.Expect(card).ToContainTextAsync("21:30–07:00 (UTC)");
        var firstFeedUrl = await page.Locator("#subscription-secrets #secret-feed-url").InputValueAsync();
        await page.Locator("#secrets-done").ClickAsync();
        await Assertions.Expect(page.Locator("#subscription-secrets")).ToBeHiddenAsync();

        // Disable, then edit the name; the card follows each time.
        await card.Locator("button.toggle").ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-enabled", "false");
        await card.Locator("button.edit").ClickAsync();
        await Assertions.Expect(form.Locator("[name=name]")).ToHaveValueAsync(name);
        await Assertions.Expect(form.Locator("[name=enabled]")).Not.ToBeCheckedAsync();
        var renamed = $"{name} renamed";
        await form.Locator("[name=name]").FillAsync(renamed);
        await form.Locator("button[type=submit]").ClickAsync();
        var renamedCard = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = renamed });
        await Assertions.Expect(renamedCard).ToBeVisibleAsync();
        await Assertions.Expect(renamedCard).ToHaveAttributeAsync("data-enabled", "false");

        // A new feed URL, shown once; the old one stops working.
        await renamedCard.Locator("button.rotate-feed").ClickAsync();
        var secondFeedUrl = page.Locator("#subscription-secrets #secret-feed-url");
        await Assertions.Expect(secondFeedUrl).ToBeVisibleAsync();
        Assert.NotEqual(firstFeedUrl, await secondFeedUrl.InputValueAsync());
        using (var old = await new HttpClient().GetAsync(new Uri(firstFeedUrl)))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, old.StatusCode);
        }

        // The deliveries panel opens (none: in-app only).
        await renamedCard.Locator("details.deliveries > summary").ClickAsync();
        await Assertions.Expect(renamedCard.Locator("details.deliveries .status")).ToContainTextAsync("No deliveries");
        // The page with its secrets panel, a disabled card and an open deliveries panel passes axe too.
        await AxeCheck.AssertNoViolationsAsync(page, "subscriptions.html with a feed URL shown and deliveries open");

        // Delete asks on the page first.
        await renamedCard.Locator("button.delete").ClickAsync();
        await renamedCard.Locator("button.delete-yes").ClickAsync();
        await Assertions.Expect(renamedCard).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = renamed })).ToHaveCountAsync(0);
        watch.AssertNoProblems("subscription life cycle");
    }

    [Fact]
    public async Task The_APIs_message_for_a_refused_webhook_is_shown_next_to_the_form()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("subscriptions.html");
        var form = page.Locator("form#subscription-form");
        await form.Locator("[name=name]").FillAsync($"Loopback hook {Texts.UniqueWord("sub")}");
        await form.Locator("[name=webhook]").CheckAsync();
        await form.Locator("[name=webhookUrl]").FillAsync("http://127.0.0.1:9/hook");
        await form.Locator("button[type=submit]").ClickAsync();

        var error = page.Locator("#subscription-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToHaveAttributeAsync("role", "alert");
        await Assertions.Expect(error).ToContainTextAsync("channels.webhook.url");
        await Assertions.Expect(page.Locator("#subscription-secrets")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task An_API_token_is_shown_once_works_and_is_revoked()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("account.html");
        var tokenName = $"script {Texts.UniqueWord("tok")}";
        await page.Locator("#token-form [name=name]").FillAsync(tokenName);
        await page.Locator("#token-form button[type=submit]").ClickAsync();
        var shown = page.Locator("#new-token input.secret-value");
        await Assertions.Expect(shown).ToBeVisibleAsync();
        var token = await shown.InputValueAsync();
        Assert.StartsWith("mon_", token, StringComparison.Ordinal);
        await AxeCheck.AssertNoViolationsAsync(page, "account.html with a new token shown");

        using var http = new HttpClient { BaseAddress = fixture.Dashboard.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using (var me = await http.GetAsync(new Uri("api/alerts/unread-count", UriKind.Relative)))
        {
            Assert.True(me.IsSuccessStatusCode, $"the new token was refused: {(int)me.StatusCode}");
        }

        var card = page.Locator("#tokens > li.token").Filter(new() { HasText = tokenName });
        await card.Locator("button.revoke").ClickAsync();
        await card.Locator("button.revoke-yes").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        using (var after = await http.GetAsync(new Uri("api/alerts/unread-count", UriKind.Relative)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, after.StatusCode);
        }

        // Reloaded, the token is gone and no token value is on the page.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#tokens > li.token").Filter(new() { HasText = tokenName })).ToHaveCountAsync(0);
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        watch.AssertNoProblems("API tokens");
    }

    [Fact]
    public async Task An_admin_creates_a_user_changes_its_role_and_deletes_it_and_the_last_admin_stays()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("users.html");
        var userName = Texts.UniqueWord("user");
        await page.Locator("#user-form [name=userName]").FillAsync(userName);
        await page.Locator("#user-form [name=role]").SelectOptionAsync("viewer");
        await page.Locator("#user-form button[type=submit]").ClickAsync();

        var password = page.Locator("#user-secret input.secret-value");
        await Assertions.Expect(password).ToBeVisibleAsync();
        Assert.True((await password.InputValueAsync()).Length >= 12);
        await AxeCheck.AssertNoViolationsAsync(page, "users.html with a generated password shown");
        var card = page.Locator("#users > li.user").Filter(new() { HasText = userName });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-role", "viewer");

        await card.Locator("select.role-select").SelectOptionAsync("analyst");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-role", "analyst");
        await card.Locator("button.toggle").ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-disabled", "true");

        // The last enabled admin cannot be demoted: the API's 409 is shown on its card, and the role stays.
        var admin = page.Locator("#users > li.user").Filter(new() { Has = page.Locator(".card-title", new() { HasTextRegex = new Regex($"^{DashboardFixture.AdminUserName}") }) });
        await admin.Locator("select.role-select").SelectOptionAsync("viewer");
        await Assertions.Expect(admin.Locator(".card-status")).ToBeVisibleAsync();
        await Assertions.Expect(admin).ToHaveAttributeAsync("data-role", "admin");

        await card.Locator("button.delete").ClickAsync();
        await card.Locator("button.delete-yes").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
    }
}
