using System.Globalization;
using System.Numerics;

namespace Monitor.Core.Events;

/// <summary>What happened to one statement: the event it is in now, why, and the events that were merged into it.</summary>
/// <param name="Created">True when the statement started a new event.</param>
/// <param name="Merged">Ids of events merged into <paramref name="EventId"/> because this statement bridges them.</param>
public sealed record EventAssignment(long StatementId, long EventId, bool Created, string Reason, IReadOnlyList<long> Merged);

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
/// <para>Events are never split: a merge is final (docs/events.md says why).</para>
/// </remarks>
public sealed class EventClusterer
{
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

    /// <summary>Puts one statement in an event. Statements must come in date order (same-day order is free).</summary>
    public EventAssignment Add(EventStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (statement.Vector is null || statement.Vector.Length != _dimensions)
        {
            throw new ArgumentException($"Statement {statement.Id}: its vector has {statement.Vector?.Length ?? 0} dimensions, not {_dimensions}", nameof(statement));
        }

        if (statement.Date < _latest)
        {
            throw new ArgumentException($"Statement {statement.Id} of {statement.Date:yyyy-MM-dd} comes after one of {_latest:yyyy-MM-dd}: statements must arrive in date order", nameof(statement));
        }

        _latest = statement.Date;
        Close(statement.Date);
        var references = statement.References.Count <= _options.MaxReferences ? statement.References : [];

        var candidates = new List<(StoryEvent Event, double Score, string Reason)>();
        foreach (var e in _open)
        {
            if (Score(statement, references, e) is { } match)
            {
                candidates.Add((e, match.Score, match.Reason));
            }
        }

        // Best first; ties go to the older event, so the result does not depend on list order.
        candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Event.Id.CompareTo(b.Event.Id));
        if (candidates.Count == 0 || candidates[0].Score < _options.JoinThreshold)
        {
            var created = new StoryEvent(_nextId++, _dimensions);
            created.Add(statement, "first statement", references, _options.Representatives);
            _open.Add(created);
            _all.Add(created);
            _byId[created.Id] = created;
            return new EventAssignment(statement.Id, created.Id, true, "first statement", []);
        }

        var (joined, _, reason) = candidates[0];
        var merged = new List<long>();
        foreach (var (other, score, why) in candidates.Skip(1))
        {
            if (score < _options.MergeThreshold)
            {
                break;
            }

            // The older event keeps its id: links to it stay valid.
            var (keep, gone) = other.Id < joined.Id ? (other, joined) : (joined, other);
            keep.Absorb(gone, $"event {gone.Id} merged: statement {statement.Id} bridges it ({why})", _options.Representatives);
            _open.Remove(gone);
            _all.Remove(gone);
            _byId.Remove(gone.Id);
            merged.Add(gone.Id);
            joined = keep;
        }

        joined.Add(statement, reason, references, _options.Representatives);
        return new EventAssignment(statement.Id, joined.Id, false, reason, merged);
    }

    // Score (reference: above any similarity) and reason of an event for a statement; null when it cannot join.
    private (double Score, string Reason)? Score(EventStatement s, IReadOnlyCollection<string> references, StoryEvent e)
    {
        var days = s.Date.DayNumber - e.LastDate.DayNumber;
        if (days <= _options.ReferenceWindowDays)
        {
            foreach (var reference in references)
            {
                if (e.References.ContainsKey(reference))
                {
                    return (2.0, $"same reference {reference}");
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

        var sharedTopics = s.Topics.Where(e.Topics.ContainsKey).Order(StringComparer.Ordinal).ToList();
        var topicOverlap = Jaccard(sharedTopics.Count, s.Topics.Count, e.Topics.Count);
        var sharedEntities = s.Entities is { Count: > 0 } entities ? entities.Where(e.Entities.ContainsKey).Order(StringComparer.Ordinal).ToList() : [];
        var entityOverlap = s.Entities is null ? 0 : Jaccard(sharedEntities.Count, s.Entities.Count, e.Entities.Count);
        var total = bestScore + _options.TopicWeight * topicOverlap + _options.EntityWeight * entityOverlap;

        var gap = Math.Abs(s.Date.DayNumber - best!.Date.DayNumber);
        var reason = string.Create(CultureInfo.InvariantCulture, $"similarity {bestSimilarity:0.00} with statement {best.StatementId}");
        if (sharedEntities.Count > 0)
        {
            reason += $", same entities {string.Join(", ", sharedEntities.Take(3))}";
        }

        if (sharedTopics.Count > 0)
        {
            reason += $", shared topics {string.Join(", ", sharedTopics.Take(3))}";
        }

        reason += gap == 0 ? ", same day" : gap == 1 ? ", 1 day apart" : $", {gap} days apart";
        return (total, reason);
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
