using System.Globalization;
using Dapper;
using Monitor.Data.History;

namespace Monitor.Data.Events;

/// <summary>An event in a list: its days, title (its first statement's), institutions in the order they spoke, member counts.</summary>
public sealed record EventSummary(long Id, DateOnly FirstDay, DateOnly LastDay, string Title, IReadOnlyList<string> Institutions, int Members, int NatoMembers, int EpMembers);

/// <summary>A statement of an event, and why it is there.</summary>
/// <param name="KeySentence">Of the lead sentences that make its vector, the one closest to the event when it joined; "" when none.</param>
public sealed record EventMemberView(long StatementId, string SourceId, string Institution, DateOnly Day, DateTimeOffset At, string Title, string Reason, string KeySentence);

/// <summary>
/// A baseline figure stated in an event, in date order: its value in a member statement, the briefing's baseline, whether
/// it differs from the baseline, and whether it differs from the value the event's previous statement of it gave.
/// </summary>
public sealed record EventFigureView(
    string FigureId, long StatementId, string Institution, DateTimeOffset At, double Value, double Baseline, bool Drift, bool Changed, string Evidence);

/// <summary>Who of an institution spoke first in an event.</summary>
public sealed record FirstSpeaker(string Institution, long StatementId, DateTimeOffset At);

/// <summary>One event in full: its members in date order, who spoke first per institution, its topics and its merge history.</summary>
/// <param name="RequestedId">The id asked for, when it is an event merged into this one.</param>
public sealed record EventDetail(
    EventSummary Event,
    long? RequestedId,
    IReadOnlyList<EventMemberView> Members,
    IReadOnlyList<FirstSpeaker> FirstSpeakers,
    IReadOnlyList<EventTopic> Topics,
    IReadOnlyList<EventMergeView> Merges)
{
    /// <summary>The baseline figures its statements state, by figure and in date order, with the changes inside the event.</summary>
    public IReadOnlyList<EventFigureView> Figures { get; init; } = [];
    /// <summary>The entities its statements name, most named first (set by <see cref="EventQueries.GetAsync"/>).</summary>
    public IReadOnlyList<EventEntity> Entities { get; init; } = [];

    /// <summary>Its splits: the parts split off it, and the event it was split from (docs/events.md#revisions-and-splits).</summary>
    public IReadOnlyList<EventSplitView> Splits { get; init; } = [];
}

/// <summary>Event <paramref name="PartId"/> was split off event <paramref name="FromId"/> when <paramref name="StatementId"/> was revised.</summary>
public sealed record EventSplitView(long PartId, long FromId, long StatementId, string Reason, DateTimeOffset SplitAt);

/// <summary>A topic of an event: how many of its statements carry it.</summary>
public sealed record EventTopic(string TopicId, int Statements);

/// <summary>An event merged into this one: which statement bridged them, and why.</summary>
public sealed record EventMergeView(long MergedId, long StatementId, string Reason, DateTimeOffset MergedAt);

/// <summary>Which institutions an event must have heard from.</summary>
public enum EventInstitutions
{
    /// <summary>Any event.</summary>
    Any,

    /// <summary>Events with at least one NATO statement.</summary>
    Nato,

    /// <summary>Events with at least one European Parliament statement.</summary>
    Ep,

    /// <summary>Events where NATO and the EP both spoke.</summary>
    Both,
}

/// <summary>
/// The events list's filters, combined with AND; every part optional. Validated values only (the API answers a 400
/// before one of these exists).
/// </summary>
public sealed record EventFilter
{
    public EventFilter()
    {
    }

    /// <summary>The list's first filters (a topic, both institutions), as the first version of this record took them.</summary>
#pragma warning disable IDE1006 // the parameter names of the positional record this was, so named arguments still compile
    public EventFilter(string? TopicId = null, bool BothInstitutions = false)
#pragma warning restore IDE1006
    {
        Topics = TopicId is null ? [] : [TopicId];
        Institutions = BothInstitutions ? EventInstitutions.Both : EventInstitutions.Any;
    }

    /// <summary>Some member's current revision carries at least one of these topics.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>Entity ids: the event's statements name every one (not necessarily the same statement).</summary>
    public IReadOnlyList<string> Entities { get; init; } = [];

