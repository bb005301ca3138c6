using System.Globalization;
using System.Numerics;

namespace Monitor.Core.Events;

/// <summary>What happened to one statement: the event it is in now, why, and the events that were merged into it.</summary>
/// <param name="Created">True when the statement started a new event.</param>
/// <param name="Merged">Ids of events merged into <paramref name="EventId"/> because this statement bridges them.</param>
public sealed record EventAssignment(long StatementId, long EventId, bool Created, string Reason, IReadOnlyList<long> Merged);

/// <summary>Where a statement would go (<see cref="EventClusterer.Propose"/>): an event id, or null for a new event.</summary>
public sealed record EventProposal(long? EventId, string Reason, IReadOnlyList<long> WouldMerge);

/// <summary>
/// Groups statements into events as they are stored, one at a time, in date order. Pure and deterministic: no clock,
/// no store, no randomness; the same statements in the same order give the same events.
/// </summary>
/// <remarks>
/// <para>A statement is compared with every open event (an event is open while its latest statement is at most
/// <see cref="EventOptions.WindowDays"/> old):</para>
/// <list type="number">
/// <item>A document reference it shares with an event (a procedure, a motion, a text adopted) joins it, up to
/// <see cref="EventOptions.ReferenceWindowDays"/> after the event's latest statement.</item>
/// <item>Otherwise the score of an event is the best cosine similarity between the statement and one of the event's
/// kept member vectors, plus <see cref="EventOptions.TopicWeight"/> times the topic overlap, plus
/// <see cref="EventOptions.EntityWeight"/> times the entity overlap, minus <see cref="EventOptions.DayPenalty"/> per
/// day from that member. The statement joins the best event scoring at least <see cref="EventOptions.JoinThreshold"/>,
/// or starts a new one.</item>
/// <item>Any other open event that scores at least <see cref="EventOptions.MergeThreshold"/> (or shares a reference)
/// is merged into the joined one: the statement bridges them.</item>
/// </list>
/// <para>Splits happen outside the clusterer, when a member's text is revised (<see cref="EventSplitter"/>, docs/events.md).</para>
/// </remarks>
public sealed class EventClusterer
{
    /// <summary>The reason of a membership that started its event (stores read it to tell which statement started one).</summary>
    public const string FirstStatementReason = "first statement";

    private readonly EventOptions _options;
    private readonly List<StoryEvent> _open = [];
    private readonly List<StoryEvent> _all = [];
    private readonly Dictionary<long, StoryEvent> _byId = [];
    private readonly int _dimensions;
    private long _nextId;
    private DateOnly _latest = DateOnly.MinValue;

