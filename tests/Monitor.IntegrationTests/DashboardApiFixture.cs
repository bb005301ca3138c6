using System.Net.Http.Json;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>
/// One embedded dashboard (in-memory transport) on SQLite or PostgreSQL polling two test feeds, a NATO one
/// (source "nato-test") and an EP one ("ep-test"), whose items are dated from 2 hours to 40 days ago. The live,
/// topics, chart and source endpoints are tested against it; each test class only reads, or adds its own items.
/// </summary>
public abstract class DashboardApiFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static readonly TestFeedItem[] NatoItems =
    [
        new("n-1", "Allies agree new sanctions on Russia", "NATO Allies agreed further sanctions against Russia over its war on Ukraine.", Now.AddHours(-2)),
        new("n-2", "Secretary General on Crimea", "Crimea is Ukraine; we will never recognise its illegal annexation.", Now.AddDays(-3)),
    ];

    public static readonly TestFeedItem[] EpItems =
    [
        new("e-1", "Parliament calls for tougher sanctions on Russia", "Members demand new sanctions against Russia.", Now.AddHours(-5)),
        new("e-2", "Parliament adopts a new sanctions package against Russia", "The sanctions package freezes assets of Russian oligarchs.", Now.AddDays(-20)),
        new("e-3", "Parliament backed sanctions on Russian banks", "Members backed sanctions on Russian banks.", Now.AddDays(-40)),
    ];

    private TempSqliteFile? _sqlite;
    private PostgresDatabase? _postgres;

    public FeedServer NatoFeed { get; private set; } = null!;

    public FeedServer EpFeed { get; private set; } = null!;

    public MonitorProcess Dashboard { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    protected abstract bool Postgres { get; }

    public async Task InitializeAsync()
    {
        NatoFeed = await FeedServer.StartAsync();
        EpFeed = await FeedServer.StartAsync();
        NatoFeed.Add(NatoItems);
        EpFeed.Add(EpItems);
        Dictionary<string, string> environment;
        if (Postgres)
        {
            _postgres = await PostgresDatabase.CreateAsync();
            environment = Topology.Embedded("unused.db", NatoFeed.FeedUrl);
            environment["Database__Provider"] = "Postgres";
            environment["Database__ConnectionString"] = _postgres.ConnectionString;
        }
        else
        {
            _sqlite = new TempSqliteFile();
            environment = Topology.Embedded(_sqlite.Path, NatoFeed.FeedUrl);
        }

        environment["Ingestion__Sources__0__Id"] = "nato-test";
        environment["Auth__AnonymousRead"] = "true";
        environment.WithSource(1, "ep-test", EpFeed.FeedUrl);
        Dashboard = MonitorProcess.Create(Topology.Dashboard, environment);
        await Dashboard.StartAsync();
        Http = new HttpClient { BaseAddress = Dashboard.BaseAddress };
        var stored = await WaitForStatementsAsync(NatoItems.Length + EpItems.Length);
        if (_postgres is not null)
        {
            // The dashboard really stores in this test's PostgreSQL database (not a SQLite file beside it).
            await using var connection = new Npgsql.NpgsqlConnection(_postgres.ConnectionString);
            await connection.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM statements", connection);
            Assert.Equal((long)stored.Count, (long)(await count.ExecuteScalarAsync())!);
        }
    }

    /// <summary>Waits until the history holds at least <paramref name="count"/> statements; returns them newest first.</summary>
    public async Task<List<StatementStored>> WaitForStatementsAsync(int count)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var statements = (await Http.GetFromJsonAsync<List<StatementStored>>("/api/statements?limit=500", Json.Options))!;
            if (statements.Count >= count)
            {
                return statements;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"{count} statements were not stored within 60 s; {statements.Count} were.\n{Dashboard.Output}");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Dashboard.DisposeAsync();
        await NatoFeed.DisposeAsync();
        await EpFeed.DisposeAsync();
        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}

public sealed class SqliteDashboardApi : DashboardApiFixture
{
    protected override bool Postgres => false;
}

public sealed class PostgresDashboardApi : DashboardApiFixture
{
    protected override bool Postgres => true;
}

[CollectionDefinition(Name)]
public sealed class SqliteDashboardApiCollection : ICollectionFixture<SqliteDashboardApi>
{
    public const string Name = "dashboard API on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresDashboardApiCollection : ICollectionFixture<PostgresDashboardApi>
{
    public const string Name = "dashboard API on PostgreSQL";
}
