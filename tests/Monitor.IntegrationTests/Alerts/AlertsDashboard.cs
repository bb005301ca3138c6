using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Outbox;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// One embedded dashboard on its own SQLite file for the alerts API tests, polling an empty test feed (so no statement
/// raises an alert the tests did not write). Alerts and deliveries are written straight into its database, as the
/// Alerts worker would; <c>AlertTriggered</c> events go through its outbox, which the dashboard's relay publishes.
/// Tests that write alerts create their subscriptions disabled, so the Alerts worker never adds one of its own.
/// </summary>
public class AlertsDashboard : IAsyncLifetime
{
    private readonly TempSqliteFile _sqlite = new();
    private readonly Dictionary<string, string> _extra;
    private readonly bool _postgres;
    private PostgresDatabase? _postgresDatabase;
    private FeedServer _feed = null!;
    private int _users;

    public AlertsDashboard()
        : this([])
    {
    }

    protected AlertsDashboard(Dictionary<string, string> extraEnvironment, bool postgres = false) =>
        (_extra, _postgres) = (extraEnvironment, postgres);

    public MonitorProcess Process { get; private set; } = null!;

    /// <summary>The dashboard's one source, "test-feed": empty until a test adds an item.</summary>
    public FeedServer Feed => _feed;

    /// <summary>No credentials: an anonymous caller.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public Database Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // xUnit does not dispose a fixture whose start failed: leave no process, file or database behind.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _feed = await FeedServer.StartAsync();
        var environment = Topology.Embedded(_sqlite.Path, _feed.FeedUrl);
        if (_postgres)
        {
            _postgresDatabase = await PostgresDatabase.CreateAsync();
            environment["Database__Provider"] = "Postgres";
            environment["Database__ConnectionString"] = _postgresDatabase.ConnectionString;
        }

        // The tests' webhooks and added sources point at TEST-NET-3, a documentation range the network guard refuses:
        // allowed here (at the end of the list, after any the fixture adds), as before the guard knew the range.
        environment["Alerts__AllowedNetworks__9"] = "203.0.113.0/24";
        foreach (var (key, value) in _extra)
        {
            environment[key] = value;
        }

        Process = MonitorProcess.Create(Topology.Dashboard, environment);
        Anonymous = new HttpClient { BaseAddress = Process.BaseAddress };
        Database = _postgresDatabase is null ? TestAccounts.Sqlite(_sqlite.Path) : TestAccounts.Postgres(_postgresDatabase.ConnectionString);
        await Process.StartAsync();
    }

    /// <summary>A new user of <paramref name="role"/> with an API token, and an HTTP client that sends it.</summary>
    public async Task<AlertsUser> UserAsync(string role, string? email = null)
    {
        var (id, _) = await TestAccounts.CreateUserAsync(Database, $"{role}-{Interlocked.Increment(ref _users)}", role, email: email);
        var token = await TestAccounts.CreateTokenAsync(Database, id);
        return new AlertsUser(id, token, TestAccounts.BearerClient(Process.BaseAddress, token));
    }

    /// <summary>Creates a subscription through the API and returns its JSON answer (201).</summary>
    public static async Task<JsonElement> CreateSubscriptionAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/api/subscriptions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>An alert row as the Alerts worker writes it.</summary>
    public async Task<long> InsertAlertAsync(long subscriptionId, long userId, string title, DateTimeOffset triggeredAt,
        long? statementId = 7, string url = "https://www.nato.int/cps/en/natohq/news_1.htm", string[]? topics = null)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO alerts (subscription_id, user_id, dedupe_key, kind, statement_id, revision, title, url, matched_topics, triggered_at)
            VALUES (@SubscriptionId, @UserId, @Key, 'statement', @StatementId, 1, @Title, @Url, @Topics, @At)
            RETURNING id
            """, new
        {
            SubscriptionId = subscriptionId, UserId = userId, Key = Guid.NewGuid().ToString(), StatementId = statementId, Title = title, Url = url,
            Topics = JsonSerializer.Serialize(topics ?? ["collective-defence"]), At = Database.ToDb(triggeredAt),
        });
    }

    /// <summary>A delivery row as the Alerts worker writes and updates it.</summary>
    public async Task<long> InsertDeliveryAsync(long subscriptionId, string state, long[] alertIds)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO deliveries (subscription_id, channel, alert_ids, state, attempts, next_attempt_at, last_status, last_error, created_at)
            VALUES (@SubscriptionId, 'webhook', @AlertIds, @State, 8, @Now, 503, 'HTTP 503 Service Unavailable', @Now)
            RETURNING id
            """, new { SubscriptionId = subscriptionId, AlertIds = JsonSerializer.Serialize(alertIds), State = state, Now = Database.ToDb(DateTimeOffset.UtcNow) });
    }

    /// <summary>Writes an event to the outbox, as a worker's transaction does; the dashboard's relay publishes it.</summary>
    public async Task EnqueueAsync<T>(T message)
        where T : class
    {
        await using var connection = await Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await OutboxStore.EnqueueAsync(connection, transaction, message, DateTimeOffset.UtcNow);
        await transaction.CommitAsync();
    }

    public async Task DisposeAsync()
    {
        Anonymous?.Dispose();
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        if (_feed is not null)
        {
            await _feed.DisposeAsync();
        }

        _sqlite.Dispose();
        if (_postgresDatabase is not null)
        {
            await _postgresDatabase.DisposeAsync();
        }
    }
}

/// <summary>
/// A dashboard of the distributed setup (no workers inside, so the <c>Alerts</c> settings are bound by the alerts API's own
/// setup) where an admin allows webhooks to 127.0.0.1 and SMTP is configured.
/// </summary>
public sealed class PermissiveAlertsDashboard() : AlertsDashboard(new()
{
    ["Dashboard__HostWorkers"] = "false",
    ["Alerts__AllowedNetworks__0"] = "127.0.0.1/32",
    ["Alerts__Smtp__Host"] = "127.0.0.1",
});

/// <summary>The embedded dashboard on PostgreSQL.</summary>
public sealed class PostgresAlertsDashboard() : AlertsDashboard([], postgres: true);

/// <summary>A signed-in test user: its id, its API token and a client that sends the token.</summary>
public sealed record AlertsUser(long Id, string Token, HttpClient Http);

[CollectionDefinition(Name)]
public sealed class AlertsDashboardCollection : ICollectionFixture<AlertsDashboard>
{
    public const string Name = "alerts API dashboard";
}
