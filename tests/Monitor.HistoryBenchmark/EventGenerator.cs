using System.Diagnostics;
using System.Globalization;
using Dapper;
using Monitor.Core.Entities;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.HistoryBenchmark;

/// <summary>
/// Adds what the entity extractor and the event clusterer would have written to a PostgreSQL store that
/// <see cref="StatementLoader"/> filled: entity rows (statement_entities) and events with their members, merges and
/// stored vectors (events, event_members, event_merges). Deterministic for a seed; sizes as on the real corpus:
/// <list type="bullet">
/// <item>entities: 0 to 12 a statement, about 6 on average (docs/entities.md: "about six a statement on the real
/// corpus"), drawn from the gazetteer with a skew (a few entities in many statements, most in few);</item>
/// <item>events: every statement in exactly one event, as the clusterer leaves them. Statements are walked in date
/// order and each joins the open event of its main topic until that event has its drawn size: most events are
/// singletons (the labelled set: 271 of 329 events), some have 2 to 10 members, a few are summits of 11 to 120;
/// each member row carries a 384-float vector (1.5 KB) as the real table does;</item>
/// <item>3 % of events of two or more have an event merged into them (a row with merged_into set and its merge history).</item>
/// </list>
/// </summary>
public static class EventGenerator
{
    public static async Task GenerateAsync(string connectionString, int seed)
    {
        // One COPY per table, millions of rows with their index entries: no command timeout.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync();
        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events") > 0)
        {
            throw new InvalidOperationException("The store already has events; generate-events runs once, on a store that generate filled.");
        }

        var clock = Stopwatch.StartNew();
        var statements = (await connection.QueryAsync<(long Id, long SortAt, string SourceId, string Title, string? Topic)>(
            """
            SELECT s.id, s.sort_at, s.source_id, s.title,
                   (SELECT t.topic_id FROM statement_topics t WHERE t.statement_id = s.id AND t.revision = s.current_revision ORDER BY t.score DESC, t.topic_id LIMIT 1)
            FROM statements s ORDER BY s.sort_at, s.id
            """, commandTimeout: 600)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read {statements.Count} statements in {clock.Elapsed.TotalSeconds:0.0} s"));

        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statement_entities") == 0)
        {
            await WriteEntitiesAsync(connection, statements.Select(s => s.Id), seed);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"entities written at {clock.Elapsed.TotalSeconds:0.0} s"));

        // First where each statement goes (events are written before their members: event_members.event_id references them).
        var random = new Random(seed);
        var open = new Dictionary<string, GeneratedEvent>(StringComparer.Ordinal);
        var events = new List<GeneratedEvent>();
        var members = new List<(long StatementId, long EventId, int Day, string Institution, string Reason, long At, string Topic)>(statements.Count);
        var nextId = 1L;
        var now = statements.Count > 0 ? statements[^1].SortAt : 0;
        foreach (var s in statements)
        {
            var key = s.Topic ?? "";
            var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(s.SortAt).UtcDateTime).DayNumber;
            if (!open.TryGetValue(key, out var current) || current.Members.Count >= current.Size || day - current.LastDay > 7)
            {
                current = new GeneratedEvent(nextId++, DrawSize(random), s.Title, day);
                open[key] = current;
                events.Add(current);
            }

            var institution = s.SourceId.StartsWith("nato", StringComparison.OrdinalIgnoreCase) ? "NATO" : "EP";
            var reason = current.Members.Count == 0
                ? "first statement"
                : string.Create(CultureInfo.InvariantCulture, $"similarity 0.{80 + random.Next(19)} with statement {current.Members[^1]}, shared topics {key}, same day");
            current.Add(s.Id, day, institution);
            members.Add((s.Id, current.Id, day, institution, reason, s.SortAt, key));
        }

        var merged = new List<(long MergedId, long KeptId, long StatementId, string Title, int Day)>();
        foreach (var e in events.Where(e => e.Members.Count > 1 && random.Next(100) < 3))
        {
            merged.Add((nextId++, e.Id, e.Members[^1], e.Title, e.FirstDay));
        }

