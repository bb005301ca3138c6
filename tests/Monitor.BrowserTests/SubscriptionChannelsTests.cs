using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// The subscription form's ntfy and Telegram fields, driven as a person would against the real API: the browser's own
/// checks, the API's 400, a subscription saved with both, its card, an edit that keeps the stored tokens without
/// showing them, and axe on the form with the new fields open (light and dark). No request leaves 127.0.0.1: the
/// subscription is disabled (no alert, no send), its topic URL is on the documentation network 203.0.113.0/24 that the
/// fixture's dashboard accepts and validates without calling it, and the fixture's Telegram API is a closed loopback port.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class SubscriptionChannelsTests(DashboardFixture fixture)
{
    private const string BotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    private const string NtfyToken = "tk_browsertestbrowsertest";

    [Fact]
    public async Task Ntfy_and_telegram_are_chosen_filled_checked_saved_and_edited_without_showing_the_tokens()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("subscriptions.html");
        var form = page.Locator("form#subscription-form");
        var error = page.Locator("#subscription-error");
        var name = $"Phones {Texts.UniqueWord("chan")}";
        await form.Locator("[name=name]").FillAsync(name);
        await form.Locator("[name=inApp]").UncheckAsync();
        // Disabled: it raises no alert, so nothing is ever sent to its topic or chat.
        await form.Locator("[name=enabled]").UncheckAsync();

        // The fields appear with their channel.
        await Assertions.Expect(page.Locator("#ntfy-fields")).ToBeHiddenAsync();
        await form.Locator("[name=ntfy]").CheckAsync();
        await form.Locator("[name=telegram]").CheckAsync();
        await Assertions.Expect(page.Locator("#ntfy-fields")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#telegram-fields")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ntfy-token-remove-field")).ToBeHiddenAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "subscriptions.html with the ntfy and Telegram fields open");

        // The browser's checks, each focusing its field.
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(error).ToContainTextAsync("Enter the ntfy topic URL");
        await Assertions.Expect(form.Locator("[name=ntfyUrl]")).ToBeFocusedAsync();
        await form.Locator("[name=ntfyUrl]").FillAsync("https://203.0.113.10/eprs-alerts");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(error).ToContainTextAsync("Enter the Telegram chat id");
        await Assertions.Expect(form.Locator("[name=telegramChatId]")).ToBeFocusedAsync();
        await form.Locator("[name=telegramChatId]").FillAsync("-1001234567890");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(error).ToContainTextAsync("Paste the bot token BotFather gave");
        await Assertions.Expect(form.Locator("[name=telegramBotToken]")).ToBeFocusedAsync();

        // Saved with both.
        await form.Locator("[name=telegramBotToken]").FillAsync(BotToken);
        await form.Locator("[name=ntfyPriority]").SelectOptionAsync("4");
        await form.Locator("[name=ntfyTags]").FillAsync("warning, flag-eu");
        await form.Locator("[name=ntfyToken]").FillAsync(NtfyToken);
        await form.Locator("[name=telegramParseMode]").SelectOptionAsync("MarkdownV2");
        await form.Locator("button[type=submit]").ClickAsync();
        var card = page.Locator("#subscriptions > li.subscription").Filter(new() { HasText = name });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync("ntfy to https://203.0.113.10/eprs-alerts (priority 4, with a token)");
        await Assertions.Expect(card).ToContainTextAsync("Telegram to chat -1001234567890");
        await page.Locator("#secrets-done").ClickAsync();
        var pageText = await page.ContentAsync();
        Assert.DoesNotContain(BotToken, pageText, StringComparison.Ordinal);
        Assert.DoesNotContain(NtfyToken, pageText, StringComparison.Ordinal);

        // Edited: the tokens are not in the form, and saving without them keeps them.
        await card.Locator("button.edit").ClickAsync();
        await Assertions.Expect(form.Locator("[name=ntfyUrl]")).ToHaveValueAsync("https://203.0.113.10/eprs-alerts");
        await Assertions.Expect(form.Locator("[name=ntfyPriority]")).ToHaveValueAsync("4");
        await Assertions.Expect(form.Locator("[name=ntfyTags]")).ToHaveValueAsync("warning, flag-eu");
        await Assertions.Expect(form.Locator("[name=ntfyToken]")).ToHaveValueAsync("");
        await Assertions.Expect(form.Locator("[name=telegramBotToken]")).ToHaveValueAsync("");
        await Assertions.Expect(form.Locator("[name=telegramParseMode]")).ToHaveValueAsync("MarkdownV2");
        await Assertions.Expect(page.Locator("#telegram-token-hint")).ToContainTextAsync("A bot token is stored");
        await Assertions.Expect(page.Locator("#ntfy-token-remove-field")).ToBeVisibleAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "subscriptions.html editing a subscription with ntfy and Telegram");
        await form.Locator("[name=telegramChatId]").FillAsync("@eprs_alerts");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card).ToContainTextAsync("Telegram to chat @eprs_alerts");

        var api = await fixture.AdminApiAsync();
        var views = await api.GetFromJsonAsync<JsonElement>("api/subscriptions");
        var view = views.EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
        Assert.DoesNotContain(BotToken, view.GetRawText(), StringComparison.Ordinal);
        var channels = view.GetProperty("channels");
        Assert.True(channels.GetProperty("ntfy").GetProperty("hasToken").GetBoolean());
        Assert.True(channels.GetProperty("telegram").GetProperty("hasBotToken").GetBoolean());
        Assert.Equal("@eprs_alerts", channels.GetProperty("telegram").GetProperty("chatId").GetString());

        // Removing the ntfy token.
        await card.Locator("button.edit").ClickAsync();
        await form.Locator("[name=ntfyTokenRemove]").CheckAsync();
        await Assertions.Expect(form.Locator("[name=ntfyToken]")).ToBeDisabledAsync();
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card).ToContainTextAsync("ntfy to https://203.0.113.10/eprs-alerts (priority 4)");
        watch.AssertNoProblems("ntfy and Telegram subscription");
    }

    [Fact]
    public async Task The_APIs_message_for_a_refused_ntfy_topic_is_shown_next_to_the_form()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var page = (await PageWatch.OpenAsync(context)).Page;
        await page.GotoAsync("subscriptions.html");
        var form = page.Locator("form#subscription-form");
        await form.Locator("[name=name]").FillAsync($"Loopback ntfy {Texts.UniqueWord("chan")}");
        await form.Locator("[name=ntfy]").CheckAsync();
        await form.Locator("[name=ntfyUrl]").FillAsync("http://127.0.0.1:9/eprs-alerts");
        await form.Locator("button[type=submit]").ClickAsync();

        var error = page.Locator("#subscription-error");
        await Assertions.Expect(error).ToContainTextAsync("'channels.ntfy.url' (127.0.0.1)");
        await Assertions.Expect(error).ToContainTextAsync("loopback address");
        await Assertions.Expect(error).ToHaveAttributeAsync("role", "alert");
        await Assertions.Expect(page.Locator("#subscription-secrets")).ToBeHiddenAsync();
    }
}
