using System.Globalization;
using System.Text.RegularExpressions;
using Monitor.Core.Search;

namespace Monitor.Data.History;

/// <summary>The words of a text worth matching on: lower case, three letters or more, no common English words, no numbers.</summary>
internal static partial class RelatedTerms
{
    private static readonly HashSet<string> StopWords = new(
        """
        a about after all also an and any are as at be been but by can could did do does for from had has have he her his
        how i if in into is it its more most new no not of on one or other our out over said she so some such than that the
        their them then there these they this those through to two up us was we were what when which while who will with would
        you your per year years may must should under between against during before without within where
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    /// <summary>A title's distinctive words, at most as many as a text query may hold.</summary>
    public static IReadOnlyList<string> FromTitle(string text) => All(text).Take(TextQuery.MaxTerms).ToList();

    public static IEnumerable<string> All(string text) =>
        Words().Matches(text.ToLower(CultureInfo.InvariantCulture)).Select(m => m.Value)
            .Where(IsDistinctive).Distinct(StringComparer.Ordinal);

    public static bool IsDistinctive(string word) => word.Length > 2 && !StopWords.Contains(word) && !char.IsDigit(word[0]);

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