    public EventInstitutions Institutions { get; init; } = EventInstitutions.Any;

    /// <summary>The event has a day on or after this day (its last day is not before it).</summary>
    public DateOnly? FromDay { get; init; }

    /// <summary>The event has a day before this day (exclusive; its first day is before it).</summary>
    public DateOnly? ToDay { get; init; }

    /// <summary>Words the event's title contains, each as a case-insensitive substring (lower-case, no wildcards).</summary>
    public IReadOnlyList<string> TitleWords { get; init; } = [];

    public bool BothInstitutions => Institutions == EventInstitutions.Both;
}

/// <summary>An entity the statements of an event name (its gazetteer name and kind), and how many of them do.</summary>
public sealed record EventEntity(string EntityId, string Name, string Kind, int Statements);

/// <summary>A page of events, newest first, and the cursor of the next (null on the last).</summary>
public sealed record EventListPage(IReadOnlyList<EventSummary> Items, string? NextCursor);

/// <summary>The read side of events (the dashboard's <c>/api/events</c>; migration 0019).</summary>
public sealed class EventQueries(Database database)
{
    private const string SummarySql = """
        SELECT e.id AS Id, e.first_day AS FirstDay, e.last_day AS LastDay, e.title AS Title, e.institutions AS Institutions,
               e.members AS Members, e.nato_members AS NatoMembers, e.ep_members AS EpMembers
        FROM events e
        """;

    /// <summary>
    /// Events newest first (by last day, then id), after <paramref name="cursor"/> (from the previous page; "day:id"),
    /// at most <paramref name="limit"/>. Throws <see cref="FormatException"/> for a malformed cursor.
    /// </summary>
    public async Task<EventListPage> ListAsync(EventFilter filter, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var (afterDay, afterId) = ParseCursor(cursor);
        var where = new List<string> { "e.merged_into IS NULL" };
        var parameters = new DynamicParameters();
        parameters.Add("AfterDay", afterDay);
        parameters.Add("AfterId", afterId);
        parameters.Add("Take", limit + 1);
        if (cursor is not null)
        {
            where.Add("(e.last_day < @AfterDay OR (e.last_day = @AfterDay AND e.id < @AfterId))");
        }

        where.Add(filter.Institutions switch
        {
            EventInstitutions.Both => "e.nato_members > 0 AND e.ep_members > 0",
            EventInstitutions.Nato => "e.nato_members > 0",
            EventInstitutions.Ep => "e.ep_members > 0",
            _ => "1 = 1",
        });
        if (filter.FromDay is { } from)
        {
            where.Add("e.last_day >= @FromDay");
            parameters.Add("FromDay", from.DayNumber);
        }

        if (filter.ToDay is { } to)
        {
            where.Add("e.first_day < @ToDay");
            parameters.Add("ToDay", to.DayNumber);
        }

        var topics = filter.Topics.Distinct(StringComparer.Ordinal).ToArray();
        if (topics.Length == 1)
        {
            // The current revision's topic rows are those with current_sort_at set (migration 0006's triggers).
            where.Add("""
                EXISTS (SELECT 1 FROM event_members m
                        JOIN statement_topics t ON t.statement_id = m.statement_id AND t.current_sort_at IS NOT NULL
                        WHERE m.event_id = e.id AND t.topic_id = @Topic)
                """);
            parameters.Add("Topic", topics[0]);
        }
        else if (topics.Length > 1)
        {
            where.Add($"""
                EXISTS (SELECT 1 FROM event_members m
                        JOIN statement_topics t ON t.statement_id = m.statement_id AND t.current_sort_at IS NOT NULL
                        WHERE m.event_id = e.id AND t.topic_id {database.InList("Topics")})
                """);
            parameters.Add("Topics", topics);
        }

        var entities = filter.Entities.Distinct(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < entities.Length; i++)
        {
            where.Add($"""
                EXISTS (SELECT 1 FROM event_members m
                        JOIN statement_entities n ON n.statement_id = m.statement_id
                        WHERE m.event_id = e.id AND n.entity_id = @Entity{i})
                """);
            parameters.Add($"Entity{i}", entities[i]);
        }

        var words = filter.TitleWords.Distinct(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < words.Length; i++)
        {
            // LOWER folds ASCII on SQLite (and everything on PostgreSQL); the words are lower case already, and % _ \ are escaped.
            where.Add($"LOWER(e.title) LIKE @Word{i} ESCAPE '\\'");
            parameters.Add($"Word{i}", "%" + EscapeLike(words[i]) + "%");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            $"{SummarySql} WHERE {string.Join(" AND ", where)} ORDER BY e.last_day DESC, e.id DESC LIMIT @Take",
            parameters, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r => r.ToSummary()).ToList();
        var next = rows.Count > limit ? string.Create(CultureInfo.InvariantCulture, $"{items[^1].LastDay.DayNumber}:{items[^1].Id}") : null;
        return new EventListPage(items, next);
    }

