namespace Monitor.BrowserTests;

/// <summary>
/// Where screenshots go: MONITOR_TEST_ARTIFACTS, else $MONITOR_TEST_LOG_DIR/screenshots, else /tmp/monitor-test/screenshots.
/// scripts/test.sh exports MONITOR_TEST_ARTIFACTS so CI keeps them beside its logs.
/// </summary>
public static class Artifacts
{
    public static string Directory
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("MONITOR_TEST_ARTIFACTS") is { Length: > 0 } artifacts
                ? artifacts
                : Path.Combine(Environment.GetEnvironmentVariable("MONITOR_TEST_LOG_DIR") is { Length: > 0 } logs ? logs : Path.Combine(Path.GetTempPath(), "monitor-test"), "screenshots");
            System.IO.Directory.CreateDirectory(path);
            return path;
        }
    }
}
