using Monitor.Contracts;
using Monitor.Core.Text;

namespace Monitor.Core.Tagging;

/// <summary>
/// Scores a statement against the baseline topics, with the evidence for every tag, and reads the baseline figures
/// it states.
/// </summary>
/// <remarks>
/// <para>One pass per field: the title and the text are tokenised (<see cref="TokenBuffer"/>) and every term,
/// exclusion and context phrase of every topic is found by one <see cref="PhraseAutomaton"/>.</para>
/// <para>Per topic: a term overlapped by one of the topic's exclusions is dropped; a term with a context counts
/// only when a phrase of that co-occurrence group is in the title or within its window in the same field; of
/// overlapping terms only the heaviest (then longest) counts ("sanctions package", not also "sanctions"). A term in
/// the title adds TitleWeight × weight; in the text BodyWeight × weight × 1, 1.5 or 2 for 1, 2 or 3+ occurrences.
/// The sum is divided by a length factor, 1 + log2(text tokens / 200) / 4 for texts over 200 tokens, and becomes a
/// score in 0..1 as 1 - exp(-sum / 4). Topics under their minimum score are dropped.</para>
/// <para>Thread-safe: per-call state is thread-local.</para>
/// </remarks>
public sealed class Tagger
{
    private const double Saturation = 4.0;
    private const int MaxEvidencePerTopic = 20;

    [ThreadStatic]
    private static Scratch? t_scratch;

    private readonly TopicDefinition[] _topics;
    private readonly PhraseAutomaton _automaton;
    private readonly Role[][] _roles;
    private readonly FigureReader _figures;

    public Tagger(TopicFile topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        _topics = [.. topics.Topics];
        BaselineVersion = topics.Version;

        var contextIds = topics.Contexts.Keys.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var phrases = new Dictionary<string, (List<string> Tokens, List<Role> Roles)>(StringComparer.Ordinal);
        void Add(string text, Role role)
        {
            var tokens = Tokens.Split(text);
            var key = string.Join(' ', tokens);
            if (!phrases.TryGetValue(key, out var entry))
            {
                phrases[key] = entry = (tokens, []);
            }

            entry.Roles.Add(role);
        }

        for (var t = 0; t < _topics.Length; t++)
        {
            foreach (var term in _topics[t].Terms)
            {
                var context = term.Context is { } c ? contextIds[c] : -1;
                Add(term.Text, new Role(RoleKind.Term, t, term.Text, term.Weight, context, term.Window));
            }

            foreach (var exclusion in _topics[t].Exclusions)
            {
                Add(exclusion, new Role(RoleKind.Exclusion, t, exclusion, 0, -1, 0));
            }
        }

        foreach (var (name, list) in topics.Contexts)
        {
            foreach (var phrase in list)
            {
                Add(phrase, new Role(RoleKind.Context, -1, phrase, 0, contextIds[name], 0));
            }
        }

        var ordered = phrases.Values.ToList();
        _automaton = new PhraseAutomaton([.. ordered.Select(p => (IReadOnlyList<string>)p.Tokens)]);
        _roles = [.. ordered.Select(p => p.Roles.ToArray())];
        _figures = new FigureReader(topics, contextIds);
    }

    /// <summary>The <see cref="TopicFile.Version"/> every tag from this tagger should record.</summary>
    public string BaselineVersion { get; }

    /// <summary>The topics the statement is about, highest score first; none when nothing matched well enough.</summary>
    public IReadOnlyList<TopicScore> Tag(string title, string text) => Analyse(title, text).Topics;

    /// <summary>Topics with their evidence, and the baseline figures the statement states.</summary>
    public TaggingResult Analyse(string? title, string? text)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Hits.Clear();
        scratch.Contexts.Clear();
        var figures = new List<FigureValue>();

        scratch.Title.Scan(title);
        Collect(scratch, scratch.Title, Field.Title);
        scratch.Body.Scan(text);
        Collect(scratch, scratch.Body, Field.Body);
        _figures.Read(scratch.Title, title, "title", scratch.Contexts, Field.Title, figures);
        _figures.Read(scratch.Body, text, "body", scratch.Contexts, Field.Body, figures);

