using System.Globalization;
using System.Text;

namespace Monitor.Core.Search;

/// <summary>
/// A parsed full-text query. Syntax: words (<c>sanctions</c>), prefixes (<c>sanction*</c>), phrases
/// (<c>"air defence"</c>), <c>AND</c> (also implied between words), <c>OR</c>, <c>NOT</c> or a leading <c>-</c>,
/// and parentheses. Precedence: NOT, then AND, then OR. Words match case- and accent-insensitively on SQLite and
/// case-insensitively on PostgreSQL, without stemming. Every negation must sit beside a positive term
/// (<c>nato -exercise</c>), because a query of negations alone would match almost everything. This is the syntax and
/// its tree; each store renders the tree in its own dialect (<c>Monitor.Data.History.TextQuerySql</c>).
/// </summary>
public abstract record TextQuery
{
    public const int MaxLength = 500;
    public const int MaxTerms = 32;
    private const int MaxDepth = 16;

    /// <summary>Parses the user's query text or throws <see cref="QuerySyntaxException"/> saying what is wrong and where.</summary>
    public static TextQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new QuerySyntaxException($"The query is longer than {MaxLength} characters.");
        }

        var parser = new Parser(Lexer.Tokenize(text));
        var query = parser.ParseAll();
        if (query.IsNegative)
        {
            throw new QuerySyntaxException("The query only excludes words; add a word to look for (e.g. 'nato -exercise').");
        }

        if (query.TermCount > MaxTerms)
        {
            throw new QuerySyntaxException($"The query has more than {MaxTerms} words.");
        }

        return query;
    }

    /// <summary>Only excludes words (a negation, or an AND of negations alone).</summary>
    public abstract bool IsNegative { get; }

    internal abstract int TermCount { get; }

    /// <summary>A word, or a prefix when <paramref name="Prefix"/>; only letters and digits, lower case.</summary>
    public sealed record Term(string Word, bool Prefix) : TextQuery
    {
        public override bool IsNegative => false;

        internal override int TermCount => 1;
    }

    /// <summary>Words in this order, next to each other; the last may be a prefix.</summary>
    public sealed record Phrase(IReadOnlyList<string> Words, bool Prefix) : TextQuery
    {
        public override bool IsNegative => false;

        internal override int TermCount => Words.Count;

        public bool Equals(Phrase? other) => other is not null && Prefix == other.Prefix && Words.SequenceEqual(other.Words);

        public override int GetHashCode() => HashCode.Combine(Prefix, string.Join(' ', Words));
    }

    public sealed record Not(TextQuery Operand) : TextQuery
    {
        public override bool IsNegative => true;

        internal override int TermCount => Operand.TermCount;
    }

    public sealed record And(IReadOnlyList<TextQuery> Parts) : TextQuery
    {
        public override bool IsNegative => Parts.All(p => p.IsNegative);

        internal override int TermCount => Parts.Sum(p => p.TermCount);

        public bool Equals(And? other) => other is not null && Parts.SequenceEqual(other.Parts);

        public override int GetHashCode() => Parts.Count;
    }

    public sealed record Or(IReadOnlyList<TextQuery> Parts) : TextQuery
    {
        public override bool IsNegative => false;

        internal override int TermCount => Parts.Sum(p => p.TermCount);

        public bool Equals(Or? other) => other is not null && Parts.SequenceEqual(other.Parts);

        public override int GetHashCode() => Parts.Count;
    }

    private enum TokenKind
    {
        Word,
        Phrase,
        And,
        Or,
        Not,
        Open,
        Close,
    }

    private sealed record Token(TokenKind Kind, int Position, IReadOnlyList<string> Words, bool Prefix = false);

    private static class Lexer
    {
        public static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '(' or ')')
                {
                    tokens.Add(new Token(c == '(' ? TokenKind.Open : TokenKind.Close, i, []));
                    i++;
                }
                else if (c == '-' && (tokens.Count == 0 || i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] == '('))
                {
                    tokens.Add(new Token(TokenKind.Not, i, []));
                    i++;
                }
                else if (c == '"')
                {
                    var end = text.IndexOf('"', i + 1);
                    if (end < 0)
                    {
                        throw new QuerySyntaxException($"The phrase opened at position {i + 1} has no closing quote.");
                    }

                    var words = Words(text[(i + 1)..end]);
                    if (words.Count == 0)
                    {
                        throw new QuerySyntaxException($"The phrase at position {i + 1} has no words.");
                    }

                    var prefix = end + 1 < text.Length && text[end + 1] == '*';
                    tokens.Add(new Token(TokenKind.Phrase, i, words, prefix));
                    i = end + (prefix ? 2 : 1);
                }
                else
                {
                    var start = i;
                    while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '"'))
                    {
                        i++;
                    }

                    tokens.Add(Bareword(text[start..i], start));
                }
            }

            return tokens;
        }

        private static Token Bareword(string raw, int position)
        {
            switch (raw)
            {
                case "AND":
                    return new Token(TokenKind.And, position, []);
                case "OR":
                    return new Token(TokenKind.Or, position, []);
                case "NOT":
                    return new Token(TokenKind.Not, position, []);
            }

            var prefix = raw.EndsWith('*');
            var words = Words(prefix ? raw[..^1] : raw);
            if (words.Count == 0)
            {
                throw new QuerySyntaxException($"'{raw}' at position {position + 1} has no letters or digits to search for.");
            }

            if (raw.IndexOf('*', StringComparison.Ordinal) is var star && star >= 0 && star < raw.Length - 1)
            {
                throw new QuerySyntaxException($"'*' may only end a word (a prefix); found inside '{raw}' at position {position + 1}.");
            }

            // "NATO's" or "F-35" are several words to both stores' tokenizers: search them as a phrase.
            return new Token(words.Count == 1 ? TokenKind.Word : TokenKind.Phrase, position, words, prefix);
        }

        /// <summary>The runs of letters and digits, lower case: what both stores' tokenizers index.</summary>
        private static List<string> Words(string text)
        {
            var words = new List<string>();
            var current = new StringBuilder();
            foreach (var rune in text.EnumerateRunes())
            {
                if (Rune.IsLetterOrDigit(rune))
                {
                    current.Append(Rune.ToLowerInvariant(rune).ToString());
                }
                else if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }

            if (current.Length > 0)
            {
                words.Add(current.ToString());
            }

            return words;
        }
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _next;
        private int _depth;

        public TextQuery ParseAll()
        {
            if (tokens.Count == 0)
            {
                throw new QuerySyntaxException("The query is empty.");
            }

            var query = ParseOr();
            if (_next < tokens.Count)
            {
                var token = tokens[_next];
                throw new QuerySyntaxException(token.Kind == TokenKind.Close
                    ? $"The ')' at position {token.Position + 1} has no matching '('."
                    : $"Unexpected {Describe(token)} at position {token.Position + 1}.");
            }

            return query;
        }

        private TextQuery ParseOr()
        {
            var parts = new List<TextQuery> { ParseAnd() };
            while (Peek(TokenKind.Or) is { } or)
            {
                _next++;
                var part = ParseAnd();
                parts.Add(part);
                if (parts.Any(p => p.IsNegative))
                {
                    throw new QuerySyntaxException($"OR at position {or.Position + 1} joins a part that only excludes words; NOT needs a word beside it in an AND.");
                }
            }

            return parts.Count == 1 ? parts[0] : new Or(parts);
        }

        private TextQuery ParseAnd()
        {
            var parts = new List<TextQuery> { ParseUnary() };
            while (_next < tokens.Count && tokens[_next].Kind is not (TokenKind.Or or TokenKind.Close))
            {
                if (tokens[_next].Kind == TokenKind.And)
                {
                    _next++;
                }

                parts.Add(ParseUnary());
            }

            if (parts.Count == 1)
            {
                return parts[0];
            }

            // Flatten nested ANDs so FTS5 sees every negation beside the positives it excludes from.
            var flat = parts.SelectMany(p => p is And and ? and.Parts : [p]).ToList();
            return new And(flat);
        }

        private TextQuery ParseUnary()
        {
            if (Peek(TokenKind.Not) is not null)
            {
                _next++;
                var operand = Nested(ParseUnary);
                return operand is Not not ? not.Operand : new Not(operand);
            }

            return ParsePrimary();
        }

        private TextQuery ParsePrimary()
        {
            if (_next >= tokens.Count)
            {
                throw new QuerySyntaxException("The query ends where a word was expected.");
            }

            var token = tokens[_next++];
            switch (token.Kind)
            {
                case TokenKind.Word:
                    return new Term(token.Words[0], token.Prefix);
                case TokenKind.Phrase:
                    return new Phrase(token.Words, token.Prefix);
                case TokenKind.Open:
                    var inner = Nested(ParseOr);
                    if (Peek(TokenKind.Close) is null)
                    {
                        throw new QuerySyntaxException($"The '(' at position {token.Position + 1} is not closed.");
                    }

                    _next++;
                    return inner;
                default:
                    throw new QuerySyntaxException($"Expected a word at position {token.Position + 1}, found {Describe(token)}.");
            }
        }

        private TextQuery Nested(Func<TextQuery> parse)
        {
            if (++_depth > MaxDepth)
            {
                throw new QuerySyntaxException($"The query nests deeper than {MaxDepth} levels.");
            }

            var result = parse();
            _depth--;
            return result;
        }

        private Token? Peek(TokenKind kind) => _next < tokens.Count && tokens[_next].Kind == kind ? tokens[_next] : null;

        private static string Describe(Token token) => token.Kind switch
        {
            TokenKind.Close => "')'",
            TokenKind.Open => "'('",
            _ => token.Kind.ToString().ToUpper(CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>The user's query text is not valid query syntax; the message says what and where.</summary>
public sealed class QuerySyntaxException(string message) : Exception(message);
