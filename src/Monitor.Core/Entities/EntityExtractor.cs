using Monitor.Core.Tagging;
using Monitor.Core.Text;

namespace Monitor.Core.Entities;

/// <summary>Where a mention was found.</summary>
public enum EntityField
{
    Title,
    Text,
}

/// <summary>One mention of an entity: the field, the characters it spans there, and whether it was a demonym.</summary>
public readonly record struct EntityMention(string EntityId, EntityField Field, int Start, int Length, bool Adjective);

/// <summary>
/// Finds the gazetteer's entities in a statement's title and text in one pass per field: the text is tokenised like
/// the tagger's (<see cref="TokenBuffer"/>: case and diacritics folded, "NATO’s" is [nato]), every alias is a phrase
/// of one Aho–Corasick automaton (<see cref="PhraseAutomaton"/>), and a match is then checked against the original
/// characters for case.
/// </summary>
/// <remarks>
/// <para>Case rules, from how each alias word is written in the gazetteer: an all-capital word ("UN", "US", "NATO")
/// must be all capitals in the text ("un", "us", "Nato" are not it); a capitalised word ("Turkey", "Chad") must start
/// with a capital ("turkey" is not it); a lower-case word ("von der", "the") matches any case.</para>
/// <para>A <see cref="Entity.GivenName"/> ("Georgia", "Jordan", "Chad") is not taken when a capitalised,
/// not all-capital word stands next to it separated by a single space ("Jordan Bardella", "Michael Jordan"), unless it
/// ends a hyphenated compound ("the NATO-Georgia Commission").</para>
/// <para>Overlapping matches keep the leftmost, then the longest: "Council of the European Union" is one mention,
/// not also "European Union".</para>
/// </remarks>
public sealed class EntityExtractor
{
    private static readonly Lazy<EntityExtractor> DefaultExtractor = new(() => new EntityExtractor(Gazetteer.LoadDefault()));

    [ThreadStatic]
    private static Scratch? _scratch;

    private readonly PhraseAutomaton _automaton;
    private readonly Variant[][] _variants;
    private readonly Entity[] _entities;

    /// <param name="adjectives">Also find demonyms ("Ukrainian"); off measures the names alone.</param>
    public EntityExtractor(Gazetteer gazetteer, bool adjectives = true)
    {
        ArgumentNullException.ThrowIfNull(gazetteer);
        Gazetteer = gazetteer;
        _entities = [.. gazetteer.Entities];
        var phrases = new List<IReadOnlyList<string>>();
        var variants = new List<List<Variant>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var e = 0; e < _entities.Length; e++)
        {
            var forms = _entities[e].Aliases.Select(a => (Text: a, Adjective: false));
            if (adjectives)
            {
                forms = forms.Concat(_entities[e].Adjectives.Select(a => (Text: a, Adjective: true)));
            }

            foreach (var (text, adjective) in forms)
            {
                var (words, rules) = Words(text);
                var key = string.Join(' ', words);
                if (!index.TryGetValue(key, out var phrase))
                {
                    index[key] = phrase = phrases.Count;
                    phrases.Add(words);
                    variants.Add([]);
                }

                variants[phrase].Add(new Variant(e, rules, adjective));
            }
        }

