namespace Monitor.Testing;

/// <summary>
/// The environment docker-compose gives each service, pointed at the local RabbitMQ virtual host and PostgreSQL
/// database of a test, plus the source to poll (compose polls the default sources; tests are offline).
/// </summary>
public static class Topology
{
    public static readonly string[] Workers =
        ["workers/Monitor.Ingestion", "workers/Monitor.Tagging", "workers/Monitor.Persistence", "workers/Monitor.Alerts"];

    public const string Dashboard = "dashboard/Monitor.Dashboard";

    /// <summary>Test feeds are served on 127.0.0.1, a loopback address Ingestion refuses unless allowed.</summary>
    public const string TestFeedNetwork = "127.0.0.1/32";

    public static Dictionary<string, string> Distributed(RabbitMqVirtualHost rabbit, string postgres, Uri feed, int pollSeconds = 1) =>
        Distributed(rabbit.Host, rabbit.Port, rabbit.Name, rabbit.Username, rabbit.Password, postgres, feed, pollSeconds);

    /// <summary>As above, on a broker given by its address (a test's own RabbitMQ node).</summary>
    public static Dictionary<string, string> Distributed(
        string rabbitHost, int rabbitPort, string virtualHost, string username, string password, string postgres, Uri feed, int pollSeconds = 1) => new()
    {
        ["Messaging__Transport"] = "RabbitMq",
        ["Messaging__RabbitMq__Host"] = rabbitHost,
        ["Messaging__RabbitMq__Port"] = rabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Messaging__RabbitMq__VirtualHost"] = virtualHost,
        ["Messaging__RabbitMq__Username"] = username,
        ["Messaging__RabbitMq__Password"] = password,
        ["Database__Provider"] = "Postgres",
        ["Database__ConnectionString"] = postgres,
        ["Dashboard__HostWorkers"] = "false",
        ["Ingestion__UseDefaultSources"] = "false",
        ["Ingestion__AllowedNetworks__0"] = TestFeedNetwork,
        ["Ingestion__Sources__0__Id"] = "test-feed",
        ["Ingestion__Sources__0__Url"] = feed.ToString(),
        ["Ingestion__Sources__0__PollIntervalSeconds"] = pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Adds a further source (index 1, 2, ...) to an environment.</summary>
    public static Dictionary<string, string> WithSource(this Dictionary<string, string> environment, int index, string id, Uri feed, int pollSeconds = 1)
    {
        var prefix = $"Ingestion__Sources__{index}__";
        environment[prefix + "Id"] = id;
        environment[prefix + "Url"] = feed.ToString();
        environment[prefix + "PollIntervalSeconds"] = pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return environment;
    }

    /// <summary>The embedded default (in-memory transport, SQLite), with only the test feed as a source.</summary>
    public static Dictionary<string, string> Embedded(string sqliteFile, Uri feed, int pollSeconds = 1) => new()
    {
        ["Database__ConnectionString"] = $"Data Source={sqliteFile}",
        ["Ingestion__UseDefaultSources"] = "false",
        ["Ingestion__AllowedNetworks__0"] = TestFeedNetwork,
        ["Ingestion__Sources__0__Id"] = "test-feed",
        ["Ingestion__Sources__0__Url"] = feed.ToString(),
        ["Ingestion__Sources__0__PollIntervalSeconds"] = pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The embedded default as a demo: no real sources, the simulator's statements every second.</summary>
    public static Dictionary<string, string> EmbeddedDemo(string sqliteFile) => new()
    {
        ["Database__ConnectionString"] = $"Data Source={sqliteFile}",
        ["Ingestion__UseDefaultSources"] = "false",
        ["Demo__Enabled"] = "true",
        ["Demo__IntervalSeconds"] = "1",
        ["Demo__SimulatorPort"] = "0",
    };
}
