namespace Monitor.Core.Events;

/// <summary>One statement's place in an event, and why it is there.</summary>
/// <param name="Reason">Human-readable: "first statement", "same reference 2024/2988(RSP) as statement 12",
/// "similarity 0.83 with statement 123, shared topics sanctions, 2 days after it".</param>
public sealed record EventMember(long StatementId, DateOnly Date, string Institution, string Reason);

/// <summary>A member vector kept to compare new statements with.</summary>
public sealed record Representative(long StatementId, DateOnly Date, float[] Vector);

/// <summary>
/// An event: statements on the same story. Small enough to store as it is: its members with their reasons, the mean of
/// its member vectors, a few member vectors, its first and last day, and its topic, reference and entity counts.
/// </summary>
public sealed class StoryEvent
{
    private readonly List<EventMember> _members = [];
    private readonly List<Representative> _representatives = [];
    private readonly List<string> _history = [];

    internal StoryEvent(long id, int dimensions)
    {
        Id = id;
        Sum = new float[dimensions];
        Centroid = new float[dimensions];
    }

    public long Id { get; }

    /// <summary>
    /// An event made again from its stored members (in date order) and their reasons: what a store that keeps the
    /// member statements' vectors hands back to <see cref="EventClusterer.Restore"/> after a restart.
    /// </summary>
    public static StoryEvent Rebuild(long id, IReadOnlyList<(EventStatement Statement, string Reason)> members, EventOptions options)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(options);
        if (members.Count == 0)
        {
            throw new ArgumentException($"Event {id} has no members", nameof(members));
        }

        var e = new StoryEvent(id, members[0].Statement.Vector.Length);
        foreach (var (statement, reason) in members.OrderBy(m => m.Statement.Date).ThenBy(m => m.Statement.Id))
        {
            if (statement.Vector.Length != e.Sum.Length)
            {
                throw new ArgumentException($"Event {id}: statement {statement.Id} has a vector of another length", nameof(members));
            }

            e.Add(statement, reason, statement.References.Count <= options.MaxReferences ? statement.References : [], options.Representatives);
        }

        return e;
    }

    public IReadOnlyList<EventMember> Members => _members;

    /// <summary>Member vectors compared with new statements: the first member and the latest ones.</summary>
    public IReadOnlyList<Representative> Representatives => _representatives;

    /// <summary>Unit-length mean of every member's vector.</summary>
    public float[] Centroid { get; }

    /// <summary>Sum of every member's vector (the centroid before normalising; kept so that adding a member is exact).</summary>
    public float[] Sum { get; }

    public DateOnly FirstDate { get; private set; } = DateOnly.MaxValue;

    public DateOnly LastDate { get; private set; } = DateOnly.MinValue;

    /// <summary>How many members carry each topic.</summary>
    public Dictionary<string, int> Topics { get; } = new(StringComparer.Ordinal);

    /// <summary>How many members cite each reference (digests' references are not counted).</summary>
    public Dictionary<string, int> References { get; } = new(StringComparer.Ordinal);

    /// <summary>How many members name each entity.</summary>
    public Dictionary<string, int> Entities { get; } = new(StringComparer.Ordinal);

    /// <summary>Events merged into this one, with why ("event 17 merged: statement 456 bridges it, ...").</summary>
    public IReadOnlyList<string> History => _history;

    /// <summary>The institutions of its members, in the order they first spoke.</summary>
    public IReadOnlyList<string> Institutions => [.. _members.OrderBy(m => m.Date).Select(m => m.Institution).Distinct(StringComparer.Ordinal)];

    internal void Add(EventStatement statement, string reason, IReadOnlyCollection<string> references, int keep)
    {
        _members.Add(new EventMember(statement.Id, statement.Date, statement.Institution, reason));
        if (_members.Count > 1 && statement.Date < _members[^2].Date)
        {
            // A late statement (EventClusterer.AddLate): members stay in date order.
            _members.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.StatementId.CompareTo(b.StatementId));
        }

        for (var i = 0; i < Sum.Length; i++)
        {
            Sum[i] += statement.Vector[i];
        }

        Normalise();
        Keep(new Representative(statement.Id, statement.Date, statement.Vector), keep);
        Count(Topics, statement.Topics);
        Count(References, references);
        Count(Entities, statement.Entities ?? []);
        FirstDate = statement.Date < FirstDate ? statement.Date : FirstDate;
        LastDate = statement.Date > LastDate ? statement.Date : LastDate;
    }

    internal void Absorb(StoryEvent other, string why, int keep)
    {
        _members.AddRange(other._members);
        _members.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.StatementId.CompareTo(b.StatementId));
        for (var i = 0; i < Sum.Length; i++)
        {
            Sum[i] += other.Sum[i];
        }

        Normalise();
        foreach (var r in other._representatives)
        {
            Keep(r, keep);
        }

        foreach (var (key, n) in other.Topics)
        {
            Topics[key] = Topics.GetValueOrDefault(key) + n;
        }

        foreach (var (key, n) in other.References)
        {
            References[key] = References.GetValueOrDefault(key) + n;
        }

        foreach (var (key, n) in other.Entities)
        {
            Entities[key] = Entities.GetValueOrDefault(key) + n;
        }

        _history.Add(why);
        _history.AddRange(other._history);
        FirstDate = other.FirstDate < FirstDate ? other.FirstDate : FirstDate;
        LastDate = other.LastDate > LastDate ? other.LastDate : LastDate;
    }

    private void Normalise()
    {
        double norm = 0;
        foreach (var v in Sum)
        {
            norm += v * v;
        }

        var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        for (var i = 0; i < Sum.Length; i++)
        {
            Centroid[i] = Sum[i] * scale;
        }
    }

    // The first member stays (it names the story); the others are the latest, so a long event follows its story.
    private void Keep(Representative r, int keep)
    {
        _representatives.Add(r);
        _representatives.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.StatementId.CompareTo(b.StatementId));
        while (_representatives.Count > keep)
        {
            _representatives.RemoveAt(keep > 1 ? 1 : 0);
        }
    }

    private static void Count(Dictionary<string, int> counts, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
    }
}
