using System.Globalization;

namespace Monitor.Core.Text;

/// <summary>
/// Splits text into normalised word tokens: lower case, diacritics removed, letters and digits only. "NATO’s
/// no-fly zone" becomes [nato, no, fly, zone]; matching on tokens is what keeps "ally" out of "really".
/// </summary>
/// <remarks>
/// Normalisation, the same for topic-file terms and statements, so both sides meet:
/// <list type="bullet">
/// <item>case and diacritics (table below: string.Normalize is a no-op under InvariantGlobalization);</item>
/// <item>hyphens and punctuation split words ("no-fly" is [no, fly]); possessive 's is dropped;</item>
/// <item>American spellings become British ("defense" is "defence", "-ize" is "-ise");</item>
/// <item>numbers become one token holding their value: "40 000", "40,000", "40 thousand" and "forty thousand" are
/// all "40000"; "32nd" and "thirty-second" are the ordinal "32nd"; "3.5" stays one token.</item>
/// </list>
/// </remarks>
internal static class Tokens
{
    /// <summary>The normalised words of <paramref name="text"/> (for building patterns; the tagger uses <see cref="TokenBuffer"/>).</summary>
    public static List<string> Split(string? text)
    {
        var buffer = new TokenBuffer();
        buffer.Scan(text);
        var tokens = new List<string>(buffer.Count);
        for (var i = 0; i < buffer.Count; i++)
        {
            tokens.Add(buffer.Text(i).ToString());
        }

        return tokens;
    }
}

/// <summary>One token: where it is in the source text, where its normalised text is in the buffer, its number value.</summary>
internal struct Token
{
    /// <summary>Character offset of the token in the source text.</summary>
    public int Start;

    /// <summary>Characters the token spans in the source text (a merged "40 000" spans the space).</summary>
    public int Length;

    public int TextStart;

    public int TextLength;

    /// <summary>The value when the token is a number ("40 000", "forty", "32nd"), else NaN.</summary>
    public double Number;

    /// <summary>"32nd", "second": an ordinal number.</summary>
    public bool Ordinal;

    /// <summary>Index of the sentence (split on . ! ? ; : and line breaks) the token is in.</summary>
    public int Sentence;

    public readonly int End => Start + Length;

    public readonly bool IsNumber => !double.IsNaN(Number);
}

/// <summary>
/// Reusable scanner state: tokens and their normalised characters for one text at a time. Not thread-safe; after
/// the first few texts, scanning allocates nothing.
/// </summary>
internal sealed class TokenBuffer
{
    private static readonly Dictionary<char, string> Fold = BuildFold(
        ("a", "àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ"), ("ae", "æǣǽ"), ("b", "ƀḃḅḇ"), ("c", "çćĉċčḉ"),
        ("d", "ðďđḋḍḏḑḓ"), ("e", "èéêëēĕėęěȅȇȩɇḕḗḙḛḝẹẻẽếềểễệ"), ("f", "ḟ"), ("g", "ĝğġģǥǧǵḡ"),
        ("h", "ĥħȟḣḥḧḩḫẖ"), ("i", "ìíîïĩīĭįıǐȉȋḭḯỉị"), ("ij", "ĳ"), ("j", "ĵǰ"), ("k", "ķĸǩḱḳḵ"),
        ("l", "ĺļľŀłƚḷḹḻḽ"), ("m", "ḿṁṃ"), ("n", "ñńņňŉǹṅṇṉṋ"),
        ("o", "òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ"), ("oe", "œ"), ("p", "ṕṗ"), ("r", "ŕŗřȑȓṙṛṝṟ"),
        ("s", "śŝşšſșṡṣṥṧṩ"), ("ss", "ß"), ("t", "ţťŧțṫṭṯṱẗ"), ("th", "þ"),
        ("u", "ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự"), ("v", "ṽṿ"), ("w", "ŵẁẃẅẇẉẘ"), ("x", "ẋẍ"),
        ("y", "ýÿŷȳẏẙỳỵỷỹ"), ("z", "źżžȥẑẓẕ"),
        ("α", "άἀἁἂἃἄἅἆἇὰάᾀᾁᾂᾃᾄᾅᾆᾇᾰᾱᾲᾳᾴᾶᾷ"), ("ε", "έἐἑἒἓἔἕὲέ"), ("η", "ήἠἡἢἣἤἥἦἧὴήᾐᾑᾒᾓᾔᾕᾖᾗῂῃῄῆῇ"),
        ("ι", "ΐίϊἰἱἲἳἴἵἶἷὶίιῐῑῒΐῖῗ"), ("ο", "όὀὁὂὃὄὅὸό"), ("ρ", "ῤῥ"), ("σ", "ς"),
        ("υ", "ΰϋύὐὑὒὓὔὕὖὗὺύῠῡῢΰῦῧ"), ("ω", "ώὠὡὢὣὤὥὦὧὼώᾠᾡᾢᾣᾤᾥᾦᾧῲῳῴῶῷ"));

