using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Monitor.FeedSimulator;
using Monitor.Testing;
using Simulator = Monitor.FeedSimulator.FeedSimulator;

namespace Monitor.IntegrationTests;

/// <summary>
/// Sources managed at run time through the dashboard's admin API and the <c>monitor sources</c> CLI: an added source
/// is polled, a paused one is not, a removed one is gone, and every mistake gets a clear message.
/// </summary>
public sealed class SourcesAdminApiTests : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();
    private Simulator _simulator = null!;
    private MonitorProcess _dashboard = null!;
    private HttpClient _http = null!;
    private string _adminToken = null!;

    public async Task InitializeAsync()
    {
        _simulator = await Simulator.StartAsync();
        _simulator.AddFeed("managed", FeedShape.Rss, initialItems: 2);
        _dashboard = MonitorProcess.Create(Topology.Dashboard, new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = $"Data Source={_sqlite.Path}",
            ["Ingestion__UseDefaultSources"] = "false",
            ["Ingestion__AllowedNetworks__0"] = "127.0.0.1/32",
        });
        await _dashboard.StartAsync();
        var database = TestAccounts.Sqlite(_sqlite.Path);
        var (adminId, _) = await TestAccounts.CreateUserAsync(database, "sources-admin", "admin");
        _adminToken = await TestAccounts.CreateTokenAsync(database, adminId);
        _http = TestAccounts.BearerClient(_dashboard.BaseAddress, _adminToken);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _dashboard.DisposeAsync();
        await _simulator.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task An_added_source_is_polled_a_paused_one_is_not_and_a_removed_one_is_gone()
    {
        var feed = _simulator["managed"];
        using var added = await _http.PostAsJsonAsync("/api/admin/sources", new { id = "managed", name = "Managed", url = feed.Url, adapter = "rss", pollIntervalSeconds = 1 });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        await WaitForAsync(async () => (await _http.GetFromJsonAsync<List<Statement>>("/api/statements", Json.Options))!.Count(s => s.SourceId == "managed") == 2);

        using var paused = await _http.PostAsync(new Uri("/api/admin/sources/managed/pause", UriKind.Relative), null);
        await Task.Delay(1500); // a poll already under way may finish
        var requestsWhenPaused = feed.Requests;
        await Task.Delay(3000);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal(requestsWhenPaused, feed.Requests);
        Assert.False((await _http.GetFromJsonAsync<Source>("/api/admin/sources/managed", Json.Options))!.Enabled);

        using var resumed = await _http.PostAsync(new Uri("/api/admin/sources/managed/resume", UriKind.Relative), null);
        await WaitForAsync(() => Task.FromResult(feed.Requests > requestsWhenPaused));

        using var removed = await _http.DeleteAsync(new Uri("/api/admin/sources/managed", UriKind.Relative));
        using var gone = await _http.GetAsync(new Uri("/api/admin/sources/managed", UriKind.Relative));
        using var removedAgain = await _http.DeleteAsync(new Uri("/api/admin/sources/managed", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removedAgain.StatusCode);
        Assert.DoesNotContain(await _http.GetFromJsonAsync<List<Source>>("/api/admin/sources", Json.Options) ?? [], s => s.Id == "managed");
    }

    [Theory]
    [InlineData("""{"id":"x","url":"http://127.0.0.1:9/x.xml","adapter":"bogus"}""", 400, "'bogus' is not a feed adapter")]
    [InlineData("""{"id":"x","url":"/relative/feed.xml"}""", 400, "absolute http or https URL")]
    [InlineData("""{"id":"x","url":"ftp://127.0.0.1/x.xml"}""", 400, "absolute http or https URL")]
    [InlineData("""{"id":"x","url":"http://127.0.0.1:9/x.xml","pollIntervalSeconds":0}""", 400, "'pollIntervalSeconds' must be from 1")]
    [InlineData("""{"id":"Bad Id!","url":"http://127.0.0.1:9/x.xml"}""", 400, "'id' must be")]
    public async Task A_bad_source_is_refused_with_a_problem_that_says_why(string body, int status, string message)
    {
        using var response = await _http.PostAsync(new Uri("/api/admin/sources", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_lists_adds_and_reports_the_servers_refusals_with_a_non_zero_exit()
    {
        var add = await MonitorCliAsync("sources", "add", "cli-feed", _simulator["managed"].Url.ToString(), "--interval", "60", "--server", _dashboard.BaseAddress.ToString());
        var duplicate = await MonitorCliAsync("sources", "add", "cli-feed", _simulator["managed"].Url.ToString(), "--server", _dashboard.BaseAddress.ToString());
        var pause = await MonitorCliAsync("sources", "pause", "cli-feed", "--server", _dashboard.BaseAddress.ToString());
        var list = await MonitorCliAsync("sources", "list", "--server", _dashboard.BaseAddress.ToString());
        var unknown = await MonitorCliAsync("sources", "remove", "no-such-source", "--server", _dashboard.BaseAddress.ToString());

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("409", duplicate.Error, StringComparison.Ordinal);
        Assert.Contains("exists already", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(0, pause.ExitCode);
        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"cli-feed\s+paused", list.Output);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no source with id 'no-such-source'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_admin_may_manage_sources()
    {
        var database = TestAccounts.Sqlite(_sqlite.Path);
        var (viewerId, _) = await TestAccounts.CreateUserAsync(database, "sources-viewer", "viewer");
        using var viewer = TestAccounts.BearerClient(_dashboard.BaseAddress, await TestAccounts.CreateTokenAsync(database, viewerId));
        using var anonymous = new HttpClient { BaseAddress = _dashboard.BaseAddress };

        using var asViewer = await viewer.PostAsJsonAsync("/api/admin/sources", new { id = "nope", url = "http://127.0.0.1:9/x.xml" });
        using var listAnonymous = await anonymous.GetAsync(new Uri("/api/admin/sources", UriKind.Relative));
        var cli = await RunCliAsync(null, "sources", "list", "--server", _dashboard.BaseAddress.ToString());

        Assert.Equal(HttpStatusCode.Forbidden, asViewer.StatusCode);
        Assert.Equal("application/problem+json", asViewer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, listAnonymous.StatusCode);
        Assert.Equal("application/problem+json", listAnonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("401", cli.Error, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> MonitorCliAsync(params string[] args) => RunCliAsync(_adminToken, args);

    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(string? token, params string[] args)
    {
        var configuration = typeof(SourcesAdminApiTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(MonitorProcess.RepositoryRoot, "src", "Monitor.Cli", "bin", configuration, "net10.0", "monitor.dll");
        var startInfo = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["MONITOR_TOKEN"] = token ?? "";
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition was not met within 30 s.");
            }

            await Task.Delay(200);
        }
    }

    private sealed record Source(string Id, bool Enabled, string Health);

    private sealed record Statement(string SourceId, string ExternalId);
}
