using System.Security.Cryptography;
using System.Text;

namespace Monitor.Core.Feeds;

/// <summary>Stable external ids: a hash for items with no id of their own, and one id per item within a feed.</summary>
public static class FeedIds
{
    /// <summary>An id for an item with neither guid nor link: stable across polls as long as its parts are.</summary>
    public static string Hash(params string?[] parts) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))));

    /// <summary>
    /// Feeds repeat guids (a copy-pasted template guid, a re-listed item): an exact repeat (same id, link and title)
    /// is dropped, a different item under a taken id gets the id plus a hash of its link, title and date, which is
    /// stable across polls, so neither item is lost nor stored twice.
    /// </summary>
    public static IReadOnlyList<FeedItem> MakeUnique(IReadOnlyList<FeedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var seen = new Dictionary<string, FeedItem>(StringComparer.Ordinal);
        var result = new List<FeedItem>(items.Count);
        foreach (var item in items)
        {
            if (seen.TryGetValue(item.ExternalId, out var first))
            {
                if (first.Url == item.Url && first.Title == item.Title)
                {
                    continue;
                }

                var distinct = item with { ExternalId = $"{item.ExternalId}#{Hash(item.Url, item.Title, item.PublishedRaw)[7..23]}" };
                if (!seen.TryAdd(distinct.ExternalId, distinct))
                {
                    continue;
                }

                result.Add(distinct);
                continue;
            }

            seen.Add(item.ExternalId, item);
            result.Add(item);
        }

        return result;
    }
}
