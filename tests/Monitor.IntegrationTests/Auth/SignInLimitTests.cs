using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>The embedded default: anonymous reading on, and sign-in limited to 10 attempts a minute per address.</summary>
public sealed class SignInLimitTests : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();
    private MonitorProcess _dashboard = null!;

    public async Task InitializeAsync()
    {
        _dashboard = MonitorProcess.Create(Topology.Dashboard, new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = $"Data Source={_sqlite.Path}",
            ["Ingestion__UseDefaultSources"] = "false",
        });
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dashboard.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task The_eleventh_sign_in_attempt_in_a_minute_is_429_with_retry_after_even_with_the_right_password()
    {
        var (_, password) = await TestAccounts.CreateUserAsync(TestAccounts.Sqlite(_sqlite.Path), "kate", "viewer");
        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var wrong = await http.PostAsJsonAsync("/api/account/sign-in", new { userName = "kate", password = "wrong password " + attempt });
            statuses.Add(wrong.StatusCode);
        }

        using var limited = await http.PostAsJsonAsync("/api/account/sign-in", new { userName = "kate", password });

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        var problem = await AuthDashboard.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Contains("Too many sign-in attempts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task Reading_is_anonymous_in_the_embedded_default_but_writing_is_not()
    {
        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };

        var me = await http.GetFromJsonAsync<JsonDocument>("/api/account/me");
        using var read = await http.GetAsync(new Uri("/api/statements", UriKind.Relative));
        using var hub = await http.PostAsync(new Uri("/hubs/monitor/negotiate?negotiateVersion=1", UriKind.Relative), null);
        using var admin = await http.GetAsync(new Uri("/api/admin/sources", UriKind.Relative));
        using var bogusToken = await TestAccounts.BearerClient(_dashboard.BaseAddress, "mon_not-a-token").GetAsync(new Uri("/api/statements", UriKind.Relative));

        Assert.True(me!.RootElement.GetProperty("anonymousRead").GetBoolean());
        Assert.False(me.RootElement.GetProperty("authenticated").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
        await AuthDashboard.ProblemAsync(admin, HttpStatusCode.Unauthorized);
        await AuthDashboard.ProblemAsync(bogusToken, HttpStatusCode.Unauthorized);
    }
}