    // American to British spelling, for words the topics use; "-ize" forms are handled by rule.
    private static readonly Dictionary<string, string> Spelling = new(StringComparer.Ordinal)
    {
        ["defense"] = "defence", ["defenses"] = "defences", ["offense"] = "offence", ["offenses"] = "offences",
        ["center"] = "centre", ["centers"] = "centres", ["armor"] = "armour", ["armored"] = "armoured",
        ["honor"] = "honour", ["labor"] = "labour", ["neighbor"] = "neighbour", ["neighbors"] = "neighbours",
        ["neighboring"] = "neighbouring", ["favor"] = "favour", ["behavior"] = "behaviour",
        ["endeavor"] = "endeavour", ["endeavors"] = "endeavours", ["program"] = "programme",
        ["programs"] = "programmes", ["dialog"] = "dialogue", ["analyze"] = "analyse", ["paralyze"] = "paralyse",
        ["fulfill"] = "fulfil", ["fulfills"] = "fulfils", ["canceled"] = "cancelled", ["traveled"] = "travelled",
        ["rumors"] = "rumours", ["harbor"] = "harbour", ["harbors"] = "harbours", ["vapor"] = "vapour",
    };

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> SpellingLookup =
        Spelling.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly Dictionary<string, (int Value, NumberWord Kind)> NumberWords = BuildNumberWords();

    private static readonly Dictionary<string, (int Value, NumberWord Kind)>.AlternateLookup<ReadOnlySpan<char>> NumberLookup =
        NumberWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly string[] IzeEndings = ["ize", "izes", "ized", "izing", "ization", "izations"];

    // First letters of the number words: a cheap test before the dictionary lookup.
    private static readonly System.Buffers.SearchValues<char> NumberInitials = System.Buffers.SearchValues.Create("efhmnostz");

    private Token[] _tokens = new Token[256];
    private char[] _chars = new char[4096];
    private int _charCount;

    private enum NumberWord
    {
        Unit,
        Tens,
        Hundred,
        Scale,
        Ordinal,
    }

    public int Count { get; private set; }

    public ref Token this[int index] => ref _tokens[index];

    /// <summary>The normalised text of token <paramref name="index"/>.</summary>
    public ReadOnlySpan<char> Text(int index) => _chars.AsSpan(_tokens[index].TextStart, _tokens[index].TextLength);

    /// <summary>Replaces the buffer's content with the tokens of <paramref name="text"/>.</summary>
    public void Scan(string? text)
    {
        Count = 0;
        _charCount = 0;
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        ScanRaw(text);
        Normalise();
    }

    private void ScanRaw(string text)
    {
        var start = -1;
        var textStart = 0;
        var allDigits = true;
        var group = 0;
        var hasPoint = false;
        var sentence = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                if (start < 0)
                {
                    start = i;
                    textStart = _charCount;
                    allDigits = true;
                    group = 0;
                    hasPoint = false;
                }

                if (char.IsAsciiDigit(c))
                {
                    group++;
                    Append(c);
                }
                else
                {
                    allDigits = false;
                    var lower = char.ToLowerInvariant(c);
                    if (lower >= '\u00C0' && Fold.TryGetValue(lower, out var folded))
                    {
                        foreach (var f in folded)
                        {
                            Append(f);
                        }
                    }
                    else
                    {
                        Append(lower);
                    }
                }

                continue;
            }