        await WriteEventsAsync(connection, events, merged, now);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{events.Count} events written at {clock.Elapsed.TotalSeconds:0.0} s"));
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY event_members (statement_id, event_id, day, institution, reason, joined_at, vector, topics, refs) FROM STDIN (FORMAT BINARY)"))
        {
            var vector = new byte[384 * 4];
            foreach (var m in members)
            {
                random.NextBytes(vector);
                await copy.StartRowAsync();
                await copy.WriteAsync(m.StatementId, NpgsqlDbType.Bigint);
                await copy.WriteAsync(m.EventId, NpgsqlDbType.Bigint);
                await copy.WriteAsync(m.Day, NpgsqlDbType.Integer);
                await copy.WriteAsync(m.Institution, NpgsqlDbType.Text);
                await copy.WriteAsync(m.Reason, NpgsqlDbType.Text);
                await copy.WriteAsync(m.At, NpgsqlDbType.Bigint);
                await copy.WriteAsync(vector, NpgsqlDbType.Bytea);
                await copy.WriteAsync(m.Topic, NpgsqlDbType.Text);
                await copy.WriteAsync("", NpgsqlDbType.Text);
            }

            await copy.CompleteAsync();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{members.Count} members written at {clock.Elapsed.TotalSeconds:0.0} s"));
        await connection.ExecuteAsync("UPDATE event_clustering SET checkpoint = (SELECT COALESCE(MAX(id), 0) FROM statements)");
        foreach (var table in new[] { "statement_entities", "events", "event_members", "event_merges" })
        {
            await connection.ExecuteAsync($"VACUUM ANALYZE {table}", commandTimeout: 1800);
        }

        var sizes = events.GroupBy(e => e.Members.Count switch { 1 => "1", <= 3 => "2-3", <= 10 => "4-10", <= 30 => "11-30", _ => "31+" })
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated entities and {events.Count} events ({string.Join(", ", sizes)}; largest {events.Max(e => e.Members.Count)}; both institutions {events.Count(e => e.Nato > 0 && e.Ep > 0)}) in {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>Event sizes: 70 % singletons, 18 % 2-3, 8 % 4-10, 3.5 % 11-30, 0.5 % 31-120.</summary>
    private static int DrawSize(Random random) => random.NextDouble() switch
    {
        < 0.70 => 1,
        < 0.88 => 2 + random.Next(2),
        < 0.96 => 4 + random.Next(7),
        < 0.995 => 11 + random.Next(20),
        _ => 31 + random.Next(90),
    };

    private static async Task WriteEntitiesAsync(NpgsqlConnection connection, IEnumerable<long> ids, int seed)
    {
        // The entities of the brief lead (most often named), the rest follow in a fixed shuffle.
        string[] lead = ["ukraine", "russia", "nato", "united-states", "jens-stoltenberg", "council-of-the-eu", "mark-rutte", "finland", "sweden",
            "volodymyr-zelenskyy", "moldova", "roberta-metsola"];
        var known = Gazetteer.LoadDefault();
        var rest = known.Entities.Select(e => e.Id).Where(id => !lead.Contains(id)).Order(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(rest);
        var order = lead.Where(id => known.Find(id) is not null).Concat(rest).ToArray();
        var random = new Random(seed + 1);
        await using var copy = await connection.BeginBinaryImportAsync("COPY statement_entities (statement_id, entity_id) FROM STDIN (FORMAT BINARY)");
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            chosen.Clear();
            var count = random.Next(13);
            while (chosen.Count < count)
            {
                chosen.Add(order[(int)(Math.Pow(random.NextDouble(), 2.5) * order.Length)]);
            }

            foreach (var entity in chosen)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(id, NpgsqlDbType.Bigint);
                await copy.WriteAsync(entity, NpgsqlDbType.Text);
            }
        }

        await copy.CompleteAsync();
    }

    private static async Task WriteEventsAsync(
        NpgsqlConnection connection, List<GeneratedEvent> events, List<(long MergedId, long KeptId, long StatementId, string Title, int Day)> merged, long now)
    {
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY events (id, first_day, last_day, title, institutions, members, nato_members, ep_members, created_at, updated_at, merged_into) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var e in events)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(e.Id, NpgsqlDbType.Bigint);
                await copy.WriteAsync(e.FirstDay, NpgsqlDbType.Integer);
                await copy.WriteAsync(e.LastDay, NpgsqlDbType.Integer);
                await copy.WriteAsync(e.Title, NpgsqlDbType.Text);
                await copy.WriteAsync(string.Join(',', e.Institutions), NpgsqlDbType.Text);
                await copy.WriteAsync(e.Members.Count, NpgsqlDbType.Integer);
                await copy.WriteAsync(e.Nato, NpgsqlDbType.Integer);
                await copy.WriteAsync(e.Ep, NpgsqlDbType.Integer);
                await copy.WriteAsync(now, NpgsqlDbType.Bigint);
                await copy.WriteAsync(now, NpgsqlDbType.Bigint);
                await copy.WriteNullAsync();
            }

            foreach (var m in merged)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(m.MergedId, NpgsqlDbType.Bigint);
                await copy.WriteAsync(m.Day, NpgsqlDbType.Integer);
                await copy.WriteAsync(m.Day, NpgsqlDbType.Integer);
                await copy.WriteAsync(m.Title, NpgsqlDbType.Text);
                await copy.WriteAsync("NATO", NpgsqlDbType.Text);
                await copy.WriteAsync(0, NpgsqlDbType.Integer);
                await copy.WriteAsync(0, NpgsqlDbType.Integer);
                await copy.WriteAsync(0, NpgsqlDbType.Integer);
                await copy.WriteAsync(now, NpgsqlDbType.Bigint);
                await copy.WriteAsync(now, NpgsqlDbType.Bigint);
                await copy.WriteAsync(m.KeptId, NpgsqlDbType.Bigint);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY event_merges (merged_id, kept_id, statement_id, reason, merged_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var m in merged)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(m.MergedId, NpgsqlDbType.Bigint);
                await copy.WriteAsync(m.KeptId, NpgsqlDbType.Bigint);
                await copy.WriteAsync(m.StatementId, NpgsqlDbType.Bigint);
                await copy.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"event {m.MergedId} merged: statement {m.StatementId} bridges it"), NpgsqlDbType.Text);
                await copy.WriteAsync(now, NpgsqlDbType.Bigint);
            }

            await copy.CompleteAsync();
        }
    }

    private sealed class GeneratedEvent(long id, int size, string title, int firstDay)
    {
        public long Id { get; } = id;

        public int Size { get; } = size;

        public string Title { get; } = title;

        public int FirstDay { get; } = firstDay;

        public int LastDay { get; private set; } = firstDay;

        public List<long> Members { get; } = [];

        public List<string> Institutions { get; } = [];

        public int Nato { get; private set; }

        public int Ep { get; private set; }

        public void Add(long statementId, int day, string institution)
        {
            Members.Add(statementId);
            LastDay = Math.Max(LastDay, day);
            if (!Institutions.Contains(institution))
            {
                Institutions.Add(institution);
            }

            if (institution == "NATO")
            {
                Nato++;
            }
            else
            {
                Ep++;
            }
        }
    }
}
