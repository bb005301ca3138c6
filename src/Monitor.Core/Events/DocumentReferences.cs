using System.Text.RegularExpressions;

namespace Monitor.Core.Events;

/// <summary>
/// The document references a statement cites, in one canonical spelling: European Parliament procedure numbers
/// (<c>2024/2988(RSP)</c>), session documents (<c>B10-0076/2025</c>, <c>RC-B10-0074/2025</c>, <c>A9-0181/2022</c>),
/// texts adopted (<c>TA-9-2022-0290</c>, also written <c>P9_TA(2022)0290</c>) and Commission proposals
/// (<c>COM(2020)0825</c>). Two statements citing the same one are about the same file.
/// </summary>
public static partial class DocumentReferences
{
    /// <summary>The distinct references of a text, in order of first appearance.</summary>
    public static IReadOnlyList<string> Find(string? title, string? text)
    {
        var found = new List<string>();
        foreach (var part in new[] { title, text })
        {
            if (string.IsNullOrEmpty(part))
            {
                continue;
            }

            foreach (Match m in Procedure().Matches(part))
            {
                Add(found, $"{m.Groups[1].Value}/{m.Groups[2].Value}({m.Groups[3].Value.ToUpperInvariant()})");
            }

            foreach (Match m in SessionDocument().Matches(part))
            {
                var prefix = m.Groups[1].Success ? "RC-" : string.Empty;
                Add(found, $"{prefix}{m.Groups[2].Value.ToUpperInvariant()}{m.Groups[3].Value}-{m.Groups[4].Value}/{m.Groups[5].Value}");
            }

            foreach (Match m in TextAdopted().Matches(part))
            {
                Add(found, $"TA-{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}");
            }

            foreach (Match m in TextAdoptedOld().Matches(part))
            {
                Add(found, $"TA-{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}");
            }

            foreach (Match m in Commission().Matches(part))
            {
                Add(found, $"COM({m.Groups[1].Value}){m.Groups[2].Value}");
            }
        }

        return found;
    }

    private static void Add(List<string> found, string reference)
    {
        if (!found.Contains(reference, StringComparer.Ordinal))
        {
            found.Add(reference);
        }
    }

    // 2024/2988(RSP), 2020/0361(COD): the year, four digits and the procedure type.
    [GeneratedRegex(@"\b((?:19|20)\d\d)/(\d{4})\(([A-Za-z]{3})\)")]
    private static partial Regex Procedure();

    // B10-0076/2025, RC-B10-0074/2025, A9-0181/2022 (also with a non-breaking hyphen).
    [GeneratedRegex(@"\b(RC[-\u2011])?([ABO])(\d{1,2})[-\u2011](\d{4})/((?:19|20)\d\d)\b")]
    private static partial Regex SessionDocument();

    // TA-9-2022-0290 (also in URLs: TA-9-2022-0290_EN.html).
    [GeneratedRegex(@"\bTA-(\d{1,2})-((?:19|20)\d\d)-(\d{4})\b")]
    private static partial Regex TextAdopted();

    // P9_TA(2022)0290.
    [GeneratedRegex(@"\bP(\d{1,2})_TA(?:-PROV)?\(((?:19|20)\d\d)\)(\d{4})\b")]
    private static partial Regex TextAdoptedOld();

    // COM(2020)0825.
    [GeneratedRegex(@"\bCOM\(((?:19|20)\d\d)\)\s?(\d{3,4})\b")]
    private static partial Regex Commission();
}
