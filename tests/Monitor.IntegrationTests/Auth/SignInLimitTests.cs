using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// The embedded default: anonymous reading on, sign-in limited to 10 attempts a minute per address and to 10 failures
/// per account in 15 minutes, whatever the addresses (here behind a trusted proxy, which names the client address).
/// </summary>
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
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
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
    public async Task Guesses_at_one_account_from_four_addresses_are_stopped_after_ten_failures_and_other_accounts_sign_in()
    {
        var database = TestAccounts.Sqlite(_sqlite.Path);
        var (_, password) = await TestAccounts.CreateUserAsync(database, "lena", "viewer");
        var (_, otherPassword) = await TestAccounts.CreateUserAsync(database, "mona", "viewer");
        using var http = new HttpClient { BaseAddress = _dashboard.BaseAddress };

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 12; attempt++)
        {
            using var wrong = await SignInFromAsync(http, $"198.51.100.{attempt % 4 + 1}", "LENA", "wrong password " + attempt);
            statuses.Add(wrong.StatusCode);
        }

        using var right = await SignInFromAsync(http, "198.51.100.9", "lena", password);
        using var other = await SignInFromAsync(http, "198.51.100.1", "mona", otherPassword);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), statuses);
        var problem = await AuthDashboard.ProblemAsync(right, HttpStatusCode.TooManyRequests);
        Assert.Contains("this account", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(right.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    private static async Task<HttpResponseMessage> SignInFromAsync(HttpClient http, string address, string userName, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/account/sign-in", UriKind.Relative))
        {
            Content = JsonContent.Create(new { userName, password }),
        };
        request.Headers.Add("X-Forwarded-For", address);
        return await http.SendAsync(request);
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
