using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// Issue 18's triage with the keyboard in Chromium: on the history page j/k move the selection, m marks read, s stars,
/// shortcuts stay quiet while typing, ? opens the help dialog (Escape closes it, focus returns), the unread and starred
/// filters list what the marks say, o opens the statement; axe checks the signed-in history page, the dialog, the
/// statement page's "Your marks" and the live view with its buttons, in both colour schemes. Anonymous readers get no
/// triage controls.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class TriageKeyboardTests(DashboardFixture fixture)
{
    [Fact]
    public async Task History_triage_with_the_keyboard_marks_stars_filters_and_opens_with_the_help_dialog()
    {
        var word = Texts.UniqueWord("triage");
        for (var i = 0; i < 3; i++)
        {
            await fixture.PublishAndStoreAsync(Monitor.Testing.PipelineBus.Statement(Texts.SourceId,
                $"Allies review the {word} plan, part {i}", $"Allies reviewed the {word} plan on air defence, part {i}."));
        }

        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync($"history.html?q={word}");
        var cards = page.Locator("#results > li.statement");
        await Assertions.Expect(cards).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        // The marks are read for the cards: every card shows Unread and Star, pressed = false.
        await Assertions.Expect(cards.Locator(".triage-read[aria-pressed='false']")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#triage-filters")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AxeCheck.AssertNoViolationsAsync(page, "history.html signed in, with triage");

        var first = cards.Nth(0);
        var second = cards.Nth(1);
        var firstId = await first.GetAttributeAsync("data-statement-id");
        await page.Locator("body").PressAsync("j");
        await Assertions.Expect(first).ToHaveClassAsync(new Regex(@"\bis-selected\b"));
        await Assertions.Expect(first).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(second).ToBeFocusedAsync();
        await Assertions.Expect(first).Not.ToHaveClassAsync(new Regex(@"\bis-selected\b"));
        await page.Keyboard.PressAsync("k");
        await Assertions.Expect(first).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("m");
        await Assertions.Expect(first.Locator(".triage-read")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(first).ToHaveClassAsync(new Regex(@"\bis-read\b"));
        await page.Keyboard.PressAsync("s");
        await Assertions.Expect(first.Locator(".triage-star")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(first.Locator(".triage-star")).ToHaveTextAsync("★ Starred");

        // Typing in a field is typing: "m" and "s" land in the words box and change no mark.
        var q = page.Locator("form#history-form [name='q']");
        await q.FocusAsync();
        await page.Keyboard.TypeAsync(" ms");
        await Assertions.Expect(q).ToHaveValueAsync($"{word} ms");
        await q.FillAsync(word);
        await Assertions.Expect(first.Locator(".triage-read")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(first.Locator(".triage-star")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.Locator("dialog.shortcuts-dialog")).Not.ToBeVisibleAsync();

        // "?" opens the help dialog, which lists the shortcuts; Escape closes it and focus returns to the card.
        await first.FocusAsync();
        await page.Keyboard.PressAsync("?");
        var dialog = page.Locator("dialog.shortcuts-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Keyboard shortcuts" })).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator("kbd")).ToHaveTextAsync(["j", "k", "m", "s", "o", "?"]);
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" })).ToBeVisibleAsync();
        await AxeCheck.AssertNoViolationsAsync(page, "the keyboard shortcuts dialog");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).Not.ToBeVisibleAsync();
        await Assertions.Expect(first).ToBeFocusedAsync();

        // The filters: unread leaves out the card marked read, starred keeps only it.
        await page.Locator("#unread").CheckAsync();
        await q.PressAsync("Enter");
        await Assertions.Expect(cards).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator($"#results > li.statement[data-statement-id='{firstId}']")).ToHaveCountAsync(0);
        Assert.Contains("unread=true", page.Url, StringComparison.Ordinal);
        await page.Locator("#unread").UncheckAsync();
        await page.Locator("#starred").CheckAsync();
        await q.PressAsync("Enter");
        await Assertions.Expect(cards).ToHaveCountAsync(1);
        await Assertions.Expect(cards.First).ToHaveAttributeAsync("data-statement-id", firstId ?? "");

        // "o" opens the selected statement; its page shows the marks. The words box still has focus: leave it first.
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(cards.First).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("o");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($@"/statement\.html\?id={firstId}$"));
        var section = page.Locator("#triage-section");
        await Assertions.Expect(section).ToBeVisibleAsync();
        await Assertions.Expect(section.Locator("#triage-read")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(section.Locator("#triage-star")).ToHaveAttributeAsync("aria-pressed", "true");
        await section.Locator("#triage-labels-input").FillAsync("Brief, follow-up");
        await section.Locator("#triage-labels-form button[type=submit]").ClickAsync();
        await Assertions.Expect(section.Locator("#triage-status")).ToHaveTextAsync("Labels saved.");
        await Assertions.Expect(section.Locator("#triage-labels-input")).ToHaveValueAsync("brief, follow-up");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AxeCheck.AssertNoViolationsAsync(page, "statement.html with Your marks");

        // The label filter finds it.
        await page.GotoAsync($"history.html?q={word}&label=brief");
        await Assertions.Expect(cards).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Assertions.Expect(cards.First.Locator(".label-chip")).ToHaveTextAsync(["brief", "follow-up"]);
        watch.AssertNoProblems("history triage");
    }

    [Fact]
    public async Task Mark_all_read_on_history_reads_every_statement_of_the_search()
    {
        var word = Texts.UniqueWord("markall");
        for (var i = 0; i < 2; i++)
        {
            await fixture.PublishAndStoreAsync(Monitor.Testing.PipelineBus.Statement(Texts.SourceId,
                $"Allies debate the {word} report, part {i}", $"Allies debated the {word} report on deterrence, part {i}."));
        }

        await using var context = await fixture.NewSignedInContextAsync(DashboardFixture.Phone);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync($"history.html?q={word}");
        var cards = page.Locator("#results > li.statement");
        await Assertions.Expect(cards.Locator(".triage-read[aria-pressed='false']")).ToHaveCountAsync(2, new() { Timeout = 30_000 });

        await page.Locator("#mark-all-read").ClickAsync();

        await Assertions.Expect(page.Locator("#results-status")).ToHaveTextAsync("2 statements marked read.");
        await Assertions.Expect(cards.Locator(".triage-read[aria-pressed='true']")).ToHaveCountAsync(2);
        // Signed in on a phone, the triage filters and buttons still fit: nothing scrolls sideways.
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, "history.html scrolls sideways on a phone");
        await page.GotoAsync($"history.html?q={word}&unread=true");
        await Assertions.Expect(page.Locator("#results-status")).ToContainTextAsync("No statement matches", new() { Timeout = 30_000 });
        watch.AssertNoProblems("mark all read");
    }

    [Fact]
    public async Task The_live_view_shows_the_buttons_signed_in_and_j_and_m_work_there()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        var cards = page.Locator("#statements > li.statement");
        await Assertions.Expect(cards.First.Locator(".triage-read")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#mark-all-read")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AxeCheck.AssertNoViolationsAsync(page, "index.html signed in, with triage");

        await page.Locator("body").PressAsync("j");
        await Assertions.Expect(cards.First).ToBeFocusedAsync();
        var before = await cards.First.Locator(".triage-read").GetAttributeAsync("aria-pressed");
        await page.Keyboard.PressAsync("m");
        await Assertions.Expect(cards.First.Locator(".triage-read")).Not.ToHaveAttributeAsync("aria-pressed", before ?? "");
        await page.Keyboard.PressAsync("m");
        await Assertions.Expect(cards.First.Locator(".triage-read")).ToHaveAttributeAsync("aria-pressed", before ?? "");
        watch.AssertNoProblems("live triage");
    }

    [Fact]
    public async Task Anonymous_readers_get_no_triage_controls_but_the_help_dialog()
    {
        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("history.html");
        var cards = page.Locator("#results > li.statement");
        await Assertions.Expect(cards.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await Assertions.Expect(page.Locator(".triage-read")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#triage-filters")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#mark-all-read")).ToBeHiddenAsync();
        await page.Locator("body").PressAsync("?");
        await Assertions.Expect(page.Locator("dialog.shortcuts-dialog")).ToContainTextAsync("Sign in to mark statements read");
        await page.Keyboard.PressAsync("Escape");

        await page.GotoAsync($"statement.html?id={fixture.Sanctions.StatementId}");
        await Assertions.Expect(page.Locator("#statement-title")).Not.ToHaveTextAsync("Loading statement…");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(page.Locator("#triage-section")).ToBeHiddenAsync();
        watch.AssertNoProblems("anonymous triage");
    }
}
