using System.Text.Json;
using Monitor.Contracts;
using Monitor.Core.Text;

namespace Monitor.Core.Feeds;

/// <summary>
/// NATO's site search JSON (the 2026 site has no RSS): <c>{"pages":[{"title","description","pageDate","pageType",
/// "link"}, ...]}</c>.
/// </summary>
/// <remarks>
/// Links are relative to https://www.nato.int and the link path is the id. Dates are day-only ("01 October 2026"),
/// read as the start of that day in Brussels. Transcript titles are generic ("Speech", "Joint press conference"):
/// the title is kept and the description, which names the speaker ("by NATO Secretary General Mark Rutte at ..."),
/// goes into the summary after it. The body is on the article page (<c>div.ca04-rich-text</c>).
/// </remarks>
internal static class NatoSearchAdapter
{
    public static readonly Uri Site = new("https://www.nato.int/");

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, AllowTrailingCommas = true };

    public static IReadOnlyList<FeedItem> Parse(Stream body, Uri feedUrl)
    {
        using var document = JsonInput.Load(body, "NATO search JSON", Options);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FeedFormatException(
                $"Expected NATO search JSON {{\"pages\": [...]}} but the document is a JSON {JsonInput.KindName(root.ValueKind)}");
        }

        if (!root.TryGetProperty("pages", out var pages) || pages.ValueKind != JsonValueKind.Array)
        {
            throw new FeedFormatException(
                "Expected NATO search JSON {\"pages\": [...]} but the document has no \"pages\" array"
                + (JsonInput.PropertyNames(root) is { Length: > 0 } names ? $" (it has: {names})" : ""));
        }

        var language = LanguageOf(feedUrl);
        var result = new List<FeedItem>();
        var index = 0;
        foreach (var page in pages.EnumerateArray())
        {
            index++;
            if (page.ValueKind != JsonValueKind.Object)
            {
                throw new FeedFormatException(
                    $"Expected NATO search JSON pages to be objects but page {index} is a JSON {JsonInput.KindName(page.ValueKind)}");
            }

            if (Read(page) is { } item)
            {
                result.Add(language is null || item.Language is not null ? item : item with { Language = language });
            }
        }

        return FeedIds.MakeUnique(result);
    }

    private static FeedItem? Read(JsonElement page)
    {
        var title = HtmlText.ToPlainText(JsonInput.String(page, "title") ?? JsonInput.String(page, "headingTitle"));
        var description = HtmlText.ToPlainText(JsonInput.String(page, "description"));
        var link = JsonInput.String(page, "link");
        var url = FeedUrls.Canonical(Site, link);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var absolute) || absolute.Scheme is not ("http" or "https"))
        {
            url = "";
            absolute = null;
        }

        if (title.Length == 0 && absolute is null)
        {
            return null;
        }

        var dateRaw = JsonInput.String(page, "pageDate")?.Trim();
        var summary = description.StartsWith("by ", StringComparison.OrdinalIgnoreCase) && title.Length > 0
            ? $"{title} {description}"
            : description;
        var id = absolute is not null ? FeedUrls.PathOf(absolute) : FeedIds.Hash(title, dateRaw);
        return new FeedItem(
            id, url, title, summary, "", BrusselsTime.ParseDay(dateRaw) ?? FeedDates.Parse(dateRaw), dateRaw,
            absolute is null ? null : LanguageOf(absolute))
        {
            DocumentType = DocumentTypeOf(JsonInput.String(page, "pageType"), absolute),
        };
    }

    /// <summary>By the page type, else by the section in the link; null when neither says.</summary>
    internal static string? DocumentTypeOf(string? pageType, Uri? link)
    {
        var type = pageType?.Trim().ToLowerInvariant() ?? "";
        var path = link?.AbsolutePath.ToLowerInvariant() ?? "";
        if (type.Contains("transcript", StringComparison.Ordinal) || type.Contains("speech", StringComparison.Ordinal)
            || path.Contains("/transcripts/", StringComparison.Ordinal) || path.Contains("/opinions_", StringComparison.Ordinal))
        {
            return DocumentTypes.Speech;
        }

        if (type.Contains("press release", StringComparison.Ordinal) || path.Contains("/press-releases/", StringComparison.Ordinal))
        {
            return DocumentTypes.PressRelease;
        }

        if (type.Contains("official text", StringComparison.Ordinal) || path.Contains("/official-texts/", StringComparison.Ordinal)
            || path.Contains("/official_texts_", StringComparison.Ordinal))
        {
            return DocumentTypes.Declaration;
        }

        if (type.Contains("news", StringComparison.Ordinal) || path.Contains("/news/", StringComparison.Ordinal)
            || path.Contains("/news_", StringComparison.Ordinal))
        {
            return DocumentTypes.News;
        }

        return null;
    }

    /// <summary>"/en/news-and-events/..." → "en"; also the <c>languages=</c> query of the search URL.</summary>
    private static string? LanguageOf(Uri url)
    {
        var first = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is { Length: 2 } && first.All(char.IsAsciiLetter))
        {
            return first.ToLowerInvariant();
        }

        foreach (var pair in url.Query.TrimStart('?').Split('&'))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2 && parts[0] is "languages" or "language" or "lang" && parts[1].Length == 2)
            {
                return parts[1].ToLowerInvariant();
            }
        }

        return null;
    }
}
