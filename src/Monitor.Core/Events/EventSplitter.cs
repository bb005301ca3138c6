using System.Globalization;
using System.Text.RegularExpressions;

namespace Monitor.Core.Events;

/// <summary>One part of an event after <see cref="EventSplitter.Parts"/>: its members (date order) and each one's reason now.</summary>
public sealed record EventPart(IReadOnlyList<long> StatementIds, IReadOnlyDictionary<long, string> Reasons);

/// <summary>
/// Splits an event whose evidence changed (a member was revised). An event's members hold together through links: the
/// link each membership was recorded with ("similarity 0.83 with statement 123", a merge's bridge), and the links the
/// members have now (a shared reference, or a pair scoring at least the join threshold as <see cref="EventClusterer"/>
/// scores a statement against a member). The parts are the connected groups of members; one part is the event as it
/// was, several mean the change cut it. Pure and deterministic, as the clusterer.
/// </summary>
public static partial class EventSplitter
{
    /// <summary>
    /// The connected parts of an event's <paramref name="members"/> (with their current vectors), through
    /// <paramref name="recorded"/> links (pairs of statement ids; links naming a statement not in the list are ignored)
    /// and the links the members have now. Parts come oldest first (by their first member), members in date order.
    /// <paramref name="reasons"/> are the members' recorded reasons: kept when they still hold inside the member's part,
    /// made again from the best current link otherwise (the first member of a part that lost its link: <paramref name="firstReason"/>).
    /// </summary>
    public static IReadOnlyList<EventPart> Parts(
        IReadOnlyList<EventStatement> members,
        IEnumerable<(long A, long B)> recorded,
        IReadOnlyDictionary<long, string> reasons,
        EventOptions options,
        string firstReason = EventClusterer.FirstStatementReason)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(reasons);
        ArgumentNullException.ThrowIfNull(options);
        var ordered = members.OrderBy(m => m.Date).ThenBy(m => m.Id).ToList();
        var index = new Dictionary<long, int>();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (!index.TryAdd(ordered[i].Id, i))
            {
                throw new ArgumentException($"Statement {ordered[i].Id} is given twice", nameof(members));
            }
        }

        var parent = Enumerable.Range(0, ordered.Count).ToArray();
        foreach (var (a, b) in recorded)
        {
            if (index.TryGetValue(a, out var i) && index.TryGetValue(b, out var j))
            {
                Union(parent, i, j);
            }
        }

        for (var i = 0; i < ordered.Count; i++)
        {
            for (var j = i + 1; j < ordered.Count; j++)
            {
                if (Find(parent, i) != Find(parent, j) && Link(ordered[i], ordered[j], options) is not null)
                {
                    Union(parent, i, j);
                }
            }
        }

        var parts = new List<EventPart>();
        foreach (var group in Enumerable.Range(0, ordered.Count).GroupBy(i => Find(parent, i)).OrderBy(g => g.Min()))
        {
            var part = group.Order().Select(i => ordered[i]).ToList();
            var ids = part.Select(m => m.Id).ToHashSet();
            var partReasons = new Dictionary<long, string>();
            for (var k = 0; k < part.Count; k++)
            {
                var member = part[k];
                var reason = reasons.GetValueOrDefault(member.Id) ?? "";
                partReasons[member.Id] = Holds(reason, member, part, ids) ? reason : Explain(member, part, options) ?? firstReason;
            }

            parts.Add(new EventPart([.. part.Select(m => m.Id)], partReasons));
        }

        return parts;
    }

    /// <summary>The statement a recorded reason links to ("similarity 0.83 with statement 123, ..."), or null (a first statement, a shared reference).</summary>
    public static long? LinkedStatement(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var match = WithStatement().Match(reason);
        return match.Success ? long.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : null;
    }

    // A reason still holds when the statement it names is in the same part, or the reference it shares is cited by another
    // member of the part. A "first statement" reason always holds: the member did start an event (one merged in, maybe).
    private static bool Holds(string reason, EventStatement member, List<EventStatement> part, HashSet<long> ids)
    {
        if (LinkedStatement(reason) is { } linked)
        {
            return ids.Contains(linked);
        }

        if (reason.StartsWith(SameReference, StringComparison.Ordinal))
        {
            var reference = reason[SameReference.Length..].Split(' ')[0];
            return part.Any(other => other.Id != member.Id && other.References.Contains(reference));
        }

        return reason.Length > 0;
    }

    private const string SameReference = "same reference ";

    // The best current link of a member inside its part, as a reason; null when it has none (a part of one).
    private static string? Explain(EventStatement member, List<EventStatement> part, EventOptions options)
    {
        (EventStatement Other, double Score, string Reason)? best = null;
        foreach (var other in part)
        {
            if (other.Id != member.Id && Link(member, other, options) is { } link && (best is null || link.Score > best.Value.Score))
            {
                best = (other, link.Score, link.Reason);
            }
        }

        return best?.Reason;
    }

    // Two members link when they share a reference within the reference window (neither a digest), or score at least the
    // join threshold: cosine - day penalty x days + topic weight x topic overlap (+ entity weight x entity overlap).
    private static (double Score, string Reason)? Link(EventStatement a, EventStatement b, EventOptions options)
    {
        var days = Math.Abs(a.Date.DayNumber - b.Date.DayNumber);
        if (days <= options.ReferenceWindowDays && a.References.Count <= options.MaxReferences && b.References.Count <= options.MaxReferences
            && a.References.FirstOrDefault(b.References.Contains) is { } reference)
        {
            return (2.0, $"{SameReference}{reference} as statement {b.Id}");
        }

        if (days > options.WindowDays)
        {
            return null;
        }

        var similarity = (double)EventClusterer.Dot(a.Vector, b.Vector);
        var topics = Jaccard(a.Topics, b.Topics);
        var entities = a.Entities is null || b.Entities is null ? 0 : Jaccard(a.Entities, b.Entities);
        var score = similarity - options.DayPenalty * days + options.TopicWeight * topics + options.EntityWeight * entities;
        if (score < options.JoinThreshold)
        {
            return null;
        }

        var reason = string.Create(CultureInfo.InvariantCulture, $"similarity {similarity:0.00} with statement {b.Id}");
        if (a.Topics.Where(b.Topics.Contains).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } shared)
        {
            reason += $", shared topics {string.Join(", ", shared.Take(3))}";
        }

        return (score, reason + (days == 0 ? ", same day" : days == 1 ? ", 1 day apart" : $", {days} days apart"));
    }

    private static double Jaccard(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b)
    {
        var shared = a.Count(b.Contains);
        var union = a.Count + b.Count - shared;
        return union <= 0 ? 0 : (double)shared / union;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var (ra, rb) = (Find(parent, a), Find(parent, b));
        if (ra != rb)
        {
            // The older member's root stays the root, so a part is named by its first member.
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }

    [GeneratedRegex(@"with statement (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex WithStatement();
}
