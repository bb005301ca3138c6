using System.Text;

namespace Monitor.Core.Tagging.Semantic;

/// <summary>What a sentence looks like before it is embedded.</summary>
public static class SentenceText
{
    /// <summary>Longest sentence embedded, in characters: the model reads at most 256 word pieces anyway.</summary>
    public const int MaxLength = 400;

    /// <summary>
    /// Typographic quotes, dashes and odd spaces become their ASCII forms (the MiniLM tokenizer mishandles typographic
    /// quotes), runs of white space one space, and the text is cut at <see cref="MaxLength"/> on a word boundary.
    /// </summary>
    public static string Normalise(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        var space = false;
        foreach (var c in text)
        {
            var mapped = c switch
            {
                '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '`' or '\u00B4' => '\'',
                '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u00AB' or '\u00BB' or '\u2033' => '"',
                '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => '-',
                '\u2026' => '.',
                _ when char.IsWhiteSpace(c) || char.IsControl(c) => ' ',
                _ => c,
            };
            if (mapped == ' ')
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(mapped);
            if (sb.Length >= MaxLength)
            {
                break;
            }
        }

        if (sb.Length >= MaxLength)
        {
            var cut = sb.ToString().LastIndexOf(' ');
            return cut > MaxLength / 2 ? sb.ToString(0, cut) : sb.ToString();
        }

        return sb.ToString();
    }
}
