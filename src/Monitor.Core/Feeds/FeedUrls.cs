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

    /// <summary>The link made absolute against <paramref name="baseUri"/> and canonical; a link that is no http(s)
    /// URL at all is returned as written (trimmed), "" for none.</summary>
    public static string Canonical(Uri baseUri, string? link)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        link = link?.Trim();
        if (string.IsNullOrEmpty(link))
        {
            return "";
        }

        if (!Uri.TryCreate(baseUri, link, out var absolute))
        {
            return link;
        }

        return absolute.Scheme is "http" or "https" ? Canonical(absolute) : absolute.AbsoluteUri;
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
