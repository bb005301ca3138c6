using Monitor.Core.Text;

namespace Monitor.Core.Tagging;

/// <summary>
/// Aho–Corasick automaton over normalised tokens: finds every occurrence of every phrase in one left-to-right pass
/// over a text's tokens, whatever the number of phrases.
/// </summary>
/// <remarks>
/// Words are numbered once (a token that is in no phrase resets the automaton without a lookup in the trie);
/// transitions live in one dictionary keyed by (state, word). Each state lists the phrases ending there, including
/// those reached by its failure links, so a match needs no walk at run time.
/// </remarks>
internal sealed class PhraseAutomaton
{
    private readonly Dictionary<string, int> _words = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordLookup;
    private readonly Dictionary<long, int> _next = [];
    private readonly int[] _fail;
    private readonly int[][] _output;
    private readonly int[] _lengths;

    /// <param name="phrases">Each phrase as its normalised tokens; the index is the phrase id reported by <see cref="Match"/>.</param>
    public PhraseAutomaton(IReadOnlyList<IReadOnlyList<string>> phrases)
    {
        _wordLookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
        _lengths = [.. phrases.Select(p => p.Count)];
        var outputs = new List<List<int>> { new() };
        var depth = new List<int> { 0 };
        for (var p = 0; p < phrases.Count; p++)
        {
            var state = 0;
            foreach (var word in phrases[p])
            {
                if (!_words.TryGetValue(word, out var id))
                {
                    _words[word] = id = _words.Count;
                }

                if (!_next.TryGetValue(Key(state, id), out var next))
                {
                    next = outputs.Count;
                    outputs.Add([]);
                    depth.Add(depth[state] + 1);
                    _next[Key(state, id)] = next;
                }

                state = next;
            }

            outputs[state].Add(p);
        }

        // Failure links, breadth first: the longest proper suffix of a state's path that is also a path.
        _fail = new int[outputs.Count];
        var children = _next.GroupBy(e => (int)(e.Key >> 32)).ToDictionary(g => g.Key, g => g.Select(e => (Word: (int)e.Key, State: e.Value)).ToList());
        var queue = new Queue<int>();
        foreach (var (_, child) in children.GetValueOrDefault(0) ?? [])
        {
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            outputs[state].AddRange(outputs[_fail[state]]);
            foreach (var (word, child) in children.GetValueOrDefault(state) ?? [])
            {
                var fallback = _fail[state];
                while (fallback != 0 && !_next.ContainsKey(Key(fallback, word)))
                {
                    fallback = _fail[fallback];
                }

                _fail[child] = _next.TryGetValue(Key(fallback, word), out var target) && target != child ? target : 0;
                queue.Enqueue(child);
            }
        }

        _output = [.. outputs.Select(o => o.Distinct().ToArray())];
    }

    /// <summary>Calls <paramref name="onMatch"/>(phrase, first token, last token) for every occurrence, in order of their end.</summary>
    public void Match<TState>(TokenBuffer tokens, ref TState state, MatchHandler<TState> onMatch)
    {
        var current = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!_wordLookup.TryGetValue(tokens.Text(i), out var word))
            {
                current = 0;
                continue;
            }

            int next;
            while (!_next.TryGetValue(Key(current, word), out next) && current != 0)
            {
                current = _fail[current];
            }

            current = next;
            foreach (var phrase in _output[current])
            {
                onMatch(ref state, phrase, i - _lengths[phrase] + 1, i);
            }
        }
    }

    private static long Key(int state, int word) => ((long)state << 32) | (uint)word;
}

/// <summary>One phrase occurrence, tokens <paramref name="first"/>..<paramref name="last"/>.</summary>
internal delegate void MatchHandler<TState>(ref TState state, int phrase, int first, int last);
