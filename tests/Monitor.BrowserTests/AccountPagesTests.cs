using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Playwright;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Testing;

namespace Monitor.BrowserTests;

/// <summary>
/// The account pages driven as a person would, against the real API: a subscription's life in the form and its card,
/// the API's 400 shown next to the form, a dead webhook delivery replayed from its card, API tokens shown once and
/// revoked, a password changed, users created, re-roled and deleted, and the sign-in limit's message.
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
    public async Task A_weekly_briefing_subscription_is_made_from_the_form_with_topics_only()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("subscriptions.html");
        var form = page.Locator("form#subscription-form");
        var name = $"Weekly {Texts.UniqueWord("brief")}";
        await form.Locator("[name=name]").FillAsync(name);
        // Words typed for a statements rule are not sent once the kind is the briefing (the API would refuse them).
        await form.Locator("[name=query]").FillAsync("sanctions");
        await form.Locator("input[name=kind][value=briefing]").CheckAsync();
        await Assertions.Expect(page.Locator("#statement-fields")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#topic-match-fields")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#spike-fields")).ToBeHiddenAsync();
        await form.Locator("#sub-topics input[value='sanctions']").CheckAsync();
        await form.Locator("button[type=submit]").ClickAsync();

        var card = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = name });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator(".card-flags")).ToContainTextAsync("Briefing");
        await Assertions.Expect(card).ToContainTextAsync("the living briefing of the past week, the sections on");
        await page.Locator("#secrets-done").ClickAsync();

        // Edited, it comes back as a briefing with the statement filters still hidden.
        await card.Locator("button.edit").ClickAsync();
        await Assertions.Expect(form.Locator("input[name=kind][value=briefing]")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#statement-fields")).ToBeHiddenAsync();
        await Assertions.Expect(form.Locator("#sub-topics input[value='sanctions']")).ToBeCheckedAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "subscriptions.html editing a briefing subscription");
        watch.AssertNoProblems("briefing subscription");
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

    [Fact]
    public async Task A_dead_webhook_delivery_shows_its_reason_and_is_delivered_after_Replay_on_its_card()
    {
        // A receiver that answers 410 once: the send is dead at once (410 means "gone, stop"), then accepts.
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 1;
        receiver.FailStatus = 410;

        // The dashboard refuses a webhook on 127.0.0.1 when it is saved, so this one is written to the database as an
        // admin's subscription on its own marker word; the Alerts worker of the fixture may post to 127.0.0.1.
        await using var database = fixture.Topology.OpenDatabase();
        long adminId;
        await using (var connection = await database.OpenAsync())
        {
            adminId = await connection.ExecuteScalarAsync<long>("SELECT id FROM users WHERE user_name = @Name", new { Name = DashboardFixture.AdminUserName });
        }

        var marker = Texts.UniqueWord("replay");
        var name = $"Replayed hook {marker}";
        var subscription = AlertsTestData.Subscription(adminId, name) with
        {
            Topics = ["sanctions"], Query = marker, InApp = false, WebhookUrl = receiver.Url.ToString(),
        };
        receiver.Secret = subscription.WebhookSecret!;
        var subscriptionId = await new SubscriptionStore(database).AddAsync(subscription);
        try
        {
            await fixture.PublishAndStoreAsync(Texts.SanctionsStatement(marker));
            var deliveries = new DeliveryStore(database);
            var dead = await WaitForDeliveryAsync(deliveries, subscriptionId, DeliveryStates.Dead);

            await using var context = await fixture.NewSignedInContextAsync();
            var watch = await PageWatch.OpenAsync(context);
            var page = watch.Page;
            await page.GotoAsync("subscriptions.html");
            var card = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = name });
            await card.Locator("details.deliveries > summary").ClickAsync();
            var item = card.Locator($"li.delivery[data-delivery-id='{dead.Id}']");
            await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "dead");
            await Assertions.Expect(item.Locator(".delivery-error")).ToContainTextAsync("410");

            await item.Locator("button.replay").ClickAsync();
            // The list is read again at once: the delivery waits for its send (or has been sent already).
            await Assertions.Expect(item).ToHaveAttributeAsync("data-state", new Regex("^(pending|delivered)$"));
            await receiver.WaitForAsync(r => r.Any(w => w.AnsweredStatus is >= 200 and < 300), TimeSpan.FromSeconds(60));
            await WaitForDeliveryAsync(deliveries, subscriptionId, DeliveryStates.Delivered);
            await card.Locator("details.deliveries button.refresh").ClickAsync();
            await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "delivered");
            await Assertions.Expect(item.Locator("button.replay")).ToHaveCountAsync(0);

            // The same delivery both times, signed both times: a receiver can tell the replay from a new alert.
            Assert.Equal(410, receiver.Received[0].AnsweredStatus);
            Assert.Equal(receiver.Accepted.Single(), receiver.Received[1]);
            Assert.Equal(2, receiver.Received.Count);
            Assert.All(receiver.Received, r => Assert.Equal(dead.Id, r.DeliveryId));
            Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
            watch.AssertNoProblems("replaying a dead delivery");
        }
        finally
        {
            await new SubscriptionStore(database).DeleteAsync(subscriptionId, adminId);
        }
    }

    [Fact]
    public async Task A_changed_password_signs_in_and_the_old_one_no_longer_does()
    {
        // A user of its own: the administrator's password is the other tests'.
        var api = await fixture.AdminApiAsync();
        var userName = Texts.UniqueWord("pw");
        using var created = await api.PostAsJsonAsync("api/admin/users", new { userName, role = "viewer" });
        Assert.True(created.IsSuccessStatusCode, $"creating a user answered {(int)created.StatusCode}");
        var createdUser = await created.Content.ReadFromJsonAsync<JsonElement>();
        var oldPassword = createdUser.GetProperty("password").GetString()!;
        var newPassword = $"correct horse {Texts.UniqueWord("battery")}";

        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await SignInAsync(page, userName, oldPassword, "account.html");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/account\.html$"));

        // A repetition that differs is caught on the page, before any request.
        var form = page.Locator("#password-form");
        await form.Locator("#current-password").FillAsync(oldPassword);
        await form.Locator("#new-password").FillAsync(newPassword);
        await form.Locator("#repeat-password").FillAsync(newPassword + "x");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#password-error")).ToHaveTextAsync("The new password and its repetition differ.");

        await form.Locator("#repeat-password").FillAsync(newPassword);
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#password-done")).ToHaveTextAsync("Password changed.");
        await Assertions.Expect(page.Locator("#password-error")).ToBeHiddenAsync();
        // This session goes on.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("header .account-name")).ToHaveTextAsync(userName);

        await page.Locator("header button#sign-out").ClickAsync();
        await Assertions.Expect(page.Locator("header #sign-in-link")).ToBeVisibleAsync();
        await SignInAsync(page, userName, oldPassword, "account.html");
        await Assertions.Expect(page.Locator("#signin-error")).ToHaveTextAsync("Wrong user name or password.");
        await SignInAsync(page, userName, newPassword, "account.html");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/account\.html$"));
        await Assertions.Expect(page.Locator("header .account-name")).ToHaveTextAsync(userName);
        // The one wrong sign-in was answered 401 (and Chromium logs that); nothing else went wrong.
        Assert.DoesNotContain(watch.Problems, p => !p.Contains("401", StringComparison.Ordinal));

        var id = createdUser.GetProperty("user").GetProperty("id").GetInt64();
        using var deleted = await api.DeleteAsync(new Uri($"api/admin/users/{id}", UriKind.Relative));
    }

    [Fact]
    public async Task Too_many_sign_ins_tell_when_to_try_again()
    {
        // A dashboard of its own that allows two sign-ins a minute: the limit is per process and per client address,
        // and the fixture's dashboard must stay open to the other tests.
        await using var limited = fixture.Topology.Create(Topology.Dashboard, new Dictionary<string, string> { ["Auth__SignInPermitLimit"] = "2" });
        await limited.StartAsync(TimeSpan.FromSeconds(120));
        await using var context = await DashboardFixture.NewContextAsync(fixture.Browser, limited.BaseAddress);
        var page = await context.NewPageAsync();
        var error = page.Locator("#signin-error");
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await SignInAsync(page, DashboardFixture.AdminUserName, $"wrong password {attempt}", "index.html");
            await Assertions.Expect(error).ToHaveTextAsync("Wrong user name or password.");
        }

        // The third is refused before the password is checked, even the right one, with the wait in seconds.
        await SignInAsync(page, DashboardFixture.AdminUserName, fixture.AdminPassword, "index.html");
        await Assertions.Expect(error).ToHaveTextAsync(new Regex(@"^Too many sign-in attempts: try again in \d+ s\.$"));
        await Assertions.Expect(page.Locator("#signin-form button[type=submit]")).ToBeEnabledAsync();
        var me = await (await context.APIRequest.GetAsync("api/account/me")).JsonAsync();
        Assert.False(me?.GetProperty("authenticated").GetBoolean());
    }

    private static async Task SignInAsync(IPage page, string userName, string password, string returnTo)
    {
        await page.GotoAsync($"signin.html?returnUrl=%2F{Uri.EscapeDataString(returnTo)}");
        await SignInForm.SubmitAsync(page, userName, password);
    }

    private static async Task<DeliveryRecord> WaitForDeliveryAsync(DeliveryStore deliveries, long subscriptionId, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var list = await deliveries.ListForSubscriptionAsync(subscriptionId);
            if (list.Count == 1 && list[0].State == state)
            {
                return list[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {state} delivery within 60 s: {string.Join(", ", list.Select(d => $"{d.Id} {d.State} {d.LastError}"))}");
            await Task.Delay(200);
        }
    }
}
