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
// monitor-history generate-events postgres <connection string>   add entities and events to a store generate filled
// monitor-history bench    <postgres|sqlite> <connection string> [runs] [cases]   p50/p95 of the history queries on that store
// monitor-history triage   <postgres|sqlite> <connection string> [runs]   the per-user triage's cost against its baseline (TriageBench)
if (args.Length < 3 || args[0] is not ("generate" or "generate-events" or "bench" or "triage") || args[1] is not ("postgres" or "sqlite"))
{
    Console.Error.WriteLine("usage: generate|generate-events|bench postgres|sqlite <connection string> <count|runs>");
    return 2;
}

if (args[0] == "generate-events" && args[1] != "postgres")
{
    Console.Error.WriteLine("generate-events writes with PostgreSQL's COPY: postgres only");
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

if (args[0] == "triage")
{
    return await TriageBench.RunAsync(database, int.Parse(args.Length > 3 ? args[3] : "200", CultureInfo.InvariantCulture));
}

if (args[0] == "generate-events")
{
    await EventGenerator.GenerateAsync(connectionString, seed: 2026);
    return 0;
}

var runs = int.Parse(args.Length > 3 ? args[3] : "50", CultureInfo.InvariantCulture);
await using (var connection = await database.OpenAsync())
{
    Console.WriteLine($"{provider}: {await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statements")} statements; {runs} runs per case after 5 warm-up runs");
}

// MONITOR_BENCH_RELEVANCE_CANDIDATES=N times the relevance cases with another bound than the store's default.
var history = int.TryParse(Environment.GetEnvironmentVariable("MONITOR_BENCH_RELEVANCE_CANDIDATES"), NumberStyles.None, CultureInfo.InvariantCulture, out var bound)
    ? new HistoryStore(database) { RelevanceCandidates = bound }
    : new HistoryStore(database);
Console.WriteLine($"relevance ranks the newest {history.RelevanceCandidates} matches on PostgreSQL");
var aggregates = new HistoryAggregates(database);
var topicFile = Monitor.Core.Tagging.TopicFile.LoadDefault();
var topics = topicFile.Topics.Select(t => t.Id).ToArray();
var briefing = new BriefingStore(database, aggregates);
var random = new Random(7);
var eventQueries = new Monitor.Data.Events.EventQueries(database);
var details = new StatementDetailStore(database);
long[] eventIds, bigEventIds, statementIds;
await using (var connection = await database.OpenAsync())
{
    // Events and statements to open, drawn once (the draw is not timed): any event, as a reader clicks one, and the largest.
    eventIds = [.. await connection.QueryAsync<long>("SELECT id FROM events WHERE merged_into IS NULL ORDER BY id % 9973, id LIMIT 1000")];
    bigEventIds = [.. await connection.QueryAsync<long>("SELECT id FROM events WHERE merged_into IS NULL ORDER BY members DESC, id LIMIT 50")];
    statementIds = [.. await connection.QueryAsync<long>("SELECT id FROM statements ORDER BY id % 9973, id LIMIT 1000")];
    if (eventIds.Length > 0)
    {
        Console.WriteLine($"events: {await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE merged_into IS NULL")}, members of the 50 largest: {string.Join(",", await connection.QueryAsync<int>("SELECT members FROM events WHERE merged_into IS NULL ORDER BY members DESC, id LIMIT 50"))}; entity rows: {await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statement_entities")}");
    }
}

var rareEntity = "moldova";
var rankAll = new HistoryStore(database) { RelevanceCandidates = 0 };
var sources = SyntheticStatements.Sources;

