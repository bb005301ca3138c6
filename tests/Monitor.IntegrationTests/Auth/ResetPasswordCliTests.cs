using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary><c>monitor users reset-password</c> against the database of a running dashboard: the lost admin password.</summary>
[Collection(AuthDashboardCollection.Name)]
public sealed partial class ResetPasswordCliTests(AuthDashboard fixture)
{
    [Fact]
    public async Task The_cli_prints_a_new_password_that_signs_in_ends_the_old_sessions_and_refuses_an_unknown_name()
    {
        var (_, oldPassword, session) = await fixture.SignedInAsync("lost-admin", "admin");
        var connection = $"Data Source={fixture.DatabasePath}";

        var reset = await MonitorCliAsync("users", "reset-password", "Lost-Admin", "--connection-string", connection);
        var unknown = await MonitorCliAsync("users", "reset-password", "nobody-at-all", "--connection-string", connection);
        var noDatabase = await MonitorCliAsync("users", "reset-password", "lost-admin", "--connection-string", "Data Source=/nonexistent/monitor.db");
        using var oldSession = await session.GetAsync(new Uri("/api/admin/users", UriKind.Relative));

        Assert.Equal(0, reset.ExitCode);
        var password = NewPassword().Match(reset.Output).Groups[1].Value;
        Assert.Equal(24, password.Length);
        using var signedIn = await TestAccounts.SignInAsync(fixture.BaseAddress, "lost-admin", password);
        await Assert.ThrowsAsync<InvalidOperationException>(() => TestAccounts.SignInAsync(fixture.BaseAddress, "lost-admin", oldPassword));
        await AuthDashboard.ProblemAsync(oldSession, System.Net.HttpStatusCode.Unauthorized);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no user named 'nobody-at-all'", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, noDatabase.ExitCode);
        session.Dispose();
    }

    private static async Task<(int ExitCode, string Output, string Error)> MonitorCliAsync(params string[] args)
    {
        var configuration = typeof(ResetPasswordCliTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(MonitorProcess.RepositoryRoot, "src", "Monitor.Cli", "bin", configuration, "net10.0", "monitor.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"New password of lost-admin \(admin\): (\S+)")]
    private static partial Regex NewPassword();
}