    /// <param name="dimensions">Length of every statement vector (384 for all-MiniLM-L6-v2).</param>
    /// <param name="firstEventId">The id the first new event gets (a store continues its own numbering).</param>
    public EventClusterer(int dimensions, EventOptions? options = null, long firstEventId = 1)
    {
        if (dimensions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), "Vectors need at least one dimension");
        }

        _options = options ?? new EventOptions();
        _options.Validate();
        _dimensions = dimensions;
        _nextId = firstEventId;
    }

    public EventOptions Options => _options;

    /// <summary>Every event made so far (merged-away events excluded), oldest first.</summary>
    public IReadOnlyList<StoryEvent> Events => _all;

    /// <summary>Events a new statement can still join.</summary>
    public int OpenCount => _open.Count;

    /// <summary>The event with this id, or null (also null for an event merged into another).</summary>
    public StoryEvent? Find(long eventId) => _byId.GetValueOrDefault(eventId);

    /// <summary>
    /// Takes back events made earlier (<see cref="StoryEvent.Rebuild"/>): those still open at the latest of their days
    /// can be joined again, and new events are numbered after the highest id. Call before the first <see cref="Add"/>.
    /// </summary>
    public void Restore(IEnumerable<StoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_all.Count > 0)
        {
            throw new InvalidOperationException("Restore events before adding statements");
        }

        foreach (var e in events.OrderBy(e => e.Id))
        {
            if (e.Centroid.Length != _dimensions)
            {
                throw new ArgumentException($"Event {e.Id} has vectors of {e.Centroid.Length} dimensions, not {_dimensions}", nameof(events));
            }

            if (!_byId.TryAdd(e.Id, e))
            {
                throw new ArgumentException($"Event {e.Id} is given twice", nameof(events));
            }

            _all.Add(e);
            _open.Add(e);
            _nextId = Math.Max(_nextId, e.Id + 1);
            _latest = e.LastDate > _latest ? e.LastDate : _latest;
        }

        Close(_latest);
    }

    /// <summary>
    /// Where <see cref="Add"/> would put a statement, without changing anything: the event it would join (null: a new
    /// one), why, and the events it would merge into it.
    /// </summary>
    public EventProposal Propose(EventStatement statement)
    {
        Check(statement);
        var candidates = Rank(statement, ReferencesOf(statement), _open);
        if (candidates.Count == 0 || candidates[0].Score < _options.JoinThreshold)
        {
            return new EventProposal(null, FirstStatementReason, []);
        }

        return new EventProposal(candidates[0].Event.Id, Explain(statement, candidates[0]), [.. candidates.Skip(1).TakeWhile(c => c.Score >= _options.MergeThreshold).Select(c => c.Event.Id)]);
    }

    /// <summary>Puts one statement in an event. Statements must come in date order (same-day order is free).</summary>
    public EventAssignment Add(EventStatement statement)
    {
        Check(statement);
        _latest = statement.Date;
        Close(statement.Date);
        return Place(statement, _open);
    }

    /// <summary>
    /// Puts a statement older than the latest one in an event: a backfill's history, or a statement that arrived after
    /// later ones. It is compared, as <see cref="Add"/> compares a statement in date order, with every event (open or
    /// not) whose days come within the windows of its day, before or after it; nothing is closed, and the statements
    /// already placed stay where they are. Used on a clusterer restored with the events around the statement's day.
    /// </summary>
    public EventAssignment AddLate(EventStatement statement)
    {
        CheckVector(statement);
        var horizon = Math.Max(_options.WindowDays, _options.ReferenceWindowDays);
        return Place(statement, [.. _all.Where(e => Distance(statement.Date, e) <= horizon)]);
    }

    private EventAssignment Place(EventStatement statement, List<StoryEvent> events)
    {
        var references = ReferencesOf(statement);
        var candidates = Rank(statement, references, events);
        if (candidates.Count == 0 || candidates[0].Score < _options.JoinThreshold)
        {
            var created = new StoryEvent(_nextId++, _dimensions);
            created.Add(statement, FirstStatementReason, references, _options.Representatives);
            _open.Add(created);
            _all.Add(created);
            _byId[created.Id] = created;
            return new EventAssignment(statement.Id, created.Id, true, FirstStatementReason, []);
        }

        var joined = candidates[0].Event;
        var reason = Explain(statement, candidates[0]);
        var merged = new List<long>();
        foreach (var candidate in candidates.Skip(1))
        {
            if (candidate.Score < _options.MergeThreshold)
            {
                break;
            }

            // The older event keeps its id: links to it stay valid.
            var other = candidate.Event;
            var (keep, gone) = other.Id < joined.Id ? (other, joined) : (joined, other);
            keep.Absorb(gone, $"event {gone.Id} merged: statement {statement.Id} bridges it ({Explain(statement, candidate)})", _options.Representatives);
            _open.Remove(gone);
            _all.Remove(gone);
            _byId.Remove(gone.Id);
            merged.Add(gone.Id);
            joined = keep;
        }

        joined.Add(statement, reason, references, _options.Representatives);
        return new EventAssignment(statement.Id, joined.Id, false, reason, merged);
    }

    private void Check(EventStatement statement)
    {
        CheckVector(statement);
        if (statement.Date < _latest)
        {
            throw new ArgumentException($"Statement {statement.Id} of {statement.Date:yyyy-MM-dd} comes after one of {_latest:yyyy-MM-dd}: statements must arrive in date order", nameof(statement));
        }
    }

    private void CheckVector(EventStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (statement.Vector is null || statement.Vector.Length != _dimensions)
        {
            throw new ArgumentException($"Statement {statement.Id}: its vector has {statement.Vector?.Length ?? 0} dimensions, not {_dimensions}", nameof(statement));
        }
    }

    // Days from a day to an event's span (0 inside it): for a statement in date order, the days since its latest statement.
    private static int Distance(DateOnly day, StoryEvent e) =>
        day < e.FirstDate ? e.FirstDate.DayNumber - day.DayNumber : day > e.LastDate ? day.DayNumber - e.LastDate.DayNumber : 0;

    private IReadOnlyCollection<string> ReferencesOf(EventStatement statement) =>
        statement.References.Count <= _options.MaxReferences ? statement.References : [];

    // Open events the statement could join, best first; ties go to the older event, so list order does not matter.
    private List<Candidate> Rank(EventStatement statement, IReadOnlyCollection<string> references, List<StoryEvent> events)
    {
        var candidates = new List<Candidate>();
        foreach (var e in events)
        {
            if (Score(statement, references, e) is { } match)
            {
                candidates.Add(match);
            }
        }

        candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Event.Id.CompareTo(b.Event.Id));
        return candidates;
    }

    // An event a statement could join: its score and what the reason is made from (made only for the events chosen).
    private sealed record Candidate(StoryEvent Event, double Score, string? Reference, Representative? Best, double Similarity);

    // Score of an event for a statement (a shared reference ranks above any similarity); null when it cannot join.
    private Candidate? Score(EventStatement s, IReadOnlyCollection<string> references, StoryEvent e)
    {
        var days = Distance(s.Date, e);
        if (days <= _options.ReferenceWindowDays)
        {
            foreach (var reference in references)
            {
                if (e.References.ContainsKey(reference))
                {
                    return new Candidate(e, 2.0, reference, null, 0);
                }
            }
        }

        if (days > _options.WindowDays)
        {
            return null;
        }

        // Cheap pre-filter on the centroid before the member vectors.
        var centroid = Dot(s.Vector, e.Centroid);
        if (centroid < _options.CentroidFloor)
        {
            return null;
        }

        Representative? best = null;
        var bestScore = double.NegativeInfinity;
        var bestSimilarity = 0.0;
        foreach (var r in e.Representatives)
        {
            var similarity = (double)Dot(s.Vector, r.Vector);
            var score = similarity - _options.DayPenalty * Math.Abs(s.Date.DayNumber - r.Date.DayNumber);
            if (score > bestScore)
            {
                (best, bestScore, bestSimilarity) = (r, score, similarity);
            }
        }

        var topicOverlap = Jaccard(Shared(s.Topics, e.Topics), s.Topics.Count, e.Topics.Count);
        var entityOverlap = s.Entities is null ? 0
            : _options.EntityRarity is { } rarity ? WeightedJaccard(s.Entities, e.Entities, rarity)
            : Jaccard(Shared(s.Entities, e.Entities), s.Entities.Count, e.Entities.Count);
        return new Candidate(e, bestScore + _options.TopicWeight * topicOverlap + _options.EntityWeight * entityOverlap, null, best, bestSimilarity);
    }

    // "same reference X" or "similarity 0.83 with statement 123, same entities ..., shared topics ..., 2 days apart".
    private static string Explain(EventStatement s, Candidate c)
    {
        if (c.Reference is not null)
        {
            return $"same reference {c.Reference}";
        }

        var best = c.Best!;
        var reason = string.Create(CultureInfo.InvariantCulture, $"similarity {c.Similarity:0.00} with statement {best.StatementId}");
        if (s.Entities is { Count: > 0 } entities && entities.Where(c.Event.Entities.ContainsKey).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } sharedEntities)
        {
            reason += $", same entities {string.Join(", ", sharedEntities.Take(3))}";
        }

        if (s.Topics.Where(c.Event.Topics.ContainsKey).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } sharedTopics)
        {
            reason += $", shared topics {string.Join(", ", sharedTopics.Take(3))}";
        }

        var gap = Math.Abs(s.Date.DayNumber - best.Date.DayNumber);
        return reason + (gap == 0 ? ", same day" : gap == 1 ? ", 1 day apart" : $", {gap} days apart");
    }

    private static int Shared(IReadOnlyCollection<string> keys, Dictionary<string, int> counts)
    {
        var shared = 0;
        foreach (var key in keys)
        {
            shared += counts.ContainsKey(key) ? 1 : 0;
        }

        return shared;
    }

    /// <summary>Dot product of two vectors of the same length (their cosine, for unit vectors), SIMD where the CPU has it.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    // Jaccard of the two entity sets with each entity weighted by its rarity (1 when not listed).
    private static double WeightedJaccard(IReadOnlyCollection<string> statement, Dictionary<string, int> eventEntities, IReadOnlyDictionary<string, double> rarity)
    {
        double shared = 0, union = 0;
        foreach (var entity in statement)
        {
            var w = rarity.GetValueOrDefault(entity, 1);
            union += w;
            shared += eventEntities.ContainsKey(entity) ? w : 0;
        }

        foreach (var entity in eventEntities.Keys)
        {
            union += statement.Contains(entity) ? 0 : rarity.GetValueOrDefault(entity, 1);
        }

        return union <= 0 ? 0 : shared / union;
    }

    private static double Jaccard(int shared, int a, int b)
    {
        var union = a + b - shared;
        return union <= 0 ? 0 : (double)shared / union;
    }

    // Events whose latest statement is older than both windows can no longer be joined.
    private void Close(DateOnly today)
    {
        var horizon = Math.Max(_options.WindowDays, _options.ReferenceWindowDays);
        _open.RemoveAll(e => today.DayNumber - e.LastDate.DayNumber > horizon);
    }
}
