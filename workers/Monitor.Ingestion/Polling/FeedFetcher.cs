using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Data.Sources;
using Monitor.Hosting.Net;

namespace Monitor.Ingestion.Polling;

/// <summary>What one HTTP request for a feed brought back.</summary>
/// <param name="MaxAge">The response's Cache-Control max-age, when it gave one.</param>
public sealed record FetchResult(bool NotModified, byte[] Content, string? ETag, string? LastModified, TimeSpan? MaxAge = null)
{
    /// <summary>The URL that answered, after redirects.</summary>
    public Uri? FinalUrl { get; init; }
}

/// <summary>A poll that failed: the message says why, in words an operator can act on.</summary>
/// <param name="RetryAt">Not before: a Retry-After the server sent (429, 503) or the rate limit's next free permit.</param>
public sealed class FeedFetchException(string message, Exception? inner = null, DateTimeOffset? retryAt = null) : Exception(message, inner)
{
    public DateTimeOffset? RetryAt { get; } = retryAt;
}

/// <summary>
/// Fetches a feed (conditional GET) or an article page through the guarded client: addresses checked at connect time
/// (<see cref="NetworkGuard"/>), redirects followed by hand and capped, a total timeout per request, the body capped
/// while it streams in. Anything but a real body or a 304 is a failed poll, never "no news".
/// </summary>
public sealed class FeedFetcher(HttpClient http, IOptions<IngestionOptions> options, EndpointRateLimiter rateLimiter, TimeProvider time)
{
    private const int ChunkSize = 64 * 1024;

    private IngestionOptions Settings => options.Value;

    public async Task<FetchResult> FetchAsync(SourceRow source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = await SendAsync(new Uri(source.Url), source.Adapter, source.ETag, source.LastModified, Settings.MaxFeedBytes, cancellationToken);
        if (!result.NotModified)
        {
            RejectNonFeed(source.Url, result.Content);
        }

        return result;
    }

    /// <summary>
    /// A page of a source's archive (backfill): no conditional GET, the feed's guards and cap. An empty answer (204, or
    /// 200 with no body) is the end of a list, as the EP Open Data API answers past its last item: empty content.
    /// </summary>
    public async Task<FetchResult> FetchArchivePageAsync(Uri url, string adapter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var result = await SendAsync(url, adapter, null, null, Settings.MaxFeedBytes, cancellationToken, emptyIsEnd: true);
        if (result.Content.Length > 0)
        {
            RejectNonFeed(url.ToString(), result.Content);
        }

        return result;
    }

    /// <summary>
    /// Any URL an administrator gives to add a source (a feed or an HTML page linking to one): the feed's guards, cap
    /// and timeout (as adapter <paramref name="adapter"/>), no conditional GET, no judgement of the content.
    /// </summary>
    public Task<FetchResult> FetchForDiscoveryAsync(Uri url, string adapter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        return SendAsync(url, adapter, null, null, Settings.MaxFeedBytes, cancellationToken);
    }

    /// <summary>An article page, for the full text of a feed item (no conditional GET, same guards, its own size cap).</summary>
    public async Task<string> FetchPageAsync(Uri url, string adapter, CancellationToken cancellationToken)
    {
        var result = await SendAsync(url, adapter, null, null, Math.Min(Settings.MaxArticleBytes, Settings.MaxFeedBytes), cancellationToken);
        return Encoding.UTF8.GetString(result.Content);
    }

