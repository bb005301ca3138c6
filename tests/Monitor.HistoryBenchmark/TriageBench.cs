using System.Diagnostics;
using System.Globalization;
using Dapper;
using Monitor.Data;
using Monitor.Data.History;
using Monitor.Data.Triage;

namespace Monitor.HistoryBenchmark;

/// <summary>
/// What the per-user triage costs the history list (docs/history.md, "Triage"): one user's marks are seeded (read: 1 in 5
/// statements, starred: 1 in 200, label "brief": 1 in 500), then each variant is timed interleaved with its baseline in
/// the same process, so the ratio is not skewed by the load of the moment. "SQL alone" runs the list's SELECT with
/// Dapper (ids and columns, no topic loading); "store" runs <see cref="HistoryStore.SearchAsync"/> as the API does.
/// </summary>
public static class TriageBench
{
    private const string PageSql = """
        SELECT s.id, s.current_revision, s.source_id, s.title, s.sort_at FROM statements s
        ORDER BY s.sort_at DESC, s.id DESC LIMIT 51
        """;

    // The join a list could carry to show each card's marks in the same query.
    private const string PageJoinSql = """
        SELECT s.id, s.current_revision, s.source_id, s.title, s.sort_at, m.read_at, m.starred_at FROM statements s
        LEFT JOIN statement_marks m ON m.user_id = @UserId AND m.statement_id = s.id
        ORDER BY s.sort_at DESC, s.id DESC LIMIT 51
        """;

    public static async Task<int> RunAsync(Database database, int runs)
    {
        var userId = await SeedAsync(database);
        var history = new HistoryStore(database);
        var marks = new StatementMarkStore(database);
        long[] pageIds;
        await using (var connection = await database.OpenAsync())
        {
            pageIds = [.. (await connection.QueryAsync<long>(PageSql)).Take(50)];
        }

        async Task Sql(string sql)
        {
            await using var connection = await database.OpenAsync();
            await connection.QueryAsync<(long, int, string, string, long)>(sql, new { UserId = userId });
        }

        Task<HistoryPage<Monitor.Contracts.StatementStored>> Store(TriageFilter? triage) =>
            history.SearchAsync(new HistoryFilter { Triage = triage }, HistorySort.Date, 50, null);

        (string Name, Func<Task> Baseline, Func<Task> Variant)[] cases =
        [
            ("SQL alone: latest page + LEFT JOIN of the user's marks", () => Sql(PageSql), () => Sql(PageJoinSql)),
            ("SQL alone: latest page, then the marks of its 50 ids (what the dashboard does)", () => Sql(PageSql),
                async () => { await Sql(PageSql); await marks.GetManyAsync(userId, pageIds); }),
            ("store: latest page, unread=true", () => Store(null), () => Store(new TriageFilter(userId, true, false, null))),
            ("store: latest page, starred=true", () => Store(null), () => Store(new TriageFilter(userId, false, true, null))),
            ("store: latest page, label=brief", () => Store(null), () => Store(new TriageFilter(userId, false, false, "brief"))),
            ("store: one topic page, unread=true", () => history.SearchAsync(new HistoryFilter { Topics = ["sanctions"] }, HistorySort.Date, 50, null),
                () => history.SearchAsync(new HistoryFilter { Topics = ["sanctions"], Triage = new TriageFilter(userId, true, false, null) }, HistorySort.Date, 50, null)),
        ];

        Console.WriteLine($"{database.Provider}: triage, {runs} interleaved runs per case after 5 warm-ups");
        Console.WriteLine("| case | baseline p50 / p95 ms | with triage p50 / p95 ms | ratio p50 / p95 |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, baseline, variant) in cases)
        {
            for (var i = 0; i < 5; i++)
            {
                await baseline();
                await variant();
            }

            var before = new List<double>(runs);
            var after = new List<double>(runs);
            for (var i = 0; i < runs; i++)
            {
                var clock = Stopwatch.StartNew();
                await baseline();
                before.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                await variant();
                after.Add(clock.Elapsed.TotalMilliseconds);
            }

            before.Sort();
            after.Sort();
            double P(List<double> t, double p) => t[Math.Min(t.Count - 1, (int)Math.Ceiling(p * t.Count) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {P(before, 0.5):0.00} / {P(before, 0.95):0.00} | {P(after, 0.5):0.00} / {P(after, 0.95):0.00} | {P(after, 0.5) / P(before, 0.5):0.00}x / {P(after, 0.95) / P(before, 0.95):0.00}x |"));
        }

        return 0;
    }

    /// <summary>A bench user and their marks (again from scratch on every run).</summary>
    private static async Task<long> SeedAsync(Database database)
    {
        await using var connection = await database.OpenAsync();
        var now = Database.ToDb(DateTimeOffset.UtcNow);
        await connection.ExecuteAsync("DELETE FROM users WHERE user_name = 'triage-bench'");
        var userId = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO users (user_name, display_name, email, role, security_stamp, created_at)
            VALUES ('triage-bench', 'triage-bench', NULL, 'viewer', 'stamp', @Now) RETURNING id
            """, new { Now = now });
        var marked = await connection.ExecuteAsync("""
            INSERT INTO statement_marks (user_id, statement_id, read_at, starred_at, note, updated_at)
            SELECT @UserId, id, CASE WHEN id % 5 = 0 THEN @Now END, CASE WHEN id % 200 = 0 THEN @Now END, NULL, @Now
            FROM statements WHERE id % 5 = 0 OR id % 200 = 0
            """, new { UserId = userId, Now = now });
        var labelled = await connection.ExecuteAsync("""
            INSERT INTO statement_labels (user_id, statement_id, label) SELECT @UserId, id, 'brief' FROM statements WHERE id % 500 = 0
            """, new { UserId = userId });
        await connection.ExecuteAsync("ANALYZE statement_marks; ANALYZE statement_labels");
        Console.WriteLine($"seeded user {userId}: {marked} marked statements, {labelled} labelled");
        return userId;
    }
}
