using System.Text;

namespace Monitor.Core.Feeds;

/// <summary>
/// Canonical item URLs: absolute, lower-case scheme and host, no fragment, no tracking or locale parameters, so the
/// same page linked from two feeds (or twice with different campaign tags) is the same URL.
/// </summary>
public static class FeedUrls
{
    // Query parameters that say who linked or in which language the site was browsed, never which page it is.
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "selectedLocale", "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid",
        "_hsenc", "_hsmi", "ref_src", "wt.mc_id", "xtor", "at_medium", "at_campaign",
    };

    /// <summary>The link made absolute against <paramref name="baseUri"/> and canonical; "" for none, and for anything
    /// that is not an http(s) URL once resolved (<c>javascript:</c>, <c>data:</c>, <c>file:</c>, garbage): an item's link
    /// is shown to analysts as a link, so only web pages may pass.</summary>
    public static string Canonical(Uri baseUri, string? link)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        link = link?.Trim();
        if (string.IsNullOrEmpty(link) || !Uri.TryCreate(baseUri, link, out var absolute))
        {
            return "";
        }

        return absolute.Scheme is "http" or "https" ? Canonical(absolute) : "";
    }

    /// <summary>An absolute http(s) URL without fragment and tracking parameters, host lower-case, default port dropped.</summary>
    public static string Canonical(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var kept = KeptQuery(url.Query);
        var sb = new StringBuilder(url.Scheme).Append("://").Append(url.IdnHost.ToLowerInvariant());
        if (!url.IsDefaultPort)
        {
            sb.Append(':').Append(url.Port);
        }

        sb.Append(url.AbsolutePath);
        if (kept.Length > 0)
        {
            sb.Append('?').Append(kept);
        }

        return sb.ToString();
    }

    /// <summary>The path of the URL without query, fragment or trailing slash: a stable id for sites whose links are paths.</summary>
    public static string PathOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var path = url.AbsolutePath.TrimEnd('/');
        return path.Length == 0 ? "/" : path;
    }

    private static string KeptQuery(string query)
    {
        if (query.Length <= 1)
        {
            return "";
        }

        var kept = query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair =>
            {
                var name = Uri.UnescapeDataString(pair.Split('=', 2)[0]);
                return !name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) && !Dropped.Contains(name);
            });
        return string.Join('&', kept);
    }
}