    /// <summary>One event in full; an event merged into another answers with the kept one. Null when there is no such event.</summary>
    public async Task<EventDetail?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var mergedInto = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT COALESCE(merged_into, id) FROM events WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        if (mergedInto is not { } keptId)
        {
            return null;
        }

        var row = await connection.QuerySingleAsync<SummaryRow>(new CommandDefinition($"{SummarySql} WHERE e.id = @Id", new { Id = keptId }, cancellationToken: cancellationToken));
        var members = (await connection.QueryAsync<MemberRow>(new CommandDefinition(
            """
            SELECT m.statement_id AS StatementId, s.source_id AS SourceId, m.institution AS Institution, m.day AS Day, s.sort_at AS SortAt,
                   s.title AS Title, m.reason AS Reason, m.key_sentence AS KeySentence
            FROM event_members m JOIN statements s ON s.id = m.statement_id
            WHERE m.event_id = @Id
            ORDER BY s.sort_at, m.statement_id
            """,
            new { Id = keptId }, cancellationToken: cancellationToken)))
            .Select(m => new EventMemberView(m.StatementId, m.SourceId, m.Institution, DateOnly.FromDayNumber(m.Day), Database.FromDb(m.SortAt), m.Title, m.Reason, m.KeySentence))
            .ToList();
        var topics = await connection.QueryAsync<(string TopicId, long Statements)>(new CommandDefinition(
            """
            SELECT t.topic_id AS TopicId, COUNT(*) AS Statements
            FROM event_members m
            JOIN statements s ON s.id = m.statement_id
            JOIN statement_topics t ON t.statement_id = s.id AND t.revision = s.current_revision
            WHERE m.event_id = @Id
            GROUP BY t.topic_id
            ORDER BY COUNT(*) DESC, t.topic_id
            """,
            new { Id = keptId }, cancellationToken: cancellationToken));
        var merges = await connection.QueryAsync<(long MergedId, long StatementId, string Reason, long MergedAt)>(new CommandDefinition(
            // The events whose merged_into is this one: merged straight into it, or into one merged into it later (the
            // store re-points those; an event is merged once, so the chain is a tree). Followed through event_merges by kept_id (ix_event_merges_kept), not by
            // events.merged_into, which has no index: that was a scan of every event (81 ms at 356,592 events).
            """
            WITH RECURSIVE chain (merged_id, statement_id, reason, merged_at) AS (
                SELECT merged_id, statement_id, reason, merged_at FROM event_merges WHERE kept_id = @Id
                UNION ALL
                SELECT g.merged_id, g.statement_id, g.reason, g.merged_at FROM event_merges g JOIN chain c ON g.kept_id = c.merged_id)
            SELECT merged_id AS MergedId, statement_id AS StatementId, reason AS Reason, merged_at AS MergedAt
            FROM chain
            ORDER BY merged_at, merged_id
            """,
            new { Id = keptId }, cancellationToken: cancellationToken));
        var entities = await connection.QueryAsync<(string EntityId, long Statements)>(new CommandDefinition(
            """
            SELECT n.entity_id AS EntityId, COUNT(*) AS Statements
            FROM event_members m JOIN statement_entities n ON n.statement_id = m.statement_id
            WHERE m.event_id = @Id
            GROUP BY n.entity_id
            ORDER BY COUNT(*) DESC, n.entity_id
            """,
            new { Id = keptId }, cancellationToken: cancellationToken));
        var splits = await connection.QueryAsync<(long PartId, long FromId, long StatementId, string Reason, long SplitAt)>(new CommandDefinition(
            """
            SELECT part_id AS PartId, from_id AS FromId, statement_id AS StatementId, reason AS Reason, split_at AS SplitAt FROM event_splits WHERE from_id = @Id
            UNION ALL
            SELECT part_id, from_id, statement_id, reason, split_at FROM event_splits WHERE part_id = @Id
            ORDER BY SplitAt, PartId
            """,
            new { Id = keptId }, cancellationToken: cancellationToken));
        var figureRows = await connection.QueryAsync<(long StatementId, string FigureId, double Value, double Baseline, int Drift, string Evidence)>(new CommandDefinition(
            """
            SELECT f.statement_id AS StatementId, f.figure_id AS FigureId, f.value AS Value, f.baseline AS Baseline, f.drift AS Drift, f.evidence AS Evidence
            FROM event_members m
            JOIN statements s ON s.id = m.statement_id
            JOIN statement_figures f ON f.statement_id = s.id AND f.revision = s.current_revision
            WHERE m.event_id = @Id
            ORDER BY f.figure_id, s.sort_at, f.statement_id, f.field, f.evidence_start
            """,
            new { Id = keptId }, cancellationToken: cancellationToken));
        var memberOf = members.ToDictionary(m => m.StatementId);
        var figures = new List<EventFigureView>();
        foreach (var group in figureRows.GroupBy(f => f.FigureId, StringComparer.Ordinal))
        {
            double? previous = null;
            foreach (var f in group.DistinctBy(f => (f.StatementId, f.Value)))
            {
                var member = memberOf[f.StatementId];
                figures.Add(new EventFigureView(f.FigureId, f.StatementId, member.Institution, member.At, f.Value, f.Baseline, f.Drift != 0,
                    previous is { } p && p != f.Value, f.Evidence));
                previous = f.Value;
            }
        }

