using System.Diagnostics;

namespace Monitor.Testing;

/// <summary>
/// Prometheus' own checker (<c>promtool</c>, Debian's <c>prometheus</c> package, installed by scripts/test.sh): a scrape
/// that passes <c>promtool check metrics</c> is what a Prometheus server parses.
/// </summary>
public static class Promtool
{
    public static string Path => Environment.GetEnvironmentVariable("MONITOR_TEST_PROMTOOL") is { Length: > 0 } path ? path : "/usr/bin/promtool";

    /// <summary>Runs <c>promtool check metrics</c> on an exposition; answers its exit code and what it said.</summary>
    public static Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition) => RunAsync(["check", "metrics"], exposition);

    /// <summary>Runs promtool with <paramref name="arguments"/> (and <paramref name="input"/> on its standard input).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, string input = "")
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"No promtool at {Path}: run the tests through scripts/test.sh, which installs Debian's prometheus package.");
        }

        var startInfo = new ProcessStartInfo(Path, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
