using System.Globalization;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// Every page works under the dashboard's strict Content-Security-Policy (no inline script or style, this origin
/// only): the browser reports no violation, in its console or as a securitypolicyviolation event; and no page can be
/// framed by another.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class ContentSecurityPolicyTests(DashboardFixture fixture)
{
    // Runs before any page script, outside the page's CSP: collects what the policy blocked.
    private const string ViolationRecorder = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
          window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    [Theory]
    [InlineData("index.html", "#statements > li.statement")]
    [InlineData("topics.html", null)]
    [InlineData("topic.html?id=sanctions", null)]
    [InlineData("charts.html", null)]
    [InlineData("briefing.html", "#briefing-figures-table tbody tr")]
    [InlineData("history.html", null)]
    [InlineData("statement.html?id={statement}", null)]
    [InlineData("event.html?id={event}", "#event-timeline > li.event-member")]
    [InlineData("sources.html", null)]
    [InlineData("signin.html", null)]
    [InlineData("alerts.html", "#inbox > li.alert")]
    [InlineData("subscriptions.html", "#subscriptions > li.subscription")]
    [InlineData("account.html", "#tokens > li.token")]
    [InlineData("users.html", "#users > li.user")]
    [InlineData("errors.html", "#errors-panel")]
    public async Task Every_page_runs_under_the_strict_policy_with_no_violation(string path, string? content)
    {
        path = path.Replace("{statement}", fixture.Sanctions.StatementId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        path = await fixture.WithEventAsync(path);
        var signedIn = content is not null && !path.StartsWith("index", StringComparison.Ordinal);
        if (signedIn)
        {
            await fixture.PrepareAccountPagesAsync(path);
        }

        await using var context = signedIn ? await fixture.NewSignedInContextAsync() : await fixture.NewContextAsync();
        await context.AddInitScriptAsync(ViolationRecorder);
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;

        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.True(response is { Ok: true }, $"{path}: HTTP {response?.Status}");
        var policy = await response!.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("main#main")).ToBeVisibleAsync();
        if (content is not null)
        {
            await Assertions.Expect(page.Locator(content).First).ToBeVisibleAsync();
        }

        if (path.StartsWith("index", StringComparison.Ordinal))
        {
            await LivePage.WaitUntilLiveAsync(page, TimeSpan.FromSeconds(30));
        }

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.True(violations.Length == 0, $"{path}: {violations.Length} CSP violation(s):\n{string.Join('\n', violations)}");
        watch.AssertNoProblems($"{path} under the CSP");
    }

    [Fact]
    public async Task A_page_of_another_origin_cannot_frame_the_account_page()
    {
        await using var context = await fixture.NewSignedInContextAsync();
        var page = await context.NewPageAsync();
        var account = new Uri(fixture.Dashboard.BaseAddress, "account.html");

        await page.SetContentAsync($"<iframe id=\"victim\" src=\"{account}\" width=\"800\" height=\"600\"></iframe>");
        await page.WaitForTimeoutAsync(2000);

        var frame = page.Frames.Single(f => f != page.MainFrame);
        Assert.Equal(0, await frame.Locator("main#main").CountAsync());
        Assert.Equal(0, await frame.Locator("#tokens").CountAsync());
    }
}
