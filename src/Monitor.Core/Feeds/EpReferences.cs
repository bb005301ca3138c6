using System.Text.RegularExpressions;

namespace Monitor.Core.Feeds;

/// <summary>
/// The European Parliament's own document ids, whichever feed carries them, so the same text read from ep-rss and
/// from ep-api gets the same <see cref="FeedItem.DocumentReference"/>: "TA-10-2025-0279" (the API identifier, the
/// doceo file name), which the EP also writes "T10-0279/2025"; "A-10-2026-0177" for "A10-0177/2026"; press
/// releases by their code "20260716IPR46531".
/// </summary>
public static partial class EpReferences
{
    /// <summary>The reference in its API form ("TA-10-2025-0279"), from any of its written forms; null if none.</summary>
    public static string? FromDocumentId(string? value)
    {
        var s = value?.Trim();
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        if (ApiForm().Match(s) is { Success: true } api)
        {
            return api.Value.ToUpperInvariant();
        }

        // "T10-0279/2025" (texts adopted), "A10-0177/2026" (reports), "B10-0380/2026", "RC-B10-0217/2026".
        if (SessionForm().Match(s) is { Success: true } session)
        {
            var kind = session.Groups["kind"].Value.ToUpperInvariant();
            kind = session.Groups["rc"].Success ? "RC" : kind == "T" ? "TA" : kind;
            return $"{kind}-{session.Groups["term"].Value}-{session.Groups["year"].Value}-{session.Groups["number"].Value}";
        }

        return null;
    }

    /// <summary>The document id in a doceo link: ".../doceo/document/TA-10-2025-0123_EN.html" → "TA-10-2025-0123".</summary>
    public static string? FromDoceoUrl(string? url)
    {
        var match = url is null ? null : DoceoUrl().Match(url);
        return match is { Success: true } ? match.Groups["id"].Value.ToUpperInvariant() : null;
    }

    /// <summary>The press-release code: "20260716IPR46531" from its link, or from a guid "IPR-COM_IPR-2026-07-16-46531_EN".</summary>
    public static string? PressReleaseCode(string? url, string? guid)
    {
        if (url is not null && PressRoomUrl().Match(url) is { Success: true } fromUrl)
        {
            return fromUrl.Groups["code"].Value.ToUpperInvariant();
        }

        if (guid is not null && PressReleaseGuid().Match(guid) is { Success: true } g)
        {
            return $"{g.Groups["y"].Value}{g.Groups["m"].Value}{g.Groups["d"].Value}IPR{g.Groups["n"].Value}";
        }

        return null;
    }

    /// <summary>An EP guid without its language suffix: "TST_TST-2021-09-09-11812_EN" → "TST_TST-2021-09-09-11812".</summary>
    public static string WithoutLanguageSuffix(string guid)
    {
        ArgumentNullException.ThrowIfNull(guid);
        var match = LanguageSuffix().Match(guid);
        return match.Success ? guid[..match.Index] : guid;
    }

    /// <summary>The language of an EP guid or file name suffix ("..._EN", "..._NL.html"), lower-case; null if none.</summary>
    public static string? LanguageOf(string? guidOrUrl)
    {
        var match = guidOrUrl is null ? null : LanguageSuffix().Match(guidOrUrl);
        return match is { Success: true } ? match.Groups["lang"].Value.ToLowerInvariant() : null;
    }

    /// <summary>The language segment of an EP site link: ".../news/fr/press-room/..." → "fr"; null if none.</summary>
    public static string? LanguageOfPath(string? url)
    {
        var match = url is null ? null : LanguagePath().Match(url);
        return match is { Success: true } ? match.Groups["lang"].Value.ToLowerInvariant() : null;
    }

    /// <summary>A document id inside a guid: "RR_A-10-2026-0177_v02-00_EN" → "A-10-2026-0177".</summary>
    public static string? FromGuid(string? guid)
    {
        if (guid is null)
        {
            return null;
        }

        foreach (var part in guid.Split('_'))
        {
            if (ApiForm().Match(part) is { Success: true } match && match.Length == part.Length)
            {
                return match.Value.ToUpperInvariant();
            }
        }

        return null;
    }

    [GeneratedRegex(@"^[A-Z]{1,4}-\d{1,2}-\d{4}-\d{4}(-[A-Z0-9-]+)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApiForm();

    [GeneratedRegex(@"^(?<rc>RC-)?(?<kind>[TAB])(?<term>\d{1,2})-(?<number>\d{4})/(?<year>\d{4})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SessionForm();

    [GeneratedRegex(@"/doceo/document/(?<id>[A-Z]{1,4}-\d{1,2}-\d{4}-[0-9A-Z-]+?)_[A-Z]{2}\.(html|pdf|xml|docx)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DoceoUrl();

    [GeneratedRegex(@"/press-room/(?<code>\d{8}IPR\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PressRoomUrl();

    [GeneratedRegex(@"IPR-(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})-(?<n>\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PressReleaseGuid();

    [GeneratedRegex(@"europarl\.europa\.eu/(news|plenary|thinktank)/(?<lang>[a-z]{2})/", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePath();

    [GeneratedRegex(@"_(?<lang>[A-Za-z]{2})(\.[a-z]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageSuffix();
}
