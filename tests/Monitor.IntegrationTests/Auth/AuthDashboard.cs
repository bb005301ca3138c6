using System.Net;
using System.Text.Json;
using Monitor.Data;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// One embedded dashboard on SQLite with anonymous reading off and a sign-in limit no test reaches; tests create their
/// own users in its database.
/// </summary>
public sealed class AuthDashboard : IAsyncLifetime
{
    /// <summary>An origin the hub admits besides its own (Auth:AllowedOrigins).</summary>
    public const string AllowedOrigin = "http://allowed.example:8443";

    /// <summary>How often the dashboard re-checks its open hub connections against the database.</summary>
    public static readonly TimeSpan ConnectionRecheck = TimeSpan.FromSeconds(1);

    private readonly TempSqliteFile _sqlite = new();

    public MonitorProcess Dashboard { get; private set; } = null!;

    public Database Database { get; private set; } = null!;

    public Uri BaseAddress => Dashboard.BaseAddress;

    public string DatabasePath => _sqlite.Path;

    public async Task InitializeAsync()
    {
        Dashboard = MonitorProcess.Create(Topology.Dashboard, new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = $"Data Source={_sqlite.Path}",
            ["Ingestion__UseDefaultSources"] = "false",
            ["Auth__AnonymousRead"] = "false",
            ["Auth__SignInPermitLimit"] = "1000",
            ["Auth__AllowedOrigins__0"] = AllowedOrigin,
            ["Auth__ConnectionRecheckInterval"] = "00:00:01",
            // As behind the compose proxy: X-Forwarded-Proto: https makes a request HTTPS (HSTS, Secure cookies).
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
        });
        await Dashboard.StartAsync();
        Database = TestAccounts.Sqlite(_sqlite.Path);
    }

    public async Task DisposeAsync()
    {
        await Dashboard.DisposeAsync();
        _sqlite.Dispose();
    }

    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    /// <summary>A new user of the role, signed in with the cookie (and the CSRF header set).</summary>
    public async Task<(long Id, string Password, HttpClient Http)> SignedInAsync(string userName, string role)
    {
        var (id, password) = await TestAccounts.CreateUserAsync(Database, userName, role);
        return (id, password, await TestAccounts.SignInAsync(BaseAddress, userName, password));
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class AuthDashboardCollection : ICollectionFixture<AuthDashboard>
{
    public const string Name = "dashboard with accounts";
}
