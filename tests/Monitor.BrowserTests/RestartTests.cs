using System.Globalization;
using Microsoft.Playwright;
using Monitor.Data.Statements;
using Monitor.Testing;
using Xunit.Abstractions;

namespace Monitor.BrowserTests;

/// <summary>
/// The dashboard dies and comes back on the same address while a page is open. Its push queue is temporary, so the
/// statements stored while it was down (by the separate Tagging and Persistence processes) reach the page only through
/// its catch-up after the reconnect: all of them must be there, each once.
/// </summary>
[Collection(nameof(RestartCollection))]
public sealed class RestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>More than the 50 newest that the page's first snapshot loads: only a real catch-up brings them all.</summary>
    private const int MissedWhileDown = 60;

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private DistributedTopology _topology = null!;
    private PipelineBus? _bus;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _topology = await DistributedTopology.CreateAsync(pollSeconds: 3600);
    }

    [Fact]
    public async Task After_a_dashboard_restart_the_page_reconnects_and_shows_what_it_missed_once_each()
    {
        var dashboard = _topology.Create(Topology.Dashboard);
        var processes = new[] { dashboard, _topology.Create("workers/Monitor.Tagging"), _topology.Create("workers/Monitor.Persistence") };
        await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));
        _bus = await PipelineBus.StartAsync(_topology.Rabbit);
        var store = new StatementStore(_topology.OpenDatabase());

        await using var context = await DashboardFixture.NewContextAsync(_browser!, dashboard.BaseAddress);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("index.html");
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        var run = Texts.UniqueWord("restart");
        var before = await DashboardFixture.PublishAndStoreAsync(_bus, store, Texts.SanctionsStatement($"{run} before"));
        await LivePage.WaitForArrivalAsync(page, $"{run} before", TimeSpan.FromSeconds(30));

        await dashboard.KillAsync();
        await page.WaitForSelectorAsync("#connection-state:not([data-state=live])", new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        output.WriteLine($"dashboard killed; page state: {await page.GetAttributeAsync("#connection-state", "data-state")}");

        var published = Enumerable.Range(0, MissedWhileDown)
            .Select(i => i % 2 == 0 ? Texts.SanctionsStatement($"{run} missed {i}") : Texts.HumanitarianStatement($"{run} missed {i}"))
            .ToList();
        foreach (var statement in published)
        {
            await _bus.PublishAsync(statement);
        }

        var missed = await DashboardFixture.WaitForStoredAsync(store, [.. published.Select(s => s.ExternalId)], TimeSpan.FromSeconds(60));

        output.WriteLine($"{missed.Count} statements stored while the dashboard was down; restarting it on {dashboard.BaseAddress}");
        await dashboard.RestartAsync(TimeSpan.FromSeconds(120));
        var restartedAt = DateTimeOffset.UtcNow;
        await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(150));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live again {(DateTimeOffset.UtcNow - restartedAt).TotalSeconds:0.0} s after the restart"));

        var expected = missed.Select(s => s.StatementId).Append(before.StatementId).ToHashSet();
        const string ShownIds = "() => [...document.querySelectorAll('#statements > li.statement')].map((li) => Number(li.dataset.statementId))";
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        long[] shown;
        do
        {
            await Task.Delay(250);
            shown = await page.EvaluateAsync<long[]>(ShownIds);
        }
        while (!expected.IsSubsetOf(shown) && DateTimeOffset.UtcNow < deadline);

        // Give a late duplicate (a second catch-up, a push of something already caught up) time to appear.
        await Task.Delay(2000);
        shown = await page.EvaluateAsync<long[]>(ShownIds);
        var missing = expected.Except(shown).Order().ToList();
        var duplicates = shown.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        output.WriteLine($"page shows {shown.Length} statements; missing {missing.Count}; duplicated {duplicates.Count}");
        if (missing.Count > 0)
        {
            output.WriteLine($"page problems after the restart (expected while the dashboard was down):\n{string.Join('\n', watch.Problems.TakeLast(20))}");
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of the {expected.Count} statements are not shown: {string.Join(", ", missing)}");
        Assert.True(duplicates.Count == 0, $"statements shown more than once: {string.Join(", ", duplicates)}");
        Assert.Equal(expected.Count, shown.Count(expected.Contains));
        await Assertions.Expect(page.Locator("#connection-state")).ToHaveAttributeAsync("data-state", "live");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_bus is not null)
        {
            await _bus.DisposeAsync();
        }

        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(RestartCollection), DisableParallelization = true)]
public sealed class RestartCollection;
