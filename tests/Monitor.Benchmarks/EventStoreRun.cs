using System.Diagnostics;
using System.Globalization;
using Monitor.Contracts;
using Monitor.Core.Events;
using Monitor.Core.Events.Evaluation;
using Monitor.Core.Tagging;
using Monitor.Data;
using Monitor.Data.Events;
using Monitor.Data.Migrations;
using Monitor.Data.Statements;
using Monitor.Embeddings;
using Monitor.Tagging.Events;

namespace Monitor.Benchmarks;

/// <summary>
/// <c>-- events [N]</c>: how long the Tagging worker's event clustering (<see cref="EventClusterRunner"/>, pages of 50 as
/// the service runs it) takes to cluster the N newest statements of a store (default 1,000), on a fresh SQLite file,
/// and where the time goes: embedding, assigning (the clusterer and its rebuilds from the store), reading and writing.
/// </summary>
/// <remarks>
/// The statements are the 439 dated statements of the labelled events set (real NATO and EP texts), repeated with their
/// days moved 400 days further each round until there are N, stored in date order. Two runs, each on its own store:
/// <b>cold</b>, every sentence embedded (embedder cache off); <b>warm</b>, as in the Tagging worker, where the hybrid
/// tagger has just embedded the same statements' sentences into the shared cache. Baseline in the same run: the hybrid
/// tagger's own cost per statement (cache off), the live path's work per statement.
/// </remarks>
internal static class EventStoreRun
{
    private static string? _postgres;

    /// <param name="postgres">A PostgreSQL server's connection string: each run then gets its own fresh database there (dropped after) instead of a SQLite file.</param>
    public static async Task RunAsync(TextWriter output, int count, string? postgres = null)
    {
        _postgres = postgres;
        var set = EventSet.LoadDefault();
        var items = Enumerable.Range(0, count).Select(i => (Item: set[i % set.Count], Shift: i / set.Count * 400)).ToList();
        var topics = TopicFile.LoadDefault();
        var rules = Taggers.Create(topics, Taggers.Mode.Rules);

        // Baseline: the hybrid tagger on the same statements, cache off (what the live path pays per statement).
        var coldTagger = Taggers.Create(topics, Taggers.Mode.Hybrid, embedder: new MiniLmEmbedder(cacheCapacity: 0));
        coldTagger.Analyse(items[0].Item.Statement.Title, items[0].Item.Statement.Text);
        var tagging = Stopwatch.StartNew();
        foreach (var (item, _) in items)
        {
            coldTagger.Analyse(item.Statement.Title, item.Statement.Text);
        }

        tagging.Stop();
        var perTag = tagging.Elapsed.TotalMilliseconds / count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Baseline: hybrid tagging, cache off: {perTag:0.00} ms a statement ({count} statements)"));

        var cold = await ClusterAsync(items, new EventFeatures(rules, new MiniLmEmbedder(cacheCapacity: 0)));
        Report(output, "cold (every sentence embedded)", cold, perTag);

        var shared = new MiniLmEmbedder(cacheCapacity: 50_000);
        var warmTagger = Taggers.Create(topics, Taggers.Mode.Hybrid, embedder: shared);
        foreach (var (item, _) in items)
        {
            warmTagger.Analyse(item.Statement.Title, item.Statement.Text);
        }

        var warm = await ClusterAsync(items, new EventFeatures(rules, shared));
        Report(output, "warm (after the tagger, shared cache)", warm, perTag);
    }

    private static void Report(TextWriter output, string name, (EventClusterTimes Times, TimeSpan Wall, int Events) run, double perTag)
    {
        var (t, wall, events) = run;
        var per = wall.TotalMilliseconds / t.Statements;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {t.Statements} statements into {events} events in {wall.TotalSeconds:0.00} s = {per:0.00} ms a statement (ratio to tagging {per / perTag:0.00}); " +
            $"embedding {t.Embed.TotalMilliseconds / t.Statements:0.00} ms ({Share(t.Embed, wall)}), assigning {t.Assign.TotalMilliseconds / t.Statements:0.00} ms ({Share(t.Assign, wall)}), " +
            $"store {t.Store.TotalMilliseconds / t.Statements:0.00} ms ({Share(t.Store, wall)})"));
    }

    private static string Share(TimeSpan part, TimeSpan whole) => (part.TotalMilliseconds / whole.TotalMilliseconds).ToString("0%", CultureInfo.InvariantCulture);

    private static async Task<(EventClusterTimes Times, TimeSpan Wall, int Events)> ClusterAsync(List<(EventItem Item, int Shift)> items, EventFeatures features)
    {
        var path = Path.Combine(Path.GetTempPath(), $"monitor-events-{Guid.NewGuid():N}.db");
        var name = $"monitor_bench_{Guid.NewGuid():N}";
        var server = _postgres is null ? null : new Npgsql.NpgsqlConnectionStringBuilder(_postgres);
        if (server is not null)
        {
            await using var admin = new Npgsql.NpgsqlConnection(server.ConnectionString);
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using var database = server is null
                ? new Database(new DatabaseOptions { ConnectionString = $"Data Source={path}" })
                : new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString });
            await new Migrator(database).MigrateAsync();
            var store = new StatementStore(database);
            var now = DateTimeOffset.UtcNow;
            var index = 0;
            foreach (var (item, shift) in items.OrderBy(i => i.Item.Date.AddDays(i.Shift)))
            {
                var s = item.Statement;
                var at = new DateTimeOffset(item.Date.AddDays(shift).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
                var id = $"{s.Id}-{index++}";
                var discovered = new StatementDiscovered(s.Institution == "NATO" ? "nato-news" : "ep-press", id, $"https://example.org/{id}", s.Title, s.Text, "", at, "en", $"hash-{id}", now);
                await store.StoreAsync(new StatementTagged(discovered, [.. s.Topics.Select(t => new TopicScore(t, 1, []))], "bench", now), now);
            }

            var runner = new EventClusterRunner(new EventStore(database), features, new EventOptions(), "bench", TimeProvider.System, TimeSpan.FromMinutes(5));
            var wall = Stopwatch.StartNew();
            while (await runner.RunPageAsync(50) != EventPageOutcome.Idle)
            {
            }

            wall.Stop();
            await using var connection = await database.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM events WHERE merged_into IS NULL";
            var events = Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            return (runner.Times, wall.Elapsed, events);
        }
        finally
        {
            if (server is not null)
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await using var admin = new Npgsql.NpgsqlConnection(server.ConnectionString);
                await admin.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }
        }
    }
}
