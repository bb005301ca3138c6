namespace Monitor.Testing;

/// <summary>
/// The embedded default as the integration tests start it: a SQLite file, a feed server on 127.0.0.1 as its only
/// source (<c>test-feed</c>), and the dashboard process hosting every worker. Disposing stops the process and the feed
/// and deletes the file.
/// </summary>
public sealed class EmbeddedDashboard : IAsyncDisposable
{
    private readonly TempSqliteFile _sqlite;

    private EmbeddedDashboard(TempSqliteFile sqlite, FeedServer feed, MonitorProcess process)
    {
        _sqlite = sqlite;
        Feed = feed;
        Process = process;
    }

    /// <summary>The feed of the <c>test-feed</c> source.</summary>
    public FeedServer Feed { get; }

    public MonitorProcess Process { get; }

    public Uri BaseAddress => Process.BaseAddress;

    /// <summary>
    /// Starts the feed, then the dashboard. seed: what the feed holds before the dashboard starts; configure: more of
    /// the dashboard's environment (another source, an option); prepare: given the SQLite file's path before the
    /// dashboard starts (a history written straight into the database).
    /// </summary>
    public static async Task<EmbeddedDashboard> StartAsync(
        Action<FeedServer>? seed = null, Action<Dictionary<string, string>>? configure = null, Func<string, Task>? prepare = null)
    {
        var sqlite = new TempSqliteFile();
        FeedServer? feed = null;
        MonitorProcess? process = null;
        try
        {
            if (prepare is not null)
            {
                await prepare(sqlite.Path);
            }

            feed = await FeedServer.StartAsync();
            seed?.Invoke(feed);
            var environment = Topology.Embedded(sqlite.Path, feed.FeedUrl);
            configure?.Invoke(environment);
            process = MonitorProcess.Create(Topology.Dashboard, environment);
            await process.StartAsync();
            return new EmbeddedDashboard(sqlite, feed, process);
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            if (feed is not null)
            {
                await feed.DisposeAsync();
            }

            sqlite.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await Feed.DisposeAsync();
        _sqlite.Dispose();
    }
}