        var first = members.GroupBy(m => m.Institution, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(m => m.At).ThenBy(m => m.StatementId)
            .Select(m => new FirstSpeaker(m.Institution, m.StatementId, m.At))
            .ToList();
        return new EventDetail(row.ToSummary(), keptId == id ? null : id, members, first,
            [.. topics.Select(t => new EventTopic(t.TopicId, (int)t.Statements))],
            [.. merges.Select(g => new EventMergeView(g.MergedId, g.StatementId, g.Reason, Database.FromDb(g.MergedAt)))])
        {
            Figures = figures,
            Splits = [.. splits.Select(x => new EventSplitView(x.PartId, x.FromId, x.StatementId, x.Reason, Database.FromDb(x.SplitAt)))],
            Entities = [.. entities.Select(n => new EventEntity(n.EntityId, EntityNames.Describe(n.EntityId).Name, EntityNames.Describe(n.EntityId).Kind, (int)n.Statements))],
        };
    }

    /// <summary>The event a statement is in (the kept one, after merges); null when it is in none yet.</summary>
    public async Task<long?> EventOfAsync(long statementId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT event_id FROM event_members WHERE statement_id = @Id", new { Id = statementId }, cancellationToken: cancellationToken));
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static (int Day, long Id) ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return (0, 0);
        }

        var parts = cursor.Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || day > DateOnly.MaxValue.DayNumber)
        {
            throw new FormatException($"'{cursor}' is not an events cursor: pass back the nextCursor of the previous page");
        }

        return (day, id);
    }

    private sealed class SummaryRow
    {
        public long Id { get; init; }

        public int FirstDay { get; init; }

        public int LastDay { get; init; }

        public string Title { get; init; } = "";

        public string Institutions { get; init; } = "";

        public int Members { get; init; }

        public int NatoMembers { get; init; }

        public int EpMembers { get; init; }

        public EventSummary ToSummary() =>
            new(Id, DateOnly.FromDayNumber(FirstDay), DateOnly.FromDayNumber(LastDay), Title,
                Institutions.Split(',', StringSplitOptions.RemoveEmptyEntries), Members, NatoMembers, EpMembers);
    }

    private sealed class MemberRow
    {
        public long StatementId { get; init; }

        public string SourceId { get; init; } = "";

        public string Institution { get; init; } = "";

        public int Day { get; init; }

        public long SortAt { get; init; }

        public string Title { get; init; } = "";

        public string Reason { get; init; } = "";

        public string KeySentence { get; init; } = "";
    }
}
