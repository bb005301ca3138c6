using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using Monitor.Contracts;
using Monitor.Core.Events;
using Monitor.Core.Statements;
using Monitor.Data.History;
using Monitor.Data.Outbox;

namespace Monitor.Data.Events;

/// <summary>A stored statement the clusterer has not placed yet: its current text, day, institution and topics.</summary>
public sealed record EventSource(long StatementId, string SourceId, string Institution, string Title, string Text, DateOnly Day, IReadOnlyList<string> Topics)
{
    /// <summary>Why the statement is not tagged (no English version yet: statements.untagged_reason); it is skipped with this reason.</summary>
    public string? UntaggedReason { get; init; }

    /// <summary>Skipped before for want of an English version, which has come since: its skip is lifted when it is placed.</summary>
    public bool WasSkipped { get; init; }

    /// <summary>
    /// Set for a statement already in an event whose text changed since (table event_revised): the revision to place
    /// again with <see cref="EventPage.ReviseAsync"/>, which can split its event.
    /// </summary>
    public int? Revision { get; init; }
}

/// <summary>What <see cref="EventStore.NextAsync(int, EventReading, CancellationToken)"/> reads.</summary>
/// <param name="Backlog">The statements after the checkpoint in id order (false while a backfill walks: only live ones then).</param>
/// <param name="FollowRefinement">Stop the backlog at the first backfilled statement whose rules-first tags still wait for
/// the hybrid re-tag (statements.backfill_tags): it is clustered after its refinement, with its refined topics, and its
/// sentences are then in the embedder's cache.</param>
/// <param name="LiveFirst">Also read live statements (not from a backfill) stored after the backlog's part of this page,
/// so a backlog never holds today's news back.</param>
public sealed record EventReading(bool Backlog = true, bool FollowRefinement = false, bool LiveFirst = false);

/// <summary>What <see cref="EventPage.ReviseAsync"/> did with a revised statement.</summary>
/// <param name="EventId">The event the statement is in now (0 with <paramref name="PlaceAgain"/>).</param>
/// <param name="Parts">Events made of the parts split off its event.</param>
/// <param name="PlaceAgain">The statement was taken out of its event and is to be placed as a new statement.</param>
public sealed record EventRevision(long EventId, IReadOnlyList<long> Parts, bool PlaceAgain)
{
    /// <summary>The unit mean vector of the statement's event part now (for its key sentence); null with <see cref="PlaceAgain"/>.</summary>
    public float[]? Centroid { get; init; }

    /// <summary>
    /// The event the statement was alone in, now empty: given back to it if it starts an event again, retired into the
    /// event it joins otherwise (<see cref="EventPage.RetireAsync"/>).
    /// </summary>
    public long? Emptied { get; init; }
}

/// <summary>A page of statements to place, and the checkpoint to commit with it (every statement up to it is read).</summary>
/// <param name="Moves">The checkpoint moves (statements placed ahead of it earlier are now behind it, or none is left).</param>
public sealed record EventBatch(IReadOnlyList<EventSource> Statements, long Checkpoint, bool Moves);

/// <summary>
/// Events in the store (tables events, event_members, event_merges, event_clustering: migration 0019, docs/events.md).
/// The clustering side: a lease so one Tagging replica clusters at a time, the statements after the checkpoint, and
/// <see cref="EventPage"/>, which writes one page's assignments, merges and checkpoint in one transaction. The read side
/// (the dashboard's <c>/api/events</c>) is <see cref="EventQueries"/>.
/// </summary>
public sealed class EventStore(Database database)
{
    /// <summary>Statements this far behind the checkpoint are looked at again for a missing membership (a store transaction that committed after a later id's).</summary>
    public const int Lookback = 1000;

    internal Database Database => database;