// The second page's cursor (drawn once, not timed): its floor makes the next page rank the first page's candidates.
var relevanceCursor = HistoryCursor.Decode(
    (await history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse("sanctions"), Topics = ["sanctions"] }, HistorySort.Relevance, 50, null)).NextCursor!,
    HistorySort.Relevance);
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
    // Relevance (issue 18): before, every match ranked (RelevanceCandidates = 0, the code before the bound); after, the
    // newest HistoryStore.DefaultRelevanceCandidates matches ranked (the store's default; on SQLite both rank every match).
    ($"(n) before: common word '{SyntheticStatements.CommonWord}', by relevance, every match ranked", () =>
        rankAll.SearchAsync(new HistoryFilter { Text = TextQuery.Parse(SyntheticStatements.CommonWord) }, HistorySort.Relevance, 50, null)),
    ($"(r) common word '{SyntheticStatements.CommonWord}', by relevance", () =>
        history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse(SyntheticStatements.CommonWord) }, HistorySort.Relevance, 50, null)),
    ("(N) before: common word + topic, by relevance, every match ranked", () =>
        rankAll.SearchAsync(new HistoryFilter { Text = TextQuery.Parse("sanctions"), Topics = ["sanctions"] }, HistorySort.Relevance, 50, null)),
    ("(c') common word + topic, by relevance", () =>
        history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse("sanctions"), Topics = ["sanctions"] }, HistorySort.Relevance, 50, null)),
    ("(p) common word + topic, by relevance, the next page (cursor)", () =>
        history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse("sanctions"), Topics = ["sanctions"] }, HistorySort.Relevance, 50, relevanceCursor)),
    ($"(l) common word '{SyntheticStatements.CommonWord}' + source + 365 days, by relevance", () =>
    {
        var to = end.AddDays(-random.Next(0, 1000));
        return history.SearchAsync(new HistoryFilter { Text = TextQuery.Parse(SyntheticStatements.CommonWord), Sources = [sources[random.Next(sources.Length)]], From = to.AddDays(-365), To = to },
            HistorySort.Relevance, 50, null);
    }),
    // The living briefing since the baseline (GET /api/briefing's queries; the synthetic statements state no figures,
    // so the figure queries find nothing to read).
    ("(f) living briefing since the baseline", () =>
        briefing.BuildAsync(BriefingDocument.LoadDefault(), topicFile, BriefingDocument.BaselineDate, end, true)),
    // Events and entity facets (issue 17; need generate-events). Baselines in the same run: (s) one statement's page
    // (GET /api/statements/{id}) for the event page, (a) and (b) for the events list, (t) top terms (the same newest
    // 2,000 sample) for the facets.
    ("(s) baseline: one statement's page (/api/statements/{id})", () => details.GetAsync(statementIds[random.Next(statementIds.Length)])),
    ("(g) event page (/api/events/{id}), any event", () => eventQueries.GetAsync(eventIds[random.Next(eventIds.Length)])),
    // The event page's merges query before and after it followed event_merges instead of events.merged_into (no index).
    ("(m) merges query before: events.merged_into = id", async () =>
    {
        await using var connection = await database.OpenAsync();
        await connection.QueryAsync<long>("SELECT g.merged_id FROM event_merges g JOIN events e ON e.id = g.merged_id WHERE e.merged_into = @Id ORDER BY g.merged_at, g.merged_id",
            new { Id = eventIds[random.Next(eventIds.Length)] });
    }),
    ("(M) merges query after: the chain through event_merges.kept_id", async () =>
    {
        await using var connection = await database.OpenAsync();
        await connection.QueryAsync<long>(
            """
            WITH RECURSIVE chain (merged_id, merged_at) AS (
                SELECT merged_id, merged_at FROM event_merges WHERE kept_id = @Id
                UNION ALL
                SELECT g.merged_id, g.merged_at FROM event_merges g JOIN chain c ON g.kept_id = c.merged_id)
            SELECT merged_id FROM chain ORDER BY merged_at, merged_id
            """, new { Id = eventIds[random.Next(eventIds.Length)] });
    }),
    ("(G) event page, one of the 50 largest events", () => eventQueries.GetAsync(bigEventIds[random.Next(bigEventIds.Length)])),
    ("(h) events list, latest page (50)", () => eventQueries.ListAsync(new Monitor.Data.Events.EventFilter(), 50, null)),
    ("(i) events list, topic + 90-day range", () =>
    {
        var to = DateOnly.FromDateTime(end.AddDays(-random.Next(0, 1000)).UtcDateTime);
        return eventQueries.ListAsync(new Monitor.Data.Events.EventFilter { Topics = [topics[random.Next(topics.Length)]], FromDay = to.AddDays(-90), ToDay = to }, 50, null);
    }),
    ("(j) events list, common entity 'ukraine'", () => eventQueries.ListAsync(new Monitor.Data.Events.EventFilter { Entities = ["ukraine"] }, 50, null)),
    ($"(J) events list, less common entity '{rareEntity}' + both institutions", () =>
        eventQueries.ListAsync(new Monitor.Data.Events.EventFilter { Entities = [rareEntity], Institutions = Monitor.Data.Events.EventInstitutions.Both }, 50, null)),
    ("(k) events list, both institutions", () => eventQueries.ListAsync(new Monitor.Data.Events.EventFilter { Institutions = Monitor.Data.Events.EventInstitutions.Both }, 50, null)),
    ("(q) events list, a title word", () => eventQueries.ListAsync(new Monitor.Data.Events.EventFilter { TitleWords = ["sanctions"] }, 50, null)),
    ("(Q) events list, a title word no event has", () => eventQueries.ListAsync(new Monitor.Data.Events.EventFilter { TitleWords = ["kaliningrad"] }, 50, null)),
    ("(t) baseline: top terms, no filter (newest 2,000)", () => aggregates.TopTermsAsync(new HistoryFilter(), 25)),
    ("(u) entity facets, no filter (newest 2,000)", () => history.TopEntitiesAsync(new HistoryFilter(), 10)),
    ("(v) entity facets, topic + 90-day range", () =>
    {
        var to = end.AddDays(-random.Next(0, 1000));
        return history.TopEntitiesAsync(new HistoryFilter { Topics = [topics[random.Next(topics.Length)]], From = to.AddDays(-90), To = to }, 10);
    }),
    ($"(w) entity facets, common word '{SyntheticStatements.CommonWord}'", () =>
        history.TopEntitiesAsync(new HistoryFilter { Text = TextQuery.Parse(SyntheticStatements.CommonWord) }, 10)),
    ($"(x) entity facets, rare word '{SyntheticStatements.RareWord}'", () =>
        history.TopEntitiesAsync(new HistoryFilter { Text = TextQuery.Parse(SyntheticStatements.RareWord) }, 10)),
    ("(y) entity facets, entity 'finland'", () => history.TopEntitiesAsync(new HistoryFilter { Entities = ["finland"] }, 10)),
];

Console.WriteLine("| case | p50 ms | p95 ms |");
Console.WriteLine("|---|---:|---:|");
// An optional fifth argument picks cases by letter, e.g. "cd".
foreach (var (name, run) in cases.Where(c => args.Length < 5 || args[4].Contains(c.Name[1], StringComparison.Ordinal)))
{
    if (eventIds.Length == 0 && name[1] is 'g' or 'G' or 'm' or 'M')
    {
        Console.WriteLine($"| {name} | no events: run generate-events first | |");
        continue;
    }

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
