using System.Diagnostics;

namespace Monitor.Testing;

/// <summary>Runs a service's command-line tool (pg_ctl, rabbitmqctl) to its end and answers its exit code and output.</summary>
internal static class ServiceCommand
{
    public static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("EUID") == "0";

    /// <summary>
    /// Runs <paramref name="file"/>; as root under <paramref name="runAs"/> (through runuser), since PostgreSQL refuses
    /// to run as root.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file, IEnumerable<string> arguments, TimeSpan timeout, string? runAs = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = runAs is not null && IsRoot
            ? new ProcessStartInfo("runuser", ["-u", runAs, "--", file, .. arguments])
            : new ProcessStartInfo(file, arguments);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.WorkingDirectory = "/";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"{file} {string.Join(' ', arguments)}: timed out after {timeout.TotalSeconds} s\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<string> RunCheckedAsync(
        string file, IEnumerable<string> arguments, TimeSpan timeout, string? runAs = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var list = arguments.ToList();
        var (code, output) = await RunAsync(file, list, timeout, runAs, environment);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', list)} exited with {code}:\n{output}");
    }
}