    /// <summary>
    /// Takes or renews the clustering lease for <paramref name="owner"/>: the lease's epoch (it grows whenever the lease
    /// changes hands), or null while another owner's lease is valid.
    /// </summary>
    public async Task<long?> TryLeaseAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await using var connection = await database.OpenAsync(cancellationToken);
        var taken = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE event_clustering
            SET lease_epoch = CASE WHEN lease_owner = @Owner THEN lease_epoch ELSE lease_epoch + 1 END,
                lease_owner = @Owner, lease_until = @Until
            WHERE id = 1 AND (lease_owner IS NULL OR lease_owner = @Owner OR lease_until < @Now)
            """,
            new { Owner = owner, Now = Database.ToDb(now), Until = Database.ToDb(now + duration) }, cancellationToken: cancellationToken));
        if (taken != 1)
        {
            return null;
        }

        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT lease_epoch FROM event_clustering WHERE id = 1 AND lease_owner = @Owner", new { Owner = owner }, cancellationToken: cancellationToken));
    }

    /// <summary>Gives the lease up (a stopping replica), so another takes over at once.</summary>
    public async Task ReleaseAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE event_clustering SET lease_owner = NULL, lease_until = 0 WHERE id = 1 AND lease_owner = @Owner",
            new { Owner = owner }, cancellationToken: cancellationToken));
    }

    /// <summary>The last statement id read by the clusterer.</summary>
    public async Task<long> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT checkpoint FROM event_clustering WHERE id = 1", cancellationToken: cancellationToken));
    }

    /// <summary>Up to <paramref name="count"/> statements after the checkpoint in id order (and any missed behind it).</summary>
    public async Task<IReadOnlyList<EventSource>> NextAsync(int count, CancellationToken cancellationToken = default) =>
        (await NextAsync(count, new EventReading(), cancellationToken)).Statements;

    /// <summary>
    /// The next page to place: any of the <see cref="Lookback"/> ids before the checkpoint still in no event (its store
    /// transaction committed after a later one's); up to <paramref name="count"/> statements after the checkpoint in id
    /// order, not yet placed (<see cref="EventReading.Backlog"/>; up to the first one waiting for refinement with
    /// <see cref="EventReading.FollowRefinement"/>); and with <see cref="EventReading.LiveFirst"/> up to
    /// <paramref name="count"/> live statements beyond those. Each with its current title and text, its day (sort_at,
    /// UTC; a publication date after the statement was first seen counts as the day it was first seen, so one wrong future
    /// date does not make every later statement late) and the topics of its current revision.
    /// </summary>
    public async Task<EventBatch> NextAsync(int count, EventReading reading, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(reading);
        await using var connection = await database.OpenAsync(cancellationToken);
        var checkpoint = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT checkpoint FROM event_clustering WHERE id = 1", cancellationToken: cancellationToken));
        const string columns = $"""
            s.id AS StatementId, s.source_id AS SourceId, {HistoryAggregates.InstitutionSql} AS Institution, s.title AS Title,
                   s.summary AS Summary, s.body AS Body, CASE WHEN s.sort_at > s.first_seen_at THEN s.first_seen_at ELSE s.sort_at END AS SortAt,
                   s.untagged_reason AS UntaggedReason
            """;
        const string unplaced = """
            NOT EXISTS (SELECT 1 FROM event_members m WHERE m.statement_id = s.id)
              AND NOT EXISTS (SELECT 1 FROM event_skipped k WHERE k.statement_id = s.id)
            """;
        var rows = (await connection.QueryAsync<SourceRow>(new CommandDefinition(
            $"""
            SELECT {columns}
            FROM statements s
            WHERE s.id > @From AND s.id <= @Checkpoint AND {unplaced}
            ORDER BY s.id
            LIMIT @Count
            """,
            new { From = checkpoint - Lookback, Checkpoint = checkpoint, Count = count }, cancellationToken: cancellationToken))).ToList();

        var next = checkpoint;
        if (reading.Backlog)
        {
            // Everything up to the newest id now stored, or up to the first statement waiting for refinement, is read
            // when the page is not full; a store that commits a lower id later is found by the look back above.
            var newest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(id) FROM statements", cancellationToken: cancellationToken)) ?? checkpoint;
            var stop = reading.FollowRefinement
                ? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT MIN(id) FROM statements WHERE backfill_tags IS NOT NULL AND id > @Checkpoint", new { Checkpoint = checkpoint }, cancellationToken: cancellationToken))
                : null;
            var upTo = stop is { } first ? Math.Min(newest, first - 1) : newest;
            var backlog = (await connection.QueryAsync<SourceRow>(new CommandDefinition(
                $"""
                SELECT {columns}
                FROM statements s
                WHERE s.id > @Checkpoint AND s.id <= @UpTo AND {unplaced}
                ORDER BY s.id
                LIMIT @Count
                """,
                new { Checkpoint = checkpoint, UpTo = upTo, Count = count }, cancellationToken: cancellationToken))).ToList();
            rows.AddRange(backlog);
            next = Math.Max(checkpoint, backlog.Count == count ? backlog[^1].StatementId : upTo);
        }

        if (reading.LiveFirst)
        {
            rows.AddRange(await connection.QueryAsync<SourceRow>(new CommandDefinition(
                $"""
                SELECT {columns}
                FROM statements s
                WHERE s.id > @After AND s.backfill_revision IS NULL AND {unplaced}
                ORDER BY s.id
                LIMIT @Count
                """,
                new { After = next, Count = count }, cancellationToken: cancellationToken)));
        }

        // A statement skipped for want of an English version is placed when its English version has come (it keeps its
        // id, behind the checkpoint): tagging and clustering go through the English text only.
        rows.AddRange(await connection.QueryAsync<SourceRow>(new CommandDefinition(
            $"""
            SELECT {columns}, 1 AS WasSkipped
            FROM event_skipped k JOIN statements s ON s.id = k.statement_id
            WHERE k.reason = @NoEnglish AND s.untagged_reason IS NULL
            ORDER BY s.id
            LIMIT @Count
            """,
            new { NoEnglish = StatementLanguage.UntaggedReason, Count = count }, cancellationToken: cancellationToken)));
        // Members whose text changed since they were placed (queued by a trigger on statements, migration 0028).
        rows.AddRange(await connection.QueryAsync<SourceRow>(new CommandDefinition(
            $"""
            SELECT {columns}, r.revision AS Revision
            FROM event_revised r JOIN statements s ON s.id = r.statement_id
            ORDER BY r.statement_id
            LIMIT @Count
            """,
            new { Count = count }, cancellationToken: cancellationToken)));
        rows = [.. rows.DistinctBy(r => r.StatementId)];
        if (rows.Count == 0)
        {
            return new EventBatch([], next, next > checkpoint);
        }

        var topics = (await connection.QueryAsync<(long StatementId, string TopicId)>(new CommandDefinition(
            $"""
            SELECT t.statement_id AS StatementId, t.topic_id AS TopicId
            FROM statement_topics t JOIN statements s ON s.id = t.statement_id AND t.revision = s.current_revision
            WHERE t.statement_id {database.InList("Ids")}
            ORDER BY t.statement_id, t.topic_id
            """,
            new { Ids = rows.Select(r => r.StatementId).ToArray() }, cancellationToken: cancellationToken)))
            .ToLookup(t => t.StatementId, t => t.TopicId);
        return new EventBatch([.. rows.Select(r => new EventSource(r.StatementId, r.SourceId, r.Institution, r.Title,
            string.IsNullOrEmpty(r.Body) ? r.Summary : $"{r.Summary}\n{r.Body}", DayOf(r.SortAt), [.. topics[r.StatementId]])
        {
            UntaggedReason = r.UntaggedReason,
            WasSkipped = r.WasSkipped,
            Revision = r.Revision,
        })], next, next > checkpoint);
    }

    /// <summary>
    /// Starts writing one page: a transaction that first checks <paramref name="owner"/> still holds the lease of
    /// <paramref name="epoch"/> (and locks the clustering row until commit, so no other replica takes the lease in
    /// between); null, with nothing begun, when it does not.
    /// </summary>
    public async Task<EventPage?> BeginPageAsync(string owner, long epoch, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var held = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE event_clustering SET lease_until = @Until, updated_at = @Now WHERE id = 1 AND lease_owner = @Owner AND lease_epoch = @Epoch",
            new { Owner = owner, Epoch = epoch, Until = Database.ToDb(now + lease), Now = Database.ToDb(now) }, transaction, cancellationToken: cancellationToken));
        if (held != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            return null;
        }

        return new EventPage(database, connection, transaction, now);
    }

    /// <summary>The day of a sort_at timestamp (UTC).</summary>
    public static DateOnly DayOf(long sortAt) => DateOnly.FromDateTime(Database.FromDb(sortAt).UtcDateTime);

    internal static byte[] ToBytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    internal static float[] FromBytes(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).ToArray();

    internal static string Join(IEnumerable<string> words) => string.Join(' ', words);

    internal static string[] Split(string words) => words.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private sealed class SourceRow
    {
        public long StatementId { get; init; }

        public string SourceId { get; init; } = "";

        public string Institution { get; init; } = "";

        public string Title { get; init; } = "";

        public string Summary { get; init; } = "";

        public string Body { get; init; } = "";

        public long SortAt { get; init; }

        public string? UntaggedReason { get; init; }

        public bool WasSkipped { get; init; }

        public int? Revision { get; init; }
    }
}

/// <summary>
/// One page of clustering, in one transaction: the events as they stood on a day (to rebuild a clusterer), the
/// assignments and merges, and the checkpoint. Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public sealed class EventPage : IAsyncDisposable
{
    private readonly Database _database;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly DateTimeOffset _now;
    private readonly HashSet<long> _touched = [];

    // For the StatementsGrouped message: each statement's event as written (followed through later merges at commit),
    // whether it started it, each touched event's merges, and whether an event had both institutions before the page.
    private readonly List<(long StatementId, long EventId, bool Created)> _written = [];
    private readonly Dictionary<long, long> _mergedInto = [];
    private readonly Dictionary<long, List<long>> _merges = [];
    private readonly Dictionary<long, bool> _bothBefore = [];

    internal EventPage(Database database, DbConnection connection, DbTransaction transaction, DateTimeOffset now)
    {
        _database = database;
        _connection = connection;
        _transaction = transaction;
        _now = now;
    }

    /// <summary>The highest event id ever given (merged-away events included); 0 when there is none.</summary>
    public Task<long> MaxEventIdAsync(CancellationToken cancellationToken = default) =>
        _connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(id), 0) FROM events", transaction: _transaction, cancellationToken: cancellationToken));

    /// <summary>The latest day of any member; null when no statement is in an event yet.</summary>
    public async Task<DateOnly?> LatestDayAsync(CancellationToken cancellationToken = default)
    {
        var day = await _connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT MAX(day) FROM event_members", transaction: _transaction, cancellationToken: cancellationToken));
        return day is { } d ? DateOnly.FromDayNumber(d) : null;
    }

    /// <summary>
    /// The events with a member between <paramref name="from"/> and <paramref name="to"/>, rebuilt
    /// (<see cref="StoryEvent.Rebuild"/>) from all their members' stored vectors, topics and references.
    /// </summary>
    public async Task<IReadOnlyList<StoryEvent>> EventsAroundAsync(DateOnly from, DateOnly to, EventOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rows = await _connection.QueryAsync<MemberRow>(new CommandDefinition(
            """
            SELECT m.statement_id AS StatementId, m.event_id AS EventId, m.day AS Day, m.institution AS Institution, m.reason AS Reason,
                   m.vector AS Vector, m.topics AS Topics, m.refs AS Refs
            FROM event_members m
            WHERE m.event_id IN (SELECT DISTINCT event_id FROM event_members WHERE day BETWEEN @From AND @To)
            ORDER BY m.event_id, m.day, m.statement_id
            """,
            new { From = from.DayNumber, To = to.DayNumber }, _transaction, cancellationToken: cancellationToken));
        return [.. rows.GroupBy(r => r.EventId).Select(g => StoryEvent.Rebuild(g.Key,
            [.. g.Select(r => (new EventStatement(r.StatementId, DateOnly.FromDayNumber(r.Day), r.Institution, EventStore.FromBytes(r.Vector),
                EventStore.Split(r.Topics), EventStore.Split(r.Refs)), r.Reason))], options))];
    }

    /// <summary>Records where a statement went: a new event, or an existing one, and the events it merged into it.</summary>
    /// <param name="mergeReasons">Why each merged event was merged (the kept event's history line for it).</param>
    public Task WriteAsync(EventStatement statement, EventAssignment assignment, IReadOnlyDictionary<long, string> mergeReasons, CancellationToken cancellationToken = default) =>
        WriteAsync(statement, assignment, mergeReasons, "", cancellationToken);

    /// <summary>Writes a statement's place in its event, with its key sentence, and the merges it made.</summary>
    public async Task WriteAsync(EventStatement statement, EventAssignment assignment, IReadOnlyDictionary<long, string> mergeReasons, string keySentence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keySentence);
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(mergeReasons);
        var now = Database.ToDb(_now);
        if (!assignment.Created)
        {
            await RememberBeforeAsync(assignment.EventId, cancellationToken);
        }

        foreach (var merged in assignment.Merged)
        {
            await RememberBeforeAsync(merged, cancellationToken);
        }

        if (assignment.Created)
        {
            await _connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO events (id, first_day, last_day, title, institutions, members, nato_members, ep_members, created_at, updated_at)
                VALUES (@Id, @Day, @Day, '', @Institution, 0, 0, 0, @Now, @Now)
                """,
                new { Id = assignment.EventId, Day = statement.Date.DayNumber, statement.Institution, Now = now }, _transaction, cancellationToken: cancellationToken));
        }

        await _connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_members (statement_id, event_id, day, institution, reason, joined_at, vector, topics, refs, key_sentence)
            VALUES (@StatementId, @EventId, @Day, @Institution, @Reason, @Now, @Vector, @Topics, @Refs, @KeySentence)
            """,
            new
            {
                StatementId = statement.Id,
                assignment.EventId,
                Day = statement.Date.DayNumber,
                statement.Institution,
                assignment.Reason,
                Now = now,
                Vector = EventStore.ToBytes(statement.Vector),
                Topics = EventStore.Join(statement.Topics),
                Refs = EventStore.Join(statement.References),
                KeySentence = keySentence,
            },
            _transaction, cancellationToken: cancellationToken));
        foreach (var merged in assignment.Merged)
        {
            var reason = mergeReasons.GetValueOrDefault(merged) ?? $"event {merged} merged: statement {statement.Id} bridges it";
            await _connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO event_merges (merged_id, kept_id, statement_id, reason, merged_at) VALUES (@Merged, @Kept, @StatementId, @Reason, @Now)",
                new { Merged = merged, Kept = assignment.EventId, StatementId = statement.Id, Reason = reason, Now = now }, _transaction, cancellationToken: cancellationToken));
            await _connection.ExecuteAsync(new CommandDefinition(
                "UPDATE event_members SET event_id = @Kept WHERE event_id = @Merged",
                new { Merged = merged, Kept = assignment.EventId }, _transaction, cancellationToken: cancellationToken));
            // Links to an event merged earlier into this one follow to the kept event too.
            await _connection.ExecuteAsync(new CommandDefinition(
                "UPDATE events SET merged_into = @Kept, updated_at = @Now WHERE id = @Merged OR merged_into = @Merged",
                new { Merged = merged, Kept = assignment.EventId, Now = now }, _transaction, cancellationToken: cancellationToken));
            _touched.Remove(merged);
            _mergedInto[merged] = assignment.EventId;
            var kept = _merges.TryGetValue(assignment.EventId, out var list) ? list : _merges[assignment.EventId] = [];
            kept.Add(merged);
            if (_merges.Remove(merged, out var earlier))
            {
                kept.AddRange(earlier);
            }
        }

        _touched.Add(assignment.EventId);
        _written.Add((statement.Id, assignment.EventId, assignment.Created));
    }

    // Whether an event had both institutions before this page, read the first time the page touches it (the events row
    // still holds its last committed counts then). An event the page created had neither.
    private async Task RememberBeforeAsync(long eventId, CancellationToken cancellationToken)
    {
        if (_bothBefore.ContainsKey(eventId) || _touched.Contains(eventId))
        {
            return;
        }

        var counts = await _connection.QuerySingleOrDefaultAsync<(int Nato, int Ep)?>(new CommandDefinition(
            "SELECT nato_members AS Nato, ep_members AS Ep FROM events WHERE id = @Id",
            new { Id = eventId }, _transaction, cancellationToken: cancellationToken));
        _bothBefore[eventId] = counts is { Nato: > 0, Ep: > 0 };
    }

    private long Final(long eventId)
    {
        while (_mergedInto.TryGetValue(eventId, out var kept))
        {
            eventId = kept;
        }

        return eventId;
    }

    /// <summary>
    /// Takes a revised member's new text into its event (docs/events.md#revisions-and-splits). The event's members are
    /// linked again with the statement's new vector and topics (<see cref="EventSplitter.Parts"/>; the links recorded
    /// with the statement itself no longer count): when they still hold together, the statement stays with its new
    /// features; when the change cut the event, the oldest part keeps the event's id and every other part becomes a new
    /// event recorded in event_splits. A statement left on its own is taken out of the event, to be placed again as a
    /// new statement (<see cref="EventRevision.PlaceAgain"/>), unless it was alone in its event already.
    /// </summary>
    public async Task<EventRevision> ReviseAsync(EventStatement statement, int revision, EventOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(options);
        await _connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM event_revised WHERE statement_id = @Id AND revision = @Revision",
            new { statement.Id, Revision = revision }, _transaction, cancellationToken: cancellationToken));
        var eventId = await _connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT event_id FROM event_members WHERE statement_id = @Id", new { statement.Id }, _transaction, cancellationToken: cancellationToken));
        if (eventId is not { } id)
        {
            return new EventRevision(0, [], PlaceAgain: true);
        }

        await RememberBeforeAsync(id, cancellationToken);
        var rows = (await _connection.QueryAsync<MemberRow>(new CommandDefinition(
            """
            SELECT statement_id AS StatementId, event_id AS EventId, day AS Day, institution AS Institution, reason AS Reason,
                   vector AS Vector, topics AS Topics, refs AS Refs
            FROM event_members WHERE event_id = @Id
            """,
            new { Id = id }, _transaction, cancellationToken: cancellationToken))).ToList();
        var members = rows.Select(r => r.StatementId == statement.Id
            ? statement with { Date = DateOnly.FromDayNumber(r.Day) }
            : new EventStatement(r.StatementId, DateOnly.FromDayNumber(r.Day), r.Institution, EventStore.FromBytes(r.Vector),
                EventStore.Split(r.Topics), EventStore.Split(r.Refs))).ToList();
        var reasons = rows.ToDictionary(r => r.StatementId, r => r.StatementId == statement.Id ? "" : r.Reason);
        var memberIds = reasons.Keys.ToHashSet();
        var bridges = await _connection.QueryAsync<(long StatementId, string Reason)>(new CommandDefinition(
            $"SELECT statement_id AS StatementId, reason AS Reason FROM event_merges WHERE statement_id {_database.InList("Ids")}",
            new { Ids = memberIds.ToArray() }, _transaction, cancellationToken: cancellationToken));
        var recorded = rows.Select(r => (r.StatementId, Linked: EventSplitter.LinkedStatement(r.Reason)))
            .Concat(bridges.Select(b => (b.StatementId, Linked: EventSplitter.LinkedStatement(b.Reason))))
            .Where(l => l.Linked is not null && l.StatementId != statement.Id && l.Linked != statement.Id)
            .Select(l => (l.StatementId, l.Linked!.Value))
            .ToList();
        var parts = EventSplitter.Parts(members, recorded, reasons, options, $"first statement of a part split from event {id}");
        var alone = parts.FirstOrDefault(p => p.StatementIds is [var only] && only == statement.Id);
        if (alone is not null && parts.Count == 1)
        {
            // Alone in its event: placed again, the event kept for it if it starts one, retired into the one it joins.
            await _connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM event_members WHERE statement_id = @Id", new { statement.Id }, _transaction, cancellationToken: cancellationToken));
            return new EventRevision(0, [], PlaceAgain: true) { Emptied = id };
        }

        if (alone is not null)
        {
            // The revised statement no longer fits with anyone here: out of the event, placed again by the caller.
            await _connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM event_members WHERE statement_id = @Id", new { statement.Id }, _transaction, cancellationToken: cancellationToken));
            parts = [.. parts.Where(p => p != alone)];
        }

        var now = Database.ToDb(_now);
        var kept = parts[0];
        var made = new List<long>();
        var next = await MaxEventIdAsync(cancellationToken);
        var partOf = new Dictionary<long, long>();
        foreach (var part in parts)
        {
            var partId = part == kept ? id : ++next;
            if (partId != id)
            {
                made.Add(partId);
                _bothBefore[partId] = _bothBefore.GetValueOrDefault(id);
                await _connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO events (id, first_day, last_day, title, institutions, members, nato_members, ep_members, created_at, updated_at)
                    VALUES (@Id, 0, 0, '', '', 0, 0, 0, @Now, @Now)
                    """,
                    new { Id = partId, Now = now }, _transaction, cancellationToken: cancellationToken));
                var why = $"split from event {id}: statement {statement.Id} was revised (revision {revision}) and no longer links its {part.StatementIds.Count} statement{(part.StatementIds.Count == 1 ? "" : "s")} to the rest";
                await _connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO event_splits (part_id, from_id, statement_id, reason, split_at) VALUES (@Part, @From, @StatementId, @Reason, @Now)",
                    new { Part = partId, From = id, StatementId = statement.Id, Reason = why, Now = now }, _transaction, cancellationToken: cancellationToken));
                _touched.Add(partId);
            }

            foreach (var member in part.StatementIds)
            {
                partOf[member] = partId;
                var reason = part.Reasons[member];
                var row = rows.First(r => r.StatementId == member);
                if (member == statement.Id)
                {
                    await _connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE event_members SET event_id = @Part, reason = @Reason, vector = @Vector, topics = @Topics, refs = @Refs WHERE statement_id = @Id",
                        new
                        {
                            Part = partId,
                            Reason = reason,
                            Vector = EventStore.ToBytes(statement.Vector),
                            Topics = EventStore.Join(statement.Topics),
                            Refs = EventStore.Join(statement.References),
                            statement.Id,
                        },
                        _transaction, cancellationToken: cancellationToken));
                }
                else if (partId != id || reason != row.Reason)
                {
                    await _connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE event_members SET event_id = @Part, reason = @Reason WHERE statement_id = @Id",
                        new { Part = partId, Reason = reason, Id = member }, _transaction, cancellationToken: cancellationToken));
                }

                if (partId != id || member == statement.Id)
                {
                    _written.Add((member, partId, false));
                }
            }
        }

        _touched.Add(id);
        if (!partOf.TryGetValue(statement.Id, out var at))
        {
            return new EventRevision(0, made, PlaceAgain: true);
        }

        return new EventRevision(at, made, PlaceAgain: false) { Centroid = Centroid(members.Where(m => partOf.GetValueOrDefault(m.Id) == at)) };
    }

    /// <summary>Sets a member's key sentence (a revised statement that stayed in its event).</summary>
    public Task SetKeySentenceAsync(long statementId, string keySentence, CancellationToken cancellationToken = default) =>
        _connection.ExecuteAsync(new CommandDefinition(
            "UPDATE event_members SET key_sentence = @KeySentence WHERE statement_id = @Id",
            new { Id = statementId, KeySentence = keySentence }, _transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Retires the event a revised statement was alone in (<see cref="EventRevision.Emptied"/>) once it has joined
    /// <paramref name="into"/>: the event is recorded as merged into it, so links to it find the statement's event.
    /// </summary>
    public async Task RetireAsync(long emptied, long into, long statementId, CancellationToken cancellationToken = default)
    {
        var now = Database.ToDb(_now);
        await _connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO event_merges (merged_id, kept_id, statement_id, reason, merged_at) VALUES (@Merged, @Kept, @StatementId, @Reason, @Now)",
            new { Merged = emptied, Kept = into, StatementId = statementId, Reason = $"event {emptied} merged: its only statement {statementId} was revised and joins this event", Now = now },
            _transaction, cancellationToken: cancellationToken));
        await _connection.ExecuteAsync(new CommandDefinition(
            "UPDATE events SET merged_into = @Kept, updated_at = @Now WHERE id = @Merged OR merged_into = @Merged",
            new { Merged = emptied, Kept = into, Now = now }, _transaction, cancellationToken: cancellationToken));
        _touched.Remove(emptied);
    }

    /// <summary>Drops a revised statement from the queue without placing it again (its new text gives no features).</summary>
    public Task DropRevisionAsync(long statementId, int revision, CancellationToken cancellationToken = default) =>
        _connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM event_revised WHERE statement_id = @Id AND revision = @Revision",
            new { Id = statementId, Revision = revision }, _transaction, cancellationToken: cancellationToken));

    private static float[] Centroid(IEnumerable<EventStatement> members)
    {
        float[]? sum = null;
        foreach (var m in members)
        {
            sum ??= new float[m.Vector.Length];
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += m.Vector[i];
            }
        }

        sum ??= [];
        var norm = Math.Sqrt(sum.Sum(v => (double)v * v));
        return norm > 0 ? [.. sum.Select(v => (float)(v / norm))] : sum;
    }

    /// <summary>Records a statement that cannot be placed (neither title nor text), so it is not read again.</summary>
    public Task SkipAsync(long statementId, string reason, CancellationToken cancellationToken = default) =>
        _connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_skipped (statement_id, reason) VALUES (@StatementId, @Reason)
            ON CONFLICT (statement_id) DO UPDATE SET reason = excluded.reason
            """,
            new { StatementId = statementId, Reason = reason }, _transaction, cancellationToken: cancellationToken));

    /// <summary>Lifts a statement's skip (its English version has come), before it is placed.</summary>
    public Task UnskipAsync(long statementId, CancellationToken cancellationToken = default) =>
        _connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM event_skipped WHERE statement_id = @StatementId",
            new { StatementId = statementId }, _transaction, cancellationToken: cancellationToken));

    /// <summary>Refreshes the touched events' days, title (their first statement's), institutions and counts, moves the checkpoint and commits.</summary>
    public async Task CommitAsync(long checkpoint, CancellationToken cancellationToken = default)
    {
        var grouped = new List<GroupedEvent>(_touched.Count);
        foreach (var id in _touched.Order())
        {
            var summary = await _connection.QuerySingleAsync<(long First, long Last, long Members, long Nato, long Ep)>(new CommandDefinition(
                """
                SELECT MIN(day) AS First, MAX(day) AS Last, COUNT(*) AS Members,
                       SUM(CASE WHEN institution = 'NATO' THEN 1 ELSE 0 END) AS Nato, SUM(CASE WHEN institution = 'EP' THEN 1 ELSE 0 END) AS Ep
                FROM event_members WHERE event_id = @Id
                """,
                new { Id = id }, _transaction, cancellationToken: cancellationToken));
            var title = await _connection.ExecuteScalarAsync<string>(new CommandDefinition(
                """
                SELECT s.title FROM event_members m JOIN statements s ON s.id = m.statement_id
                WHERE m.event_id = @Id ORDER BY m.day, m.statement_id LIMIT 1
                """,
                new { Id = id }, _transaction, cancellationToken: cancellationToken));
            var institutions = await _connection.QueryAsync<string>(new CommandDefinition(
                "SELECT institution FROM event_members WHERE event_id = @Id GROUP BY institution ORDER BY MIN(day), MIN(statement_id)",
                new { Id = id }, _transaction, cancellationToken: cancellationToken));
            await _connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE events SET first_day = @First, last_day = @Last, title = @Title, institutions = @Institutions,
                    members = @Members, nato_members = @Nato, ep_members = @Ep, updated_at = @Now
                WHERE id = @Id
                """,
                new
                {
                    Id = id,
                    First = (int)summary.First,
                    Last = (int)summary.Last,
                    Title = title ?? "",
                    Institutions = string.Join(',', institutions),
                    Members = (int)summary.Members,
                    Nato = (int)summary.Nato,
                    Ep = (int)summary.Ep,
                    Now = Database.ToDb(_now),
                },
                _transaction, cancellationToken: cancellationToken));

            var topics = (await _connection.QueryAsync<string>(new CommandDefinition(
                    "SELECT topics FROM event_members WHERE event_id = @Id", new { Id = id }, _transaction, cancellationToken: cancellationToken)))
                .SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .GroupBy(t => t, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key)
                .ToList();
            var merged = _merges.GetValueOrDefault(id) ?? [];
            var before = _bothBefore.GetValueOrDefault(id) || merged.Any(m => _bothBefore.GetValueOrDefault(m));
            grouped.Add(new GroupedEvent(id, title ?? "", institutions.ToList(), (int)summary.Members, topics,
                DateOnly.FromDayNumber((int)summary.First), DateOnly.FromDayNumber((int)summary.Last),
                BothInstitutionsNow: summary.Nato > 0 && summary.Ep > 0 && !before, merged.Order().ToList()));
        }

        if (_written.Count > 0)
        {
            var statements = _written.Select(w => new StatementGrouped(w.StatementId, Final(w.EventId), w.Created && Final(w.EventId) == w.EventId)).ToList();
            await OutboxStore.EnqueueAsync(_connection, _transaction, new StatementsGrouped(statements, grouped), _now);
        }

        await _connection.ExecuteAsync(new CommandDefinition(
            "UPDATE event_clustering SET checkpoint = @Checkpoint WHERE id = 1 AND checkpoint < @Checkpoint",
            new { Checkpoint = checkpoint }, _transaction, cancellationToken: cancellationToken));
        await _transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private sealed class MemberRow
    {
        public long StatementId { get; init; }

        public long EventId { get; init; }

        public int Day { get; init; }

        public string Institution { get; init; } = "";

        public string Reason { get; init; } = "";

        public byte[] Vector { get; init; } = [];

        public string Topics { get; init; } = "";

        public string Refs { get; init; } = "";
    }
}
