using System.Text.RegularExpressions;
using Monitor.Core.Feeds;
using Monitor.Hosting.Net;
using Monitor.Ingestion.Polling;

namespace Monitor.Dashboard.Api;

/// <summary>Why a URL cannot become a source: a title and a message for a 400 ProblemDetails.</summary>
public sealed class SourceProbeException(string title, string message) : Exception(message)
{
    public string Title { get; } = title;
}

/// <summary>
/// Looks at a URL an administrator wants to add as a source, before anything is saved: fetches it through the guarded
/// fetcher Ingestion polls with (<see cref="NetworkGuard"/> at connect time, the feed's size cap and timeout, redirects
/// capped), and if it is an HTML page, the feeds it links to; then tries the adapters (<see cref="FeedDiscovery"/>)
/// and answers the first items as a preview.
/// </summary>
public static partial class SourceProbe
{
    public const int PreviewItems = 10;

    public sealed record PreviewItem(string Title, DateTimeOffset? PublishedAt, string Url);

    /// <summary>A feed link of the page that was tried, and why it was not used (null when it was).</summary>
    public sealed record Candidate(string Url, string? Title, string? Adapter, string? Error);

    /// <param name="Kind"><c>feed</c>: the URL is a feed; <c>html</c>: a page whose feed link was followed.</param>
    /// <param name="FeedUrl">What to save as the source's URL.</param>
    /// <param name="Adapter">The adapter to use: the first of <paramref name="Adapters"/>.</param>
    /// <param name="Adapters">Every adapter that read the feed, most specific first.</param>
    public sealed record Result(
        string Url, string Kind, string FeedUrl, string Adapter, IReadOnlyList<string> Adapters, string SuggestedName, string SuggestedId,
        int ItemCount, IReadOnlyList<PreviewItem> Items, IReadOnlyList<Candidate> Candidates);

    /// <exception cref="SourceProbeException">Refused, too big, timed out, an HTTP error, or not a feed.</exception>
    public static async Task<Result> ProbeAsync(FeedFetcher fetcher, Uri url, IReadOnlySet<string> takenIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(takenIds);
        var fetched = await FetchAsync(fetcher, url, cancellationToken);
        var finalUrl = fetched.FinalUrl ?? url;
        if (!FeedDiscovery.IsHtml(fetched.Content))
        {
            var (matches, failures) = FeedDiscovery.TryAdapters(fetched.Content, finalUrl);
            if (matches.Count == 0)
            {
                throw new SourceProbeException("Not a feed",
                    $"{url} is neither a feed Monitor reads nor an HTML page: {string.Join("; ", failures.Select(f => $"{f.Key}: {f.Value}"))}.");
            }

            var name = FeedDiscovery.FeedTitle(fetched.Content) ?? url.Host;
            return Build(url, "feed", url, matches, name, takenIds, []);
        }

        var html = FeedDiscovery.Decode(fetched.Content);
        var links = FeedDiscovery.FindFeedLinks(html, finalUrl);
        if (links.Count == 0)
        {
            throw new SourceProbeException("Not a feed",
                $"{url} is an HTML page that links to no RSS or Atom feed (<link rel=\"alternate\" type=\"application/rss+xml\" href=\"…\">); give the feed's own URL.");
        }

        var candidates = new List<Candidate>();
        foreach (var link in links)
        {
            try
            {
                var feed = await FetchAsync(fetcher, link.Url, cancellationToken);
                if (FeedDiscovery.IsHtml(feed.Content))
                {
                    candidates.Add(new Candidate(link.Url.ToString(), link.Title, null, "an HTML page, not a feed"));
                    continue;
                }

                var (matches, failures) = FeedDiscovery.TryAdapters(feed.Content, link.Url);
                if (matches.Count == 0)
                {
                    candidates.Add(new Candidate(link.Url.ToString(), link.Title, null, string.Join("; ", failures.Select(f => $"{f.Key}: {f.Value}"))));
                    continue;
                }

                candidates.Add(new Candidate(link.Url.ToString(), link.Title, matches[0].Adapter, null));
                var name = link.Title ?? FeedDiscovery.FeedTitle(feed.Content) ?? FeedDiscovery.PageTitle(html) ?? url.Host;
                // The links after the one used are listed untried.
                candidates.AddRange(links.Skip(candidates.Count).Select(l => new Candidate(l.Url.ToString(), l.Title, null, null)));
                return Build(url, "html", link.Url, matches, name, takenIds, candidates);
            }
            catch (SourceProbeException ex)
            {
                candidates.Add(new Candidate(link.Url.ToString(), link.Title, null, ex.Message));
            }
        }

        throw new SourceProbeException("No readable feed",
            $"{url} links to {links.Count} feed(s), and none could be read: {string.Join("; ", candidates.Select(c => $"{c.Url}: {c.Error}"))}.");
    }

    private static Result Build(Uri url, string kind, Uri feedUrl, IReadOnlyList<AdapterMatch> matches, string name, IReadOnlySet<string> takenIds, IReadOnlyList<Candidate> candidates)
    {
        var items = matches[0].Items;
        var preview = items.Take(PreviewItems).Select(i => new PreviewItem(i.Title, i.PublishedAt, i.Url)).ToList();
        var suggestedName = name.Length > 200 ? name[..200] : name;
        return new Result(url.ToString(), kind, feedUrl.ToString(), matches[0].Adapter, matches.Select(m => m.Adapter).ToList(),
            suggestedName, SuggestId(suggestedName, feedUrl, takenIds), items.Count, preview, candidates);
    }

    /// <summary>An id from the name (lower case, letters and digits joined by '-'), else the host; made unique with -2, -3….</summary>
    public static string SuggestId(string? name, Uri url, IReadOnlySet<string> takenIds)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(takenIds);
        var slug = Slug(name);
        if (slug.Length == 0)
        {
            slug = Slug(url.Host);
        }

        if (slug.Length == 0)
        {
            slug = "source";
        }

        slug = slug.Length > 56 ? slug[..56].TrimEnd('-') : slug;
        var id = slug;
        for (var n = 2; takenIds.Contains(id); n++)
        {
            id = $"{slug}-{n}";
        }

        return id;
    }

    private static string Slug(string? text)
    {
        // Accents dropped (é → e), then every run of anything but a-z and 0-9 becomes one '-'.
        var letters = (text ?? "").ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormKD)
            .Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark);
        return NotSlug().Replace(string.Concat(letters), "-").Trim('-');
    }

    private static async Task<FetchResult> FetchAsync(FeedFetcher fetcher, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await fetcher.FetchForDiscoveryAsync(url, FeedAdapters.Rss, cancellationToken);
        }
        catch (FeedFetchException ex)
        {
            throw new SourceProbeException(TitleOf(ex), ex.Message);
        }
    }

    /// <summary>The kind of failure, for the problem's title: the message says the rest.</summary>
    private static string TitleOf(FeedFetchException ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is AddressRefusedException)
            {
                return "Address refused";
            }
        }

        return ex.InnerException is OperationCanceledException ? "Timed out"
            : ex.Message.Contains("MaxFeedBytes", StringComparison.Ordinal) ? "Too big"
            : ex.Message.Contains("bytes/s", StringComparison.Ordinal) ? "Too slow"
            : "Fetch failed";
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
