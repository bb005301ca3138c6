using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// The system Chromium (MONITOR_TEST_CHROMIUM, default /usr/bin/chromium, installed by scripts/test.sh) driven by
/// Playwright. No browser is ever downloaded: Playwright only brings its driver, which ships inside its NuGet package.
/// A missing Chromium fails the tests with a clear message; they never skip.
/// </summary>
public static class Chromium
{
    /// <summary>The switches every launch uses: headless, no sandbox (root in CI), nothing that reaches the network.</summary>
    public static readonly string[] Arguments =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("MONITOR_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var path = ExecutablePath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No Chromium at {path} (MONITOR_TEST_CHROMIUM). Run the tests through scripts/test.sh, which installs Debian's chromium, or point MONITOR_TEST_CHROMIUM at a Chromium binary.");
        }

        // Playwright must never fetch a browser of its own: the network reaches only the package registries.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = Arguments,
                Timeout = 60_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
