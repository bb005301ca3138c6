using System.Text.RegularExpressions;
using Monitor.Contracts;

namespace Monitor.Core.Feeds;

/// <summary>
/// The EP Think Tank's RSS (advanced-search <c>rss?...</c>): studies and briefings. Its pubDate is Brussels midnight
/// written as GMT ("Thu, 18 Sep 2025 00:00:00 GMT" means 18 September in Brussels), so the clock time is read as
/// Brussels wall time; the raw string is kept. Every item is an analysis; the publication code
/// ("EPRS_BRI(2025)772345") is the reference and the id.
/// </summary>
internal static partial class EpThinkTankAdapter
{
    public static IReadOnlyList<FeedItem> Parse(Stream body, Uri feedUrl) =>
        FeedParser.Parse(body, feedUrl, (_, item) => Refine(item));

    private static FeedItem Refine(FeedItem item)
    {
        var code = PublicationCode().Match(item.Url) is { Success: true } m ? Uri.UnescapeDataString(m.Groups["code"].Value) : null;
        return item with
        {
            ExternalId = code ?? item.ExternalId,
            PublishedAt = item.PublishedAt is { } written && WrittenAsGmt(item.PublishedRaw)
                ? BrusselsTime.FromWallClock(written.UtcDateTime)
                : item.PublishedAt,
            DocumentType = DocumentTypes.Analysis,
            DocumentReference = code,
        };
    }

    /// <summary>A date labelled GMT/UTC (or with no zone): its clock time is Brussels time. A real offset is trusted.</summary>
    private static bool WrittenAsGmt(string? raw)
    {
        var s = raw?.Trim() ?? "";
        return s.EndsWith("GMT", StringComparison.OrdinalIgnoreCase) || s.EndsWith("UTC", StringComparison.OrdinalIgnoreCase)
            || s.EndsWith(" UT", StringComparison.OrdinalIgnoreCase) || s.EndsWith('Z') || s.EndsWith("+0000", StringComparison.Ordinal)
            || s.EndsWith("+00:00", StringComparison.Ordinal) || !s.Contains(':', StringComparison.Ordinal);
    }

    [GeneratedRegex(@"/thinktank/[a-z]{2}/document/(?<code>[A-Za-z0-9_%()\-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PublicationCode();
}
