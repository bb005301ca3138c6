using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>The live view (index.html) in Chromium, fed by statements published into the running pipeline.</summary>
[Collection(nameof(DashboardCollection))]
public sealed class LiveViewTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_statement_published_into_the_pipeline_appears_in_the_live_view_within_a_second()
    {
        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));

        // One statement first: the pipeline's processes and the page have done the work once (JIT, connections).
        var warmUp = Texts.UniqueWord("warmup");
        await fixture.Bus.PublishAsync(Texts.SanctionsStatement(warmUp));
        await LivePage.WaitForArrivalAsync(page, warmUp, TimeSpan.FromSeconds(60));

        var times = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var marker = Texts.UniqueWord("latency");
            var statement = i % 2 == 0 ? Texts.SanctionsStatement(marker) : Texts.HumanitarianStatement(marker);
            var publishedAt = LivePage.NowMs();
            await fixture.Bus.PublishAsync(statement);
            // The wait may take longer than a second: the measured time comes from inside the page, the assert below.
            var arrival = await LivePage.WaitForArrivalAsync(page, marker, TimeSpan.FromSeconds(30));
            times.Add(arrival.T - publishedAt);
            var item = Item(page, arrival.StatementId);
            await Assertions.Expect(item).ToHaveAttributeAsync("data-revision", "1");
            await Assertions.Expect(item).ToHaveAttributeAsync("data-source-id", Texts.SourceId);
            await Assertions.Expect(item.Locator(".chip[data-topic-id]").First).ToBeVisibleAsync();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"statement {arrival.StatementId}: publish -> in the live view {arrival.T - publishedAt} ms"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"publish -> visible: min {times.Min()} ms, max {times.Max()} ms, mean {times.Average():0} ms"));
        Assert.All(times, ms => Assert.InRange(ms, 0, (long)Second.TotalMilliseconds));
        watch.AssertNoProblems("live view");
    }

    [Fact]
    public async Task The_topic_filter_shows_only_the_chosen_topic_also_for_new_arrivals()
    {
        var run = Texts.UniqueWord("filter");
        var sanctions = await fixture.PublishAndStoreAsync(Texts.SanctionsStatement($"{run} one"));
        var humanitarian = await fixture.PublishAndStoreAsync(Texts.HumanitarianStatement($"{run} one"));
        // The premise: the tagger put each in one of the two topics only.
        Assert.Contains(sanctions.Topics, t => t.TopicId == "sanctions");
        Assert.DoesNotContain(sanctions.Topics, t => t.TopicId == "humanitarian-aid");
        Assert.Contains(humanitarian.Topics, t => t.TopicId == "humanitarian-aid");
        Assert.DoesNotContain(humanitarian.Topics, t => t.TopicId == "sanctions");

        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        await Assertions.Expect(Item(page, sanctions.StatementId)).ToBeVisibleAsync();
        await Assertions.Expect(Item(page, humanitarian.StatementId)).ToBeVisibleAsync();

        await page.SelectOptionAsync("select#filter-topic", "sanctions");
        await Assertions.Expect(Item(page, humanitarian.StatementId)).ToBeHiddenAsync();
        await Assertions.Expect(Item(page, sanctions.StatementId)).ToBeVisibleAsync();
        var visible = page.Locator("#statements > li.statement:visible");
        Assert.True(await visible.CountAsync() > 0);
        foreach (var item in await visible.AllAsync())
        {
            Assert.Equal(1, await item.Locator(".chip[data-topic-id='sanctions']").CountAsync());
        }

        // New arrivals while filtered: the other topic's first, so it had every chance to show before ours does.
        var laterHumanitarian = await fixture.PublishAndStoreAsync(Texts.HumanitarianStatement($"{run} two"));
        var laterSanctions = await fixture.PublishAndStoreAsync(Texts.SanctionsStatement($"{run} two"));
        await Assertions.Expect(Item(page, laterSanctions.StatementId)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Task.Delay(Second); // the other topic's push came first; give it time to show if it wrongly would
        await Assertions.Expect(Item(page, laterHumanitarian.StatementId)).ToBeHiddenAsync();
        await Assertions.Expect(Item(page, humanitarian.StatementId)).ToBeHiddenAsync();

        // All topics again: everything, including what arrived while it was filtered out.
        await page.SelectOptionAsync("select#filter-topic", "");
        foreach (var id in new[] { sanctions.StatementId, humanitarian.StatementId, laterSanctions.StatementId, laterHumanitarian.StatementId })
        {
            await Assertions.Expect(Item(page, id)).ToBeVisibleAsync();
        }

        watch.AssertNoProblems("live view with the topic filter");
    }

    [Fact]
    public async Task While_paused_arrivals_wait_and_are_counted_then_resume_shows_them()
    {
        await using var context = await fixture.NewContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        var pause = page.Locator("button#pause");
        await Assertions.Expect(pause).ToHaveAttributeAsync("aria-pressed", "false");

        await pause.ClickAsync();
        await Assertions.Expect(pause).ToHaveAttributeAsync("aria-pressed", "true");
        var run = Texts.UniqueWord("paused");
        var first = await fixture.PublishAndStoreAsync(Texts.SanctionsStatement($"{run} one"));
        var second = await fixture.PublishAndStoreAsync(Texts.HumanitarianStatement($"{run} two"));
        await Assertions.Expect(page.Locator("#paused-count")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\b2\b"), new() { Timeout = 30_000 });
        await Assertions.Expect(Item(page, first.StatementId)).ToBeHiddenAsync();
        await Assertions.Expect(Item(page, second.StatementId)).ToBeHiddenAsync();

        await pause.ClickAsync();
        await Assertions.Expect(pause).ToHaveAttributeAsync("aria-pressed", "false");
        await Assertions.Expect(Item(page, first.StatementId)).ToBeVisibleAsync();
        await Assertions.Expect(Item(page, second.StatementId)).ToBeVisibleAsync();
        watch.AssertNoProblems("live view paused and resumed");
    }

    private static ILocator Item(IPage page, long statementId) =>
        page.Locator($"#statements > li.statement[data-statement-id='{statementId.ToString(CultureInfo.InvariantCulture)}']");
}