        _automaton = new PhraseAutomaton(phrases);
        _variants = [.. variants.Select(v => v.ToArray())];
    }

    /// <summary>The extractor over the built-in gazetteer, demonyms included.</summary>
    public static EntityExtractor Default => DefaultExtractor.Value;

    public Gazetteer Gazetteer { get; }

    private enum CaseRule : byte
    {
        Any,
        Capital,
        Upper,
    }

    /// <summary>The ids of the entities named in a statement, each once, in order of first mention (title first).</summary>
    public IReadOnlyList<string> Extract(string? title, string? text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ids = new List<string>();
        foreach (var mention in Mentions(title, text))
        {
            if (seen.Add(mention.EntityId))
            {
                ids.Add(mention.EntityId);
            }
        }

        return ids;
    }

    /// <summary>Every mention in the title, then the text, in order.</summary>
    public IReadOnlyList<EntityMention> Mentions(string? title, string? text)
    {
        var scratch = _scratch ??= new Scratch();
        var mentions = new List<EntityMention>();
        Find(scratch, title, EntityField.Title, mentions);
        Find(scratch, text, EntityField.Text, mentions);
        return mentions;
    }

    private void Find(Scratch scratch, string? source, EntityField field, List<EntityMention> mentions)
    {
        if (string.IsNullOrEmpty(source))
        {
            return;
        }

        var tokens = scratch.Tokens;
        tokens.Scan(source);
        scratch.Hits.Clear();
        var state = (Extractor: this, Source: source, Tokens: tokens, Hits: scratch.Hits);
        _automaton.Match(tokens, ref state, static (ref s, phrase, first, last) =>
        {
            foreach (var variant in s.Extractor._variants[phrase])
            {
                if (Accepts(s.Extractor._entities[variant.Entity], variant, s.Source, s.Tokens, first, last))
                {
                    s.Hits.Add(new Hit(variant.Entity, first, last, variant.Adjective));
                    break;
                }
            }
        });

        // Leftmost, then longest; a hit inside a kept one is dropped.
        scratch.Hits.Sort(static (a, b) => a.First != b.First ? a.First.CompareTo(b.First) : b.Last.CompareTo(a.Last));
        var covered = -1;
        foreach (var hit in scratch.Hits)
        {
            if (hit.First <= covered)
            {
                continue;
            }

            covered = hit.Last;
            var start = tokens[hit.First].Start;
            mentions.Add(new EntityMention(_entities[hit.Entity].Id, field, start, tokens[hit.Last].End - start, hit.Adjective));
        }
    }

    private static bool Accepts(Entity entity, Variant variant, string source, TokenBuffer tokens, int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            var word = source.AsSpan(tokens[i].Start, tokens[i].Length);
            var ok = variant.Rules[i - first] switch
            {
                CaseRule.Upper => IsAllCapitals(word),
                CaseRule.Capital => char.IsUpper(word[0]),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        if (!entity.GivenName)
        {
            return true;
        }

        // "NATO-Georgia Commission": the second half of a hyphenated compound is not a first name.
        var start = tokens[first].Start;
        if (start > 0 && source[start - 1] is '-' or '\u2010' or '\u2011')
        {
            return true;
        }

        return !IsName(source, tokens, first - 1, left: true) && !IsName(source, tokens, last + 1, left: false);
    }

    // A capitalised word written in lower case after its first letter (a name; not a heading in capitals, not the
    // sentence's first word, which is capitalised anyway: "In Georgia") standing right next to the entity, one space
    // between them.
    private static bool IsName(string source, TokenBuffer tokens, int neighbour, bool left)
    {
        if (neighbour < 0 || neighbour >= tokens.Count)
        {
            return false;
        }

        var (before, after) = left ? (neighbour, neighbour + 1) : (neighbour - 1, neighbour);
        if (tokens[before].End + 1 != tokens[after].Start || source[tokens[before].End] != ' ')
        {
            return false;
        }

        var word = source.AsSpan(tokens[neighbour].Start, tokens[neighbour].Length);
        if (word.Length < 2 || !char.IsUpper(word[0]) || IsAllCapitals(word))
        {
            return false;
        }

        var sentenceStart = neighbour == 0 || tokens[neighbour - 1].Sentence != tokens[neighbour].Sentence;
        return !(left && sentenceStart);
    }

    private static bool IsAllCapitals(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (char.IsLetter(c) && !char.IsUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private static (List<string> Words, CaseRule[] Rules) Words(string alias)
    {
        var buffer = new TokenBuffer();
        buffer.Scan(alias);
        var words = new List<string>(buffer.Count);
        var rules = new CaseRule[buffer.Count];
        for (var i = 0; i < buffer.Count; i++)
        {
            words.Add(buffer.Text(i).ToString());
            var written = alias.AsSpan(buffer[i].Start, buffer[i].Length);
            rules[i] = !char.IsUpper(written[0]) ? CaseRule.Any
                : written.Length > 1 && IsAllCapitals(written) || written.Length == 1 ? CaseRule.Upper
                : CaseRule.Capital;
        }

        return (words, rules);
    }

    private sealed record Variant(int Entity, CaseRule[] Rules, bool Adjective);

    private readonly record struct Hit(int Entity, int First, int Last, bool Adjective);

    private sealed class Scratch
    {
        public TokenBuffer Tokens { get; } = new();

        public List<Hit> Hits { get; } = [];
    }
}
