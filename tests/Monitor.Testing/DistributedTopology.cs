namespace Monitor.Testing;

/// <summary>
/// A fresh PostgreSQL database, a fresh RabbitMQ virtual host and a feed on 127.0.0.1, and the Monitor processes
/// started against them, each as its own OS process. Disposing stops the processes and drops the rest.
/// </summary>
public sealed class DistributedTopology : IAsyncDisposable
{
    private readonly List<MonitorProcess> _processes = [];

    private DistributedTopology(PostgresDatabase database, RabbitMqVirtualHost rabbit, FeedServer feed, int pollSeconds)
    {
        Database = database;
        Rabbit = rabbit;
        Feed = feed;
        // The existing tests read the dashboard without signing in, as the embedded setup allows by default.
        var environment = Topology.Distributed(rabbit, database.ConnectionString, feed.FeedUrl, pollSeconds);
        environment["Auth__AnonymousRead"] = "true";
        Environment = environment;
    }

    public PostgresDatabase Database { get; }

    public RabbitMqVirtualHost Rabbit { get; }

    public FeedServer Feed { get; }

    /// <summary>What each process is given: the variables docker-compose gives its services, plus the test feed.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static async Task<DistributedTopology> CreateAsync(int pollSeconds = 1) =>
        new(await PostgresDatabase.CreateAsync(), await RabbitMqVirtualHost.CreateAsync(), await FeedServer.StartAsync(), pollSeconds);

    public Monitor.Data.Database OpenDatabase() =>
        new(new Monitor.Data.DatabaseOptions { Provider = Monitor.Data.DatabaseProvider.Postgres, ConnectionString = Database.ConnectionString });

    /// <summary>
    /// A process of the topology, not yet started (a test may start, kill and restart it), with
    /// <paramref name="settings"/> added to its environment.
    /// </summary>
    public MonitorProcess Create(string project, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var process = MonitorProcess.Create(project, environment);
        _processes.Add(process);
        return process;
    }

    public async Task<MonitorProcess> StartAsync(string project, TimeSpan? readyWithin = null)
    {
        var process = Create(project);
        await process.StartAsync(readyWithin);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await Feed.DisposeAsync();
        await Rabbit.DisposeAsync();
        await Database.DisposeAsync();
    }
}