    private async Task<FetchResult> SendAsync(Uri url, string adapter, string? etag, string? lastModified, long maxBytes, CancellationToken cancellationToken, bool emptyIsEnd = false)
    {
        var timeout = Settings.TimeoutFor(adapter);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await FollowRedirectsAsync(url, adapter, etag, lastModified, deadline.Token);
            return await ReadAsync(response, url, etag, lastModified, maxBytes, deadline.Token, emptyIsEnd);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FeedFetchException($"Request to {url} timed out after {timeout.TotalSeconds:0} s (the total time allowed for adapter '{adapter}')", ex);
        }
        catch (HttpRequestException ex)
        {
            var refused = FindRefusal(ex);
            throw new FeedFetchException(refused is null ? $"Request to {url} failed: {ex.Message}" : $"Request to {url} {refused.Message}", ex);
        }
    }

    private async Task<HttpResponseMessage> FollowRedirectsAsync(Uri url, string adapter, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        var start = url;
        var visited = new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        for (var redirects = 0; ; redirects++)
        {
            if (rateLimiter.TryAcquire(adapter, url) is { } wait)
            {
                throw new FeedFetchException(
                    $"Rate limit for {EndpointRateLimiter.EndpointOf(url)} reached ({Settings.RateLimitPermits} requests per {Settings.RateLimitWindow.TotalMinutes:0.#} min); not sent",
                    retryAt: time.GetUtcNow() + wait);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            if (lastModified is not null && DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, out var since))
            {
                request.Headers.IfModifiedSince = since;
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            using (response)
            {
                var location = response.Headers.Location
                    ?? throw new FeedFetchException($"HTTP {(int)response.StatusCode} from {url} without a Location to follow");
                var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                {
                    throw new FeedFetchException($"Redirect from {url} to {next}: only http and https are followed");
                }

                if (!visited.Add(next.AbsoluteUri))
                {
                    throw new FeedFetchException($"Redirect loop: {url} redirects to {next}, which was already visited");
                }

                if (redirects >= Settings.MaxRedirects)
                {
                    throw new FeedFetchException($"Too many redirects: more than {Settings.MaxRedirects} starting from {start}");
                }

                url = next;
            }
        }
    }

    private async Task<FetchResult> ReadAsync(HttpResponseMessage response, Uri url, string? etag, string? lastModified, long maxBytes, CancellationToken cancellationToken, bool emptyIsEnd = false)
    {
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new FetchResult(true, [], etag, lastModified, response.Headers.CacheControl?.MaxAge);
        }

        if (!response.IsSuccessStatusCode)
        {
            var retryAt = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable ? RetryAt(response) : null;
            var retry = retryAt is null ? "" : $"; the server asks to retry after {retryAt:u}";
            throw new FeedFetchException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {url}{retry}", retryAt: retryAt);
        }

        var content = await ReadCappedAsync(response, url, maxBytes, cancellationToken);
        if (emptyIsEnd && response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent && content.Length == 0)
        {
            return new FetchResult(false, [], null, null);
        }

        if (content.Length == 0 || response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.NoContent)
        {
            var what = content.Length == 0 ? "with an empty body" : "instead of the content";
            throw new FeedFetchException($"HTTP {(int)response.StatusCode} {what} from {url}: the site did not serve the feed (a failed poll, not \"no news\")");
        }

        return new FetchResult(false, content, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"),
            response.Headers.CacheControl?.MaxAge) { FinalUrl = response.RequestMessage?.RequestUri ?? url };
    }

    /// <summary>Streams the body in, failing as soon as it passes the cap; a body announced as too big is not read.</summary>
    private async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, Uri url, long max, CancellationToken cancellationToken)
    {
        var name = max == Settings.MaxFeedBytes ? "MaxFeedBytes" : "MaxArticleBytes";
        if (response.Content.Headers.ContentLength is { } announced && announced > max)
        {
            throw new FeedFetchException($"{url} announces {announced:N0} bytes, more than {name} ({max:N0}); not read");
        }

        // Pooled 64 KB chunks, copied once into the result: a body refused at the cap allocates nothing that stays.
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var chunks = new List<(byte[] Buffer, int Length)>();
        long total = 0;
        long? started = null;
        try
        {
            while (true)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
                chunks.Add((chunk, 0));

                // The first byte may be long in coming (a server that computes its answer after the headers): only the
                // total timeout bounds it. From the first byte on, the body must keep coming.
                var read = started is { } since
                    ? await ReadWithProgressAsync(body, chunk, url, since, total, cancellationToken)
                    : await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken);
                started ??= time.GetTimestamp();
                chunks[^1] = (chunk, read);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > max)
                {
                    throw new FeedFetchException($"{url} sent more than {name} ({max:N0} bytes); stopped reading");
                }

                TooSlow(url, started.Value, total);
            }

            var content = new byte[total];
            var offset = 0;
            foreach (var (buffer, length) in chunks)
            {
                buffer.AsSpan(0, length).CopyTo(content.AsSpan(offset));
                offset += length;
            }

            return content;
        }
        finally
        {
            foreach (var (buffer, _) in chunks)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// One read of the body, given no more than <see cref="IngestionOptions.SlowBodyGrace"/> to bring a byte: time to
    /// progress, not only the total timeout, decides how long a slow server holds a poll.
    /// </summary>
    private async Task<int> ReadWithProgressAsync(Stream body, byte[] chunk, Uri url, long started, long total, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(Settings.SlowBodyGrace);
        try
        {
            return await body.ReadAsync(chunk.AsMemory(0, ChunkSize), stall.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw SlowBody(url, started, total);
        }
    }

    /// <summary>Past the grace period, a body arriving slower on average than the minimum rate fails the fetch.</summary>
    private void TooSlow(Uri url, long started, long total)
    {
        var elapsed = time.GetElapsedTime(started);
        if (elapsed > Settings.SlowBodyGrace && total < Settings.MinBodyBytesPerSecond * elapsed.TotalSeconds)
        {
            throw SlowBody(url, started, total);
        }
    }

    private FeedFetchException SlowBody(Uri url, long started, long total) =>
        new($"{url} sent {total:N0} bytes in {time.GetElapsedTime(started).TotalSeconds:0.0} s, less than {Settings.MinBodyBytesPerSecond:N0} bytes/s; stopped reading");

    /// <summary>An HTML page or an error document where a feed was expected is a failed poll with its own message.</summary>
    private static void RejectNonFeed(string url, byte[] content)
    {
        var head = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 512)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (head.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
        {
            throw new FeedFetchException($"{url} served an HTML page where a feed was expected (a block page, a login or a JavaScript check?)");
        }

        if (head.StartsWith('{') && ErrorInJson(content) is { } error)
        {
            throw new FeedFetchException($"{url} answered with an error body instead of a feed: {error}");
        }
    }

    private static string? ErrorInJson(byte[] content)
    {
        try
        {
            using var json = JsonDocument.Parse(content);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && (json.RootElement.TryGetProperty("error", out var error) || json.RootElement.TryGetProperty("errors", out error)))
            {
                var text = error.ValueKind == JsonValueKind.String ? error.GetString() ?? "" : error.GetRawText();
                return text.Length > 300 ? text[..300] + "..." : text;
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: the adapter says what is wrong with it.
        }

        return null;
    }

    private DateTimeOffset? RetryAt(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => time.GetUtcNow() + delta,
        { Date: { } date } => date,
        _ => null,
    };

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static AddressRefusedException? FindRefusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is AddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
