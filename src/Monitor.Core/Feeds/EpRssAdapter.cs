using System.Xml.Linq;
using Monitor.Contracts;

namespace Monitor.Core.Feeds;

/// <summary>
/// The European Parliament's RSS 2.0 feeds (<c>europarl.europa.eu/rss/doc/&lt;name&gt;/&lt;lang&gt;.xml</c>): press
/// releases, plenary documents, texts adopted, top stories, committee and topic feeds.
/// </summary>
/// <remarks>
/// The guid is no URL and ends in a language suffix ("TST_TST-2021-09-09-11812_EN"): the id drops the suffix, and a
/// press release is known by its code ("20260716IPR46531") whichever feed lists it. The description is escaped
/// HTML ending in a credit line (dropped from the text by <see cref="Text.HtmlText"/>). Category labels are in the
/// feed's language ("Persbericht"), so the document type is read from the link, the guid and the feed's name first.
/// Each language has its own feed (<c>…/press-releases/fr.xml</c>): an item's language is its guid's suffix or its
/// link's language segment (<c>/news/fr/press-room/…</c>), and its reference is the same in every language, so its
/// language versions meet in Persistence as translations of one statement (docs/sources.md#languages).
/// </remarks>
internal static class EpRssAdapter
{
    public static IReadOnlyList<FeedItem> Parse(Stream body, Uri feedUrl) =>
        FeedParser.Parse(body, feedUrl, (element, item) => Refine(element, item, feedUrl));

    private static FeedItem Refine(XElement element, FeedItem item, Uri feedUrl)
    {
        var guid = Value(element.Element("guid"));
        var pressRelease = EpReferences.PressReleaseCode(item.Url, guid);
        var reference = pressRelease
            ?? EpReferences.FromDoceoUrl(item.Url)
            ?? EpReferences.FromGuid(guid)
            ?? EpReferences.FromDocumentId(LastTitlePart(item.Title))
            // Every language version of an EP item has the same guid but for its suffix ("TST_TST-2021-09-09-11812_FR"):
            // without the suffix it names the document whichever language feed carries it.
            ?? (EpReferences.LanguageOf(guid) is not null ? EpReferences.WithoutLanguageSuffix(guid!) : null);
        var externalId = pressRelease
            ?? (guid is not null ? EpReferences.WithoutLanguageSuffix(guid) : null)
            ?? (item.Url.Length > 0 ? item.Url : item.ExternalId);
        var categories = element.Elements("category").Select(c => c.Value.Trim()).ToList();

        return item with
        {
            ExternalId = externalId,
            // The item's own language, not the feed's: a language feed lists items not yet translated in English.
            Language = EpReferences.LanguageOf(guid) ?? EpReferences.LanguageOf(item.Url.Split('?')[0])
                ?? EpReferences.LanguageOfPath(item.Url) ?? item.Language,
            DocumentType = DocumentTypeOf(item.Url, guid, reference, categories, feedUrl),
            DocumentReference = reference,
            BodyHtml = item.BodyHtml is null ? null : Text.HtmlText.WithoutCreditLine(item.BodyHtml) is { Length: > 0 } html ? html : null,
        };
    }

    /// <summary>By link and guid (language-neutral), then the feed's name, then English category labels; news otherwise.</summary>
    internal static string DocumentTypeOf(string url, string? guid, string? reference, IReadOnlyList<string> categories, Uri feedUrl)
    {
        var feed = feedUrl.AbsolutePath.ToLowerInvariant();
        if (url.Contains("/press-room/", StringComparison.OrdinalIgnoreCase)
            || guid?.StartsWith("IPR", StringComparison.OrdinalIgnoreCase) == true
            || feed.Contains("/press-releases/", StringComparison.Ordinal))
        {
            return DocumentTypes.PressRelease;
        }

        if (reference?.StartsWith("TA-", StringComparison.OrdinalIgnoreCase) == true
            || feed.Contains("/texts-adopted/", StringComparison.Ordinal)
            || categories.Any(c => c.Contains("text adopted", StringComparison.OrdinalIgnoreCase)
                || c.Contains("texts adopted", StringComparison.OrdinalIgnoreCase)))
        {
            return DocumentTypes.TextAdopted;
        }

        if (reference?.StartsWith("CRE-", StringComparison.OrdinalIgnoreCase) == true)
        {
            return DocumentTypes.Speech;
        }

        // Reports, motions for resolutions, recommendations, amendments: official texts put to the plenary.
        if (reference is not null && (reference.StartsWith("A-", StringComparison.OrdinalIgnoreCase)
            || reference.StartsWith("B-", StringComparison.OrdinalIgnoreCase)
            || reference.StartsWith("RC-", StringComparison.OrdinalIgnoreCase)))
        {
            return DocumentTypes.Declaration;
        }

        return DocumentTypes.News;
    }

    /// <summary>"RECOMMENDATION on ... - A10-0177/2026" → "A10-0177/2026".</summary>
    private static string LastTitlePart(string title)
    {
        var dash = title.LastIndexOf(" - ", StringComparison.Ordinal);
        return dash < 0 ? "" : title[(dash + 3)..];
    }

    private static string? Value(XElement? element)
    {
        var value = element?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
