namespace Monitor.Core.Statements;

/// <summary>
/// Which language versions Monitor tags. No package available here ships a multilingual embedding model, and the topic
/// file's terms are English, so only English text is tagged and clustered; a statement known only in another language
/// is stored and shown, untagged, with <see cref="UntaggedReason"/> (docs/sources.md#languages).
/// </summary>
public static class StatementLanguage
{
    /// <summary>Why a statement in another language carries no topics.</summary>
    public const string UntaggedReason = "no English version; Monitor tags English text only";

    /// <summary>The primary language subtag, lower-case ("fr-BE" → "fr", " EN " → "en"); null when none is given.</summary>
    public static string? Normalise(string? language)
    {
        var value = language?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var cut = value.IndexOfAny(['-', '_']);
        return (cut > 0 ? value[..cut] : value).ToLowerInvariant();
    }

    /// <summary>English, or not said (a feed that gives no language is read as before: tagged).</summary>
    public static bool IsTagged(string? language) => Normalise(language) is null or "en";

    /// <summary>Two language tags name the same language (both unsaid counts as the same).</summary>
    public static bool Same(string? a, string? b) => Normalise(a) == Normalise(b);
}