        var topics = Score(scratch, scratch.Body.Count);
        return new TaggingResult(topics, figures);
    }

    private void Collect(Scratch scratch, TokenBuffer tokens, Field field)
    {
        var state = new CollectState(scratch, _roles, field);
        _automaton.Match(tokens, ref state, static (ref CollectState s, int phrase, int first, int last) =>
        {
            foreach (var role in s.Roles[phrase])
            {
                if (role.Kind == RoleKind.Context)
                {
                    s.Scratch.Contexts.Add(new ContextHit(role.Context, s.Field, first, last));
                }
                else
                {
                    s.Scratch.Hits.Add(new Hit(role, s.Field, first, last));
                }
            }
        });

        // Character offsets, while this field's tokens are in the buffer.
        for (var i = 0; i < scratch.Hits.Count; i++)
        {
            var hit = scratch.Hits[i];
            if (hit.Field == field && hit.Length == 0)
            {
                scratch.Hits[i] = hit with { Start = tokens[hit.First].Start, Length = tokens[hit.Last].End - tokens[hit.First].Start };
            }
        }
    }

    private List<TopicScore> Score(Scratch scratch, int bodyTokens)
    {
        var hits = scratch.Hits;
        hits.Sort(static (a, b) =>
            a.Role.Topic != b.Role.Topic ? a.Role.Topic.CompareTo(b.Role.Topic)
            : a.Role.Kind != b.Role.Kind ? b.Role.Kind.CompareTo(a.Role.Kind) // exclusions first
            : a.Role.Weight != b.Role.Weight ? b.Role.Weight.CompareTo(a.Role.Weight)
            : (a.Last - a.First) != (b.Last - b.First) ? (b.Last - b.First).CompareTo(a.Last - a.First)
            : a.Field != b.Field ? a.Field.CompareTo(b.Field)
            : a.First.CompareTo(b.First));

        var lengthFactor = bodyTokens > 200 ? 1 + (Math.Log2(bodyTokens / 200.0) / 4) : 1;
        var scores = new List<TopicScore>();
        var kept = scratch.Kept;
        for (var start = 0; start < hits.Count;)
        {
            var topic = hits[start].Role.Topic;
            var end = start;
            while (end < hits.Count && hits[end].Role.Topic == topic)
            {
                end++;
            }

            kept.Clear();
            for (var i = start; i < end; i++)
            {
                var hit = hits[i];
                if (hit.Role.Kind == RoleKind.Exclusion || Excluded(hits, start, end, hit) || !InContext(scratch.Contexts, hit))
                {
                    continue;
                }

                if (!Overlaps(kept, hit))
                {
                    kept.Add(hit);
                }
            }

            if (kept.Count > 0 && Sum(kept, _topics[topic]) / lengthFactor is var sum and > 0)
            {
                var score = 1 - Math.Exp(-sum / Saturation);
                if (score >= _topics[topic].MinScore)
                {
                    scores.Add(new TopicScore(_topics[topic].Id, Math.Round(score, 3), Evidence(kept)));
                }
            }

            start = end;
        }

        // Highest score first; ties in topic-file order (hits were sorted by topic, and insertion sort is stable).
        for (var i = 1; i < scores.Count; i++)
        {
            var score = scores[i];
            var j = i - 1;
            for (; j >= 0 && scores[j].Score < score.Score; j--)
            {
                scores[j + 1] = scores[j];
            }

            scores[j + 1] = score;
        }

        return scores;
    }

    private static bool Overlaps(List<Hit> kept, Hit hit)
    {
        foreach (var k in kept)
        {
            if (k.Field == hit.Field && k.First <= hit.Last && hit.First <= k.Last)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Excluded(List<Hit> hits, int start, int end, Hit hit)
    {
        for (var i = start; i < end && hits[i].Role.Kind == RoleKind.Exclusion; i++)
        {
            var x = hits[i];
            if (x.Field == hit.Field && x.First <= hit.Last && hit.First <= x.Last)
            {
                return true;
            }
        }

        return false;
    }

    private static bool InContext(List<ContextHit> contexts, Hit hit)
    {
        if (hit.Role.Context < 0)
        {
            return true;
        }

        foreach (var c in contexts)
        {
            if (c.Group == hit.Role.Context
                && (c.Field == Field.Title
                    || (c.Field == hit.Field && c.First <= hit.Last + hit.Role.Window && hit.First - hit.Role.Window <= c.Last)))
            {
                return true;
            }
        }

        return false;
    }

    private static double Sum(List<Hit> kept, TopicDefinition topic)
    {
        kept.Sort(static (a, b) => a.Field != b.Field ? a.Field.CompareTo(b.Field) : a.First.CompareTo(b.First));
        double sum = 0;
        for (var i = 0; i < kept.Count; i++)
        {
            var role = kept[i].Role;
            var seenBefore = false;
            for (var j = 0; j < i && !seenBefore; j++)
            {
                seenBefore = ReferenceEquals(kept[j].Role, role);
            }

            if (seenBefore)
            {
                continue;
            }

            int inTitle = 0, inBody = 0;
            for (var j = i; j < kept.Count; j++)
            {
                if (ReferenceEquals(kept[j].Role, role))
                {
                    _ = kept[j].Field == Field.Title ? inTitle++ : inBody++;
                }
            }

            sum += (inTitle > 0 ? topic.TitleWeight * role.Weight : 0)
                + (inBody > 0 ? topic.BodyWeight * role.Weight * (1 + (0.5 * (Math.Min(inBody, 3) - 1))) : 0);
        }

        return sum;
    }

    private static List<TopicEvidence> Evidence(List<Hit> kept)
    {
        var evidence = new List<TopicEvidence>(Math.Min(kept.Count, MaxEvidencePerTopic));
        foreach (var hit in kept)
        {
            if (evidence.Count == MaxEvidencePerTopic)
            {
                break;
            }

            evidence.Add(new TopicEvidence(hit.Role.Text, hit.Field == Field.Title ? "title" : "body", hit.Start, hit.Length));
        }

        return evidence;
    }

    internal enum Field
    {
        Title,
        Body,
    }

    private enum RoleKind
    {
        Term,
        Exclusion,
        Context,
    }

    /// <summary>What a phrase means for one topic (or context group).</summary>
    private sealed record Role(RoleKind Kind, int Topic, string Text, double Weight, int Context, int Window);

    private readonly record struct Hit(Role Role, Field Field, int First, int Last, int Start = 0, int Length = 0);

    private readonly struct CollectState(Scratch scratch, Role[][] roles, Field field)
    {
        public Scratch Scratch { get; } = scratch;

        public Role[][] Roles { get; } = roles;

        public Field Field { get; } = field;
    }

    private sealed class Scratch
    {
        public TokenBuffer Title { get; } = new();

        public TokenBuffer Body { get; } = new();

        public List<Hit> Hits { get; } = [];

        public List<Hit> Kept { get; } = [];

        public List<ContextHit> Contexts { get; } = [];
    }
}

/// <summary>A co-occurrence phrase found in a field, tokens <see cref="First"/>..<see cref="Last"/>.</summary>
internal readonly record struct ContextHit(int Group, Tagger.Field Field, int First, int Last);

/// <summary>What the tagger found in one statement.</summary>
public sealed record TaggingResult(IReadOnlyList<TopicScore> Topics, IReadOnlyList<FigureValue> Figures);