            if (c == '\u00AD' || (c >= '\u0300' && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
                    or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            {
                // Combining accents (already-decomposed text) and soft hyphens belong to the word they sit in.
                continue;
            }

            if (start >= 0 && allDigits)
            {
                // "40 000", "40,000", "40.000": a group separator followed by exactly three digits.
                if (group <= 3 && !hasPoint && IsGroupSeparator(c) && ThreeDigitsAt(text, i + 1))
                {
                    group = 0;
                    continue;
                }

                if (c == '.' && !hasPoint && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                {
                    hasPoint = true;
                    Append('.');
                    continue;
                }
            }

            if (start >= 0)
            {
                Add(start, i - start, textStart, sentence);
                start = -1;

                // Possessive: "NATO's", "Allies’" lose the 's.
                if ((c == '\'' || c == '’') && i + 1 < text.Length && text[i + 1] is 's' or 'S'
                    && (i + 2 >= text.Length || !char.IsLetterOrDigit(text[i + 2])))
                {
                    i++;
                    continue;
                }
            }

            if (c is '.' or '!' or '?' or ';' or ':' or '\n' or '\r' or '•')
            {
                sentence++;
            }
        }

        if (start >= 0)
        {
            Add(start, text.Length - start, textStart, sentence);
        }
    }

    // Numbers (ordinals, "thousand"/"million" scales, number words), spellings.
    private void Normalise()
    {
        var write = 0;
        for (var read = 0; read < Count; read++)
        {
            var token = _tokens[read];
            var text = _chars.AsSpan(token.TextStart, token.TextLength);
            var consumed = 1;
            if (char.IsAsciiDigit(text[0]))
            {
                ReadDigits(ref token, text, read, ref consumed);
            }
            else if (NumberInitials.Contains(text[0]) && NumberLookup.ContainsKey(text))
            {
                ReadNumberWords(ref token, read, ref consumed);
            }
            else if (SpellingLookup.TryGetValue(text, out var british))
            {
                SetText(ref token, british);
            }
            else if (IzeForm(text) is var ize and >= 0)
            {
                _chars[token.TextStart + ize] = 's';
            }

            if (consumed > 1)
            {
                var last = _tokens[read + consumed - 1];
                token.Length = last.End - token.Start;
                read += consumed - 1;
            }

            _tokens[write++] = token;
        }

        Count = write;
    }

    private void ReadDigits(ref Token token, ReadOnlySpan<char> text, int index, ref int consumed)
    {
        var digits = text;
        var suffix = ReadOnlySpan<char>.Empty;
        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
        {
            end++;
        }

        if (end < text.Length)
        {
            suffix = text[end..];
            digits = text[..end];
            if (suffix is not ("st" or "nd" or "rd" or "th"))
            {
                return; // "5g", "f16": not numbers
            }
        }

        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return;
        }

        token.Number = value;
        token.Ordinal = !suffix.IsEmpty;
        if (!token.Ordinal && index + 1 < Count && Scale(Text(index + 1)) is var scale and > 0
            && _tokens[index + 1].Sentence == token.Sentence)
        {
            value *= scale;
            consumed = 2;
            token.Number = value;
            SetText(ref token, value);
        }
    }

    private void ReadNumberWords(ref Token token, int index, ref int consumed)
    {
        double total = 0;
        double current = 0;
        var ordinal = false;
        var any = false;
        var i = index;
        for (; i < Count && !ordinal; i++)
        {
            if (i > index && _tokens[i].Sentence != token.Sentence)
            {
                break;
            }

            var word = Text(i);
            if (word is "and" && any && i + 1 < Count && NumberLookup.ContainsKey(Text(i + 1)))
            {
                continue;
            }

            if (!NumberLookup.TryGetValue(word, out var number))
            {
                break;
            }

            switch (number.Kind)
            {
                case NumberWord.Unit:
                case NumberWord.Ordinal:
                    if (any && current % 10 != 0)
                    {
                        goto done; // "one two": two numbers
                    }

                    current += number.Value;
                    ordinal = number.Kind == NumberWord.Ordinal;
                    break;
                case NumberWord.Tens:
                    if (any && current % 100 != 0)
                    {
                        goto done;
                    }

                    current += number.Value;
                    break;
                case NumberWord.Hundred:
                    current = (current == 0 ? 1 : current) * 100;
                    break;
                case NumberWord.Scale:
                    if (!any)
                    {
                        goto done; // a bare "thousand" is a word
                    }

                    total += current * number.Value;
                    current = 0;
                    break;
            }

            any = true;
        }

    done:
        if (!any)
        {
            return;
        }

        var value = total + current;
        consumed = i - index;
        token.Number = value;
        token.Ordinal = ordinal;
        SetText(ref token, value, ordinal);
    }

