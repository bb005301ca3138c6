using System.Text;

namespace Monitor.Core.Briefing;

/// <summary>
/// Sentences cut from a statement's own text, never rewritten: the lead sentence the living briefing shows for a
/// statement, and the sentence a stated figure was read from. Whitespace is collapsed; a sentence longer than
/// <see cref="MaxLength"/> is cut at a word and ends with "…", which marks the cut.
/// </summary>
public static class Sentences
{
    public const int MaxLength = 300;

    // Words whose full stop does not end a sentence ("Mr. Rutte", "e.g. Georgia", "No. 5").
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "st", "no", "nos", "art", "para", "vs", "etc", "e.g", "i.e", "cf", "approx", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "h.e", "rt", "hon",
    };

    /// <summary>
    /// The statement's lead: the first sentence of its summary, or of its body when the summary is empty, or its title
    /// when both are. Never empty for a statement with a title.
    /// </summary>
    public static string Lead(string? summary, string? body, string title)
    {
        foreach (var text in new[] { summary, body })
        {
            var first = Split(text).FirstOrDefault();
            if (first is not null)
            {
                return first;
            }
        }

        return Cut(Collapse(title ?? ""));
    }

    /// <summary>The sentence of <paramref name="text"/> that holds the character at <paramref name="offset"/> (clamped into the text).</summary>
    public static string Around(string text, int offset)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return "";
        }

        offset = Math.Clamp(offset, 0, text.Length - 1);
        var start = 0;
        foreach (var end in Ends(text))
        {
            if (offset < end)
            {
                return Cut(Collapse(text[start..end]));
            }

            start = end;
        }

        return Cut(Collapse(text[start..]));
    }

    /// <summary>The sentences of a text in order, whitespace collapsed, empty ones left out.</summary>
    public static IEnumerable<string> Split(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var start = 0;
        foreach (var end in Ends(text).Append(text.Length))
        {
            if (end <= start)
            {
                continue;
            }

            var sentence = Collapse(text[start..end]);
            start = end;
            if (sentence.Length > 0)
            {
                yield return Cut(sentence);
            }
        }
    }

    /// <summary>Where each sentence ends (the index after its closing punctuation and quotes).</summary>
    private static IEnumerable<int> Ends(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('.' or '!' or '?'))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && text[end] is '"' or '’' or '”' or '\'' or ')')
            {
                end++;
            }

            // A sentence ends at a break followed by a capital, a digit or an opening quote; not "3.5", "e.g." or "Mr.".
            var next = end;
            while (next < text.Length && char.IsWhiteSpace(text[next]))
            {
                next++;
            }

            if (next == end && end < text.Length)
            {
                continue;
            }

            if (next < text.Length && !(char.IsUpper(text[next]) || char.IsDigit(text[next]) || text[next] is '"' or '“' or '‘' or '\''))
            {
                continue;
            }

            if (c == '.' && IsAbbreviation(text, i))
            {
                continue;
            }

            yield return end;
            i = end - 1;
        }
    }

    private static bool IsAbbreviation(string text, int dot)
    {
        var start = dot;
        while (start > 0 && (char.IsLetter(text[start - 1]) || text[start - 1] == '.'))
        {
            start--;
        }

        var word = text[start..dot];
        // A single capital is an initial ("J. Stoltenberg").
        return Abbreviations.Contains(word) || (word.Length == 1 && char.IsUpper(word[0]));
    }

    private static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && builder.Length > 0)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string Cut(string sentence)
    {
        if (sentence.Length <= MaxLength)
        {
            return sentence;
        }

        var cut = sentence.LastIndexOf(' ', MaxLength - 1);
        return sentence[..(cut > MaxLength / 2 ? cut : MaxLength - 1)].TrimEnd(',', ';', ':', ' ') + "…";
    }
}
