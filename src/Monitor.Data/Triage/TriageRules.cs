using System.Text.RegularExpressions;

namespace Monitor.Data.Triage;

/// <summary>What a label and a note may be: the limits the API answers 400 for and the store enforces again.</summary>
public static partial class TriageRules
{
    public const int MaxLabels = 10;
    public const int MaxLabelLength = 32;
    public const int MaxNoteLength = 2000;

    /// <summary>
    /// Labels trimmed, lower-cased, duplicates dropped and sorted, or null with <paramref name="error"/> saying what is
    /// wrong: at most <see cref="MaxLabels"/>, each 1 to <see cref="MaxLabelLength"/> letters, digits, '-', '_', '.' or
    /// spaces, starting with a letter or digit.
    /// </summary>
    public static IReadOnlyList<string>? NormalizeLabels(IEnumerable<string?>? labels, out string? error)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in labels ?? [])
        {
            if (!IsLabel(raw, out var label, out error))
            {
                return null;
            }

            result.Add(label);
        }

        if (result.Count > MaxLabels)
        {
            error = $"A statement has at most {MaxLabels} labels; got {result.Count}.";
            return null;
        }

        error = null;
        return [.. result];
    }

    /// <summary>One label, normalized (trimmed, lower case), or false with the reason.</summary>
    public static bool IsLabel(string? raw, out string label, out string? error)
    {
        label = (raw ?? "").Trim().ToLowerInvariant();
        if (label.Length is 0 or > MaxLabelLength || !LabelPattern().IsMatch(label))
        {
            error = $"A label is 1 to {MaxLabelLength} letters, digits, '-', '_', '.' or spaces, starting with a letter or digit; got '{Shorten(raw)}'.";
            return false;
        }

        error = null;
        return true;
    }

    private static string Shorten(string? raw) => raw is null ? "" : raw.Length > 40 ? raw[..40] + "…" : raw;

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N}\p{Mn} ._-]*$")]
    private static partial Regex LabelPattern();
}
