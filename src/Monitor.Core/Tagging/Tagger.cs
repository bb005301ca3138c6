using Monitor.Contracts;
using Monitor.Core.Tagging.Semantic;
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
    private readonly TopicClassifier? _classifier;

    /// <summary>A tagger that decides with the topic file's rules alone (each topic's <c>minScore</c>).</summary>
    public Tagger(TopicFile topics)
        : this(topics, null)
    {
    }

    /// <summary>
    /// A tagger whose rule matches are features of <paramref name="classifier"/>, which decides (calibrated per topic,
    /// with or without sentence embeddings); without one, each topic's <c>minScore</c> decides.
    /// </summary>
    public Tagger(TopicFile topics, TopicClassifier? classifier)
    {
        ArgumentNullException.ThrowIfNull(topics);
        _topics = [.. topics.Topics];
        _classifier = classifier;
        BaselineVersion = classifier is null ? topics.Version : classifier.VersionWith(topics.Version);

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

    /// <summary>
    /// The version every tag from this tagger records: the <see cref="TopicFile.Version"/>, combined with the
    /// classifier's model and mode when there is one (so that a new model re-tags history too).
    /// </summary>
    public string BaselineVersion { get; }

    /// <summary>How this tagger decides: <c>rules</c>, <c>rules+calibration</c> or <c>hybrid</c>.</summary>
    public string Mode => _classifier?.Mode ?? "rules";

    /// <summary>The topics the statement is about, highest score first; none when nothing matched well enough.</summary>
    public IReadOnlyList<TopicScore> Tag(string title, string text) => Analyse(title, text).Topics;

    /// <summary>Topics with their evidence, and the baseline figures the statement states.</summary>
    public TaggingResult Analyse(string? title, string? text) => Analyse(title, text, null);

    /// <summary>
    /// As <see cref="Analyse(string?, string?)"/>; <paramref name="excludeSource"/> names a labelled item whose own
    /// example sentences the classifier must not compare it with (training and evaluation on the train split).
    /// </summary>
    public TaggingResult Analyse(string? title, string? text, string? excludeSource)
    {
        var rules = Rules(title, text, out var figures);
        var topics = _classifier is null ? ByMinScore(rules) : _classifier.Decide(rules, excludeSource);
        return new TaggingResult(topics, figures);
    }

    /// <summary>What the rules find for every topic with at least one counted match, with the statement's sentences.</summary>
    public RuleView Rules(string? title, string? text, out IReadOnlyList<FigureValue> figuresFound)
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

        figuresFound = figures;
        return new RuleView(title ?? "", text ?? "", Score(scratch, scratch.Body), Sentences(scratch.Body, text))
        {
            ContextOffsets = ContextOffsets(scratch),
        };
    }

    // Where in the text a co-occurrence phrase (NATO, Russia, war...) was found, once per token sentence: sentences about
    // the subject that no term matched ("thousands more troops to the eastern part of the Alliance").
    private static List<int> ContextOffsets(Scratch scratch)
    {
        var offsets = new List<int>();
        var lastSentence = -1;
        foreach (var c in scratch.Contexts)
        {
            if (c.Field != Field.Body)
            {
                continue;
            }

            var token = scratch.Body[c.First];
            if (token.Sentence != lastSentence)
            {
                offsets.Add(token.Start);
                lastSentence = token.Sentence;
            }
        }

        return offsets;
    }

    private List<TopicScore> ByMinScore(RuleView view)
    {
        var scores = new List<TopicScore>();
        foreach (var rule in view.Topics)
        {
            if (rule.Score >= _topics[rule.Topic].MinScore)
            {
                scores.Add(new TopicScore(_topics[rule.Topic].Id, Math.Round(rule.Score, 3), rule.Evidence));
            }
        }

        // Highest score first; ties in topic-file order (the rules come in topic order, and the sort is stable).
        return [.. scores.OrderByDescending(s => s.Score)];
    }

    // The body's sentences as character spans, from the tokens' sentence numbers; fragments under
    // MinSentenceTokens tokens (a "Brussels, 17 Feb. 2021" dateline, "He said:") join the sentence after them.
    private const int MinSentenceTokens = 6;

    private static List<SentenceSpan> Sentences(TokenBuffer tokens, string? text)
    {
        var spans = new List<SentenceSpan>();
        if (string.IsNullOrEmpty(text) || tokens.Count == 0)
        {
            return spans;
        }

        int first = 0, start = tokens[0].Start;
        for (var i = 1; i <= tokens.Count; i++)
        {
            if (i < tokens.Count && tokens[i].Sentence == tokens[i - 1].Sentence)
            {
                continue;
            }

            if (i - first >= MinSentenceTokens || i == tokens.Count)
            {
                var end = tokens[i - 1].End;
                // Keep the sentence's closing punctuation.
                while (end < text.Length && end - start < 2000 && text[end] is '.' or '!' or '?' or '"' or '\u201D' or ')')
                {
                    end++;
                }

                spans.Add(new SentenceSpan(start, end - start, tokens[first].Sentence));
                if (i < tokens.Count)
                {
                    first = i;
                    start = tokens[i].Start;
                }
            }
        }

        return spans;
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

    private List<RuleTopic> Score(Scratch scratch, TokenBuffer body)
    {
        var hits = scratch.Hits;
        hits.Sort(static (a, b) =>
            a.Role.Topic != b.Role.Topic ? a.Role.Topic.CompareTo(b.Role.Topic)
            : a.Role.Kind != b.Role.Kind ? b.Role.Kind.CompareTo(a.Role.Kind) // exclusions first
            : a.Role.Weight != b.Role.Weight ? b.Role.Weight.CompareTo(a.Role.Weight)
            : (a.Last - a.First) != (b.Last - b.First) ? (b.Last - b.First).CompareTo(a.Last - a.First)
            : a.Field != b.Field ? a.Field.CompareTo(b.Field)
            : a.First.CompareTo(b.First));

        var bodyTokens = body.Count;
        var lengthFactor = bodyTokens > 200 ? 1 + (Math.Log2(bodyTokens / 200.0) / 4) : 1;
        var sentences = bodyTokens == 0 ? 0 : body[bodyTokens - 1].Sentence + 1;
        var rules = new List<RuleTopic>();
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
                rules.Add(Describe(topic, 1 - Math.Exp(-sum / Saturation), kept, body, sentences));
            }

            start = end;
        }

        return rules;
    }

    // The rule features of one topic: where its counted matches are (title, lead, how many sentences), how many terms.
    private static RuleTopic Describe(int topic, double score, List<Hit> kept, TokenBuffer body, int sentences)
    {
        var inTitle = false;
        var inLead = false;
        var bodySentences = new HashSet<int>();
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hit in kept)
        {
            terms.Add(hit.Role.Text);
            if (hit.Field == Field.Title)
            {
                inTitle = true;
                continue;
            }

            var sentence = body[hit.First].Sentence;
            bodySentences.Add(sentence);
            inLead |= sentence < LeadSentences;
        }

        return new RuleTopic(topic, score, Evidence(kept), inTitle, inLead, bodySentences.Count, sentences, terms.Count, [.. bodySentences]);
    }

    /// <summary>Sentences (by the tokens' sentence numbers) that count as the lead of a statement's text.</summary>
    internal const int LeadSentences = 2;

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

