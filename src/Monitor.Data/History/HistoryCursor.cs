using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Monitor.Data.History;

/// <summary>
/// Where a page ended: the sort key and id of its last statement, opaque to clients (base64url). The next page
/// starts strictly after that key, so statements arriving meanwhile do not shift or repeat rows.
/// A relevance cursor of a query with more matches than PostgreSQL ranks also carries the candidate floor: the date
/// key and id of the oldest statement the first page ranked (<see cref="HistoryStore.RelevanceCandidates"/>). Later
/// pages rank the matches from that floor up, so every page ranks the same set, whatever arrived meanwhile.
/// </summary>
public sealed record HistoryCursor(HistorySort Sort, double Key, long Id, long? FloorAt = null, long? FloorId = null)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{(Sort == HistorySort.Date ? 'd' : 'r')}:{Key:R}:{Id}{(FloorAt is not null && FloorId is not null ? $":{FloorAt}:{FloorId}" : "")}")));

    /// <exception cref="FormatException">The text is not a cursor this API handed out for this sort.</exception>
    public static HistoryCursor Decode(string text, HistorySort expected)
    {
        string raw;
        try
        {
            raw = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            throw new FormatException("The cursor is not one this API handed out; pass 'nextCursor' back unchanged.");
        }

        var parts = raw.Split(':');
        long floorAt = 0, floorId = 0;
        if (!(parts.Length == 3 || (parts.Length == 5 && parts[0] == "r"
                && long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out floorAt)
                && long.TryParse(parts[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out floorId)))
            || parts[0] is not ("d" or "r")
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var key)
            || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
        {
            throw new FormatException("The cursor is not one this API handed out; pass 'nextCursor' back unchanged.");
        }

        var sort = parts[0] == "d" ? HistorySort.Date : HistorySort.Relevance;
        if (sort != expected)
        {
            throw new FormatException($"The cursor belongs to a query sorted by {sort.ToString().ToLowerInvariant()}; keep the same 'sort' while paging.");
        }

        return parts.Length == 5 ? new HistoryCursor(sort, key, id, floorAt, floorId) : new HistoryCursor(sort, key, id);
    }
}
