using System.Text;

namespace Monitor.Core.Text;

/// <summary>Whitespace and control-character clean-up shared by the feed parser and the content hash.</summary>
internal static class PlainText
{
    /// <summary>
    /// Collapses every run of whitespace (including no-break and zero-width spaces) into one space, drops control
    /// characters and soft hyphens, and trims. Two texts that differ only in layout collapse to the same string.
    /// </summary>
    public static string Collapse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            // Soft hyphens sit inside words ("defen\u00ADce"); other control characters are debris from bad encoders.
            if (c == '\u00AD' || char.IsControl(c))
            {
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    public static bool IsSpace(char c) =>
        char.IsWhiteSpace(c) || c is '\u200B' or '\u2060' or '\uFEFF';
}
