using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// Two dashboard processes started at once on one fresh PostgreSQL database: exactly one of them creates the first
/// administrator and logs its password, once; the password signs in; and a cookie (and its CSRF token) issued by one
/// process is accepted by the other and by a restarted one, because the Data Protection keys live in the database.
/// </summary>
public sealed partial class FirstAdminTests : IAsyncLifetime
{
    private PostgresDatabase _database = null!;
    private MonitorProcess _first = null!;
    private MonitorProcess _second = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = _database.ConnectionString,
            ["Ingestion__UseDefaultSources"] = "false",
        };
        _first = MonitorProcess.Create(Topology.Dashboard, environment);
        _second = MonitorProcess.Create(Topology.Dashboard, environment);
        await Task.WhenAll(_first.StartAsync(), _second.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task One_of_two_dashboards_logs_the_first_admins_password_once_and_its_cookie_works_on_both_and_after_a_restart()
    {
        var lines = Lines(_first).Concat(Lines(_second)).ToList();
        var line = Assert.Single(lines);
        var password = PasswordPattern().Match(line).Groups[1].Value;
        Assert.True(password.Length >= 20, line);
        Assert.Contains("WRN", line, StringComparison.Ordinal);

        var cookies = new CookieContainer();
        using var onFirst = await TestAccounts.SignInAsync(_first.BaseAddress, "admin", password, cookies);
        var csrf = onFirst.DefaultRequestHeaders.GetValues(TestAccounts.CsrfHeader).Single();
        using var onSecond = TestAccounts.CookieClient(_second.BaseAddress, cookies);
        onSecond.DefaultRequestHeaders.Add(TestAccounts.CsrfHeader, csrf);

        var meOnSecond = await onSecond.GetFromJsonAsync<JsonDocument>("/api/account/me");
        using var writeOnSecond = await onSecond.PostAsJsonAsync("/api/account/tokens", new { name = "made on the other replica" });
        using var adminOnSecond = await onSecond.GetAsync(new Uri("/api/admin/sources", UriKind.Relative));

        Assert.True(meOnSecond!.RootElement.GetProperty("authenticated").GetBoolean());
        Assert.Equal("admin", meOnSecond.RootElement.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.Created, writeOnSecond.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminOnSecond.StatusCode);

        await _first.RestartAsync();
        using var afterRestart = await onFirst.PostAsJsonAsync("/api/account/tokens", new { name = "after a restart" });
        Assert.Equal(HttpStatusCode.Created, afterRestart.StatusCode);
        // The restarted process found an admin and created none (its output is kept across the restart).
        Assert.Single(Lines(_first).Concat(Lines(_second)));
    }

    private static List<string> Lines(MonitorProcess process) =>
        process.Output.Split('\n').Where(l => l.Contains("Created the first administrator", StringComparison.Ordinal)).ToList();

    [GeneratedRegex("""Created the first administrator "admin" with password (\S+); sign in and change it\.""")]
    private static partial Regex PasswordPattern();
}