    private static double Scale(ReadOnlySpan<char> word) => word switch
    {
        "thousand" => 1_000,
        "million" or "millions" => 1_000_000,
        "billion" or "billions" => 1_000_000_000,
        _ => 0,
    };

    // "recognized" -> index of its 'z' when the word ends in -ize, -izes, -ized, -izing, -ization(s).
    private static int IzeForm(ReadOnlySpan<char> word)
    {
        if (word.Length < 6 || !word[Math.Max(0, word.Length - 8)..].Contains('z'))
        {
            return -1;
        }

        foreach (var ending in IzeEndings)
        {
            if (word.EndsWith(ending, StringComparison.Ordinal))
            {
                return word.Length - ending.Length + 1;
            }
        }

        return -1;
    }

    private void SetText(ref Token token, string text)
    {
        token.TextStart = _charCount;
        foreach (var c in text)
        {
            Append(c);
        }

        token.TextLength = text.Length;
    }

    private void SetText(ref Token token, double value, bool ordinal = false)
    {
        Span<char> digits = stackalloc char[32];
        value.TryFormat(digits, out var written, "0.###", CultureInfo.InvariantCulture);
        token.TextStart = _charCount;
        foreach (var c in digits[..written])
        {
            Append(c);
        }

        token.TextLength = written;
        if (ordinal)
        {
            var suffix = (value % 100) is >= 11 and <= 13 ? "th" : (value % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
            Append(suffix[0]);
            Append(suffix[1]);
            token.TextLength += 2;
        }
    }

    private void Add(int start, int length, int textStart, int sentence)
    {
        if (Count == _tokens.Length)
        {
            Array.Resize(ref _tokens, _tokens.Length * 2);
        }

        _tokens[Count++] = new Token
        {
            Start = start,
            Length = length,
            TextStart = textStart,
            TextLength = _charCount - textStart,
            Number = double.NaN,
            Sentence = sentence,
        };
    }

    private void Append(char c)
    {
        if (_charCount == _chars.Length)
        {
            Array.Resize(ref _chars, _chars.Length * 2);
        }

        _chars[_charCount++] = c;
    }

    private static bool IsGroupSeparator(char c) => c is ' ' or ',' or '.' or '\u00A0' or '\u202F' or '\u2009' or '\'';

    private static bool ThreeDigitsAt(string text, int i) =>
        i + 3 <= text.Length && char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2])
        && (i + 3 == text.Length || !char.IsLetterOrDigit(text[i + 3]) || text[i + 3] is 's' && (i + 4 == text.Length || !char.IsLetterOrDigit(text[i + 4])));

    private static Dictionary<string, (int, NumberWord)> BuildNumberWords()
    {
        var words = new Dictionary<string, (int, NumberWord)>(StringComparer.Ordinal);
        string[] units = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
        string[] ordinals = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
            "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth"];
        string[] tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
        string[] tenths = ["twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"];
        for (var i = 1; i < units.Length; i++)
        {
            words[units[i]] = (i, NumberWord.Unit);
            words[ordinals[i]] = (i, NumberWord.Ordinal);
        }

        for (var i = 0; i < tens.Length; i++)
        {
            words[tens[i]] = ((i + 2) * 10, NumberWord.Tens);
            words[tenths[i]] = ((i + 2) * 10, NumberWord.Ordinal);
        }

        words["hundred"] = (100, NumberWord.Hundred);
        words["thousand"] = (1_000, NumberWord.Scale);
        words["million"] = (1_000_000, NumberWord.Scale);
        return words;
    }

    private static Dictionary<char, string> BuildFold(params (string Base, string Variants)[] groups)
    {
        var fold = new Dictionary<char, string>();
        foreach (var (folded, variants) in groups)
        {
            foreach (var variant in variants)
            {
                fold[variant] = folded;
            }
        }

        return fold;
    }
}
