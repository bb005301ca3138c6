using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Monitor.Data.History;

/// <summary>
/// Where a page ended: the sort key and id of its last statement, opaque to clients (base64url). The next page
/// starts strictly after that key, so statements arriving meanwhile do not shift or repeat rows.
/// </summary>
public sealed record HistoryCursor(HistorySort Sort, double Key, long Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{(Sort == HistorySort.Date ? 'd' : 'r')}:{Key:R}:{Id}")));

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
        if (parts.Length != 3 || parts[0] is not ("d" or "r")
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

        return new HistoryCursor(sort, key, id);
    }
}
