using System.Diagnostics;
using System.Globalization;
using Dapper;
using Monitor.Core.Briefing;
using Monitor.Core.Search;
using Monitor.Data.Briefing;
using Monitor.Data;
using Monitor.Data.History;
using Monitor.Data.Migrations;
using Monitor.HistoryBenchmark;
using Npgsql;

// monitor-history generate <postgres|sqlite> <connection string> <count>   fill a new store with synthetic statements
// monitor-history bench    <postgres|sqlite> <connection string> [runs] [cases]   p50/p95 of the history queries on that store
if (args.Length < 3 || args[0] is not ("generate" or "bench") || args[1] is not ("postgres" or "sqlite"))
{
    Console.Error.WriteLine("usage: generate|bench postgres|sqlite <connection string> <count|runs>");
    return 2;
}

var provider = args[1] == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
var connectionString = args[2];
var end = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
if (provider == DatabaseProvider.Postgres)
{
    await CreatePostgresDatabaseAsync(connectionString);
}

var database = new Database(new DatabaseOptions { Provider = provider, ConnectionString = connectionString });
await new Migrator(database).MigrateAsync();

if (args[0] == "generate")
{
    var count = int.Parse(args.Length > 3 ? args[3] : "100000", CultureInfo.InvariantCulture);
    var clock = Stopwatch.StartNew();
    var statements = new SyntheticStatements(seed: 2026, end, years: 4).Generate(count);
    await StatementLoader.LoadAsync(database, connectionString, statements, end.ToUnixTimeMilliseconds());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {count} statements on {provider} in {clock.Elapsed.TotalSeconds:0.0} s"));
    return 0;
}

var runs = int.Parse(args.Length > 3 ? args[3] : "50", CultureInfo.InvariantCulture);
await using (var connection = await database.OpenAsync())
{
    Console.WriteLine($"{provider}: {await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statements")} statements; {runs} runs per case after 5 warm-up runs");
}

var history = new HistoryStore(database);
var aggregates = new HistoryAggregates(database);
var topicFile = Monitor.Core.Tagging.TopicFile.LoadDefault();
var topics = topicFile.Topics.Select(t => t.Id).ToArray();
var briefing = new BriefingStore(database, aggregates);
var random = new Random(7);
(string Name, Func<Task> Run)[] cases =
[
    ("(a) latest page (50)", () => history.SearchAsync(new HistoryFilter(), HistorySort.Date, 50, null)),
    ("(b) topic + 90-day range page", () =>
    {
        var to = end.AddDays(-random.Next(0, 1000));
        return history.SearchAsync(new HistoryFilter { Topics = [topics[random.Next(topics.Length)]], From = to.AddDays(-90), To = to }, HistorySort.Date, 50, null);
    }),
    ($"(c) full text, common word '{SyntheticStatements.CommonWord}'", () =>
        history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse(SyntheticStatements.CommonWord) }, HistorySort.Date, 50, null)),
    ($"(d) full text, rare word '{SyntheticStatements.RareWord}'", () =>
        history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse(SyntheticStatements.RareWord) }, HistorySort.Date, 50, null)),
    ("(e) 365-day daily chart of one topic", () =>
        aggregates.CountTopicsAsync(new HistoryFilter { Topics = [topics[random.Next(topics.Length)]], From = end.AddDays(-365), To = end }, ChartInterval.Day)),
    ("(c') common word + topic, by relevance", () =>
        history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse("sanctions"), Topics = ["sanctions"] }, HistorySort.Relevance, 50, null)),
    // The living briefing since the baseline (GET /api/briefing's queries; the synthetic statements state no figures,
    // so the figure queries find nothing to read).
    ("(f) living briefing since the baseline", () =>
        briefing.BuildAsync(BriefingDocument.LoadDefault(), topicFile, BriefingDocument.BaselineDate, end, true)),
];

Console.WriteLine("| case | p50 ms | p95 ms |");
Console.WriteLine("|---|---:|---:|");
// An optional fifth argument picks cases by letter, e.g. "cd".
foreach (var (name, run) in cases.Where(c => args.Length < 5 || args[4].Contains(c.Name[1], StringComparison.Ordinal)))
{
    for (var i = 0; i < 5; i++)
    {
        await run();
    }

    var times = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        await run();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Percentile(times, 0.50):0.0} | {Percentile(times, 0.95):0.0} |"));
}

return 0;

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static async Task CreatePostgresDatabaseAsync(string connectionString)
{
    var target = new NpgsqlConnectionStringBuilder(connectionString);
    var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" };
    await using var connection = new NpgsqlConnection(admin.ConnectionString);
    await connection.OpenAsync();
    if (await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM pg_database WHERE datname = @Name", new { Name = target.Database }) == 0)
    {
        // The name comes from the operator's own connection string, not from a user; quoted as an identifier.
        await connection.ExecuteAsync($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
    }
}
