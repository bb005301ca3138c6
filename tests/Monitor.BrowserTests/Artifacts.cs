namespace Monitor.BrowserTests;

/// <summary>
/// Where screenshots go: MONITOR_TEST_ARTIFACTS (scripts/test.sh exports it), else artifacts/screenshots in the checkout
/// (git-ignored).
/// </summary>
public static class Artifacts
{
    public static string Directory
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("MONITOR_TEST_ARTIFACTS") is { Length: > 0 } artifacts
                ? artifacts
                : Path.Combine(Monitor.Testing.MonitorProcess.RepositoryRoot, "artifacts", "screenshots");
            System.IO.Directory.CreateDirectory(path);
            return path;
        }
    }
}