/// <summary>What the rules found in one statement: every topic with a counted match, and the text's sentences.</summary>
public sealed record RuleView(string Title, string Text, IReadOnlyList<RuleTopic> Topics, IReadOnlyList<SentenceSpan> Sentences)
{
    /// <summary>Character offsets in the text of co-occurrence phrases (one per sentence), in text order.</summary>
    public IReadOnlyList<int> ContextOffsets { get; init; } = [];
}

/// <summary>One topic's rule matches in a statement.</summary>
/// <param name="Topic">Index of the topic in the topic file.</param>
/// <param name="Score">The rule score, 0..1 (before any minimum).</param>
/// <param name="InTitle">A counted term is in the title.</param>
/// <param name="InLead">A counted term is in the text's first sentences.</param>
/// <param name="BodySentences">Sentences of the text with a counted term; <paramref name="TotalSentences"/> in all.</param>
/// <param name="Terms">Distinct terms counted.</param>
/// <param name="SentenceNumbers">The token sentence numbers of <paramref name="BodySentences"/>.</param>
public sealed record RuleTopic(
    int Topic,
    double Score,
    IReadOnlyList<TopicEvidence> Evidence,
    bool InTitle,
    bool InLead,
    int BodySentences,
    int TotalSentences,
    int Terms,
    IReadOnlyList<int> SentenceNumbers);

/// <summary>A sentence of a statement's text: its character span, and its token sentence number.</summary>
public readonly record struct SentenceSpan(int Start, int Length, int Number);
