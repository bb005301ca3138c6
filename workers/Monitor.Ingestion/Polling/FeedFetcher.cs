using System.Net;
using System.Net.Http.Headers;
using Monitor.Data.Sources;

namespace Monitor.Ingestion.Polling;

/// <summary>What one HTTP request for a feed brought back.</summary>
public sealed record FetchResult(bool NotModified, byte[] Content, string? ETag, string? LastModified);

/// <summary>A poll that failed: the message says why, in words an operator can act on.</summary>
public sealed class FeedFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Fetches a feed with a conditional GET. Anything but a real body or a 304 is a failed poll, never "no news".</summary>
public sealed class FeedFetcher(HttpClient http)
{
    public async Task<FetchResult> FetchAsync(SourceRow source, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);
        if (source.ETag is not null && EntityTagHeaderValue.TryParse(source.ETag, out var etag))
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        if (source.LastModified is not null && DateTimeOffset.TryParse(source.LastModified, System.Globalization.CultureInfo.InvariantCulture, out var lastModified))
        {
            request.Headers.IfModifiedSince = lastModified;
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new FeedFetchException($"Request to {source.Url} failed: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FeedFetchException($"Request to {source.Url} timed out after {http.Timeout.TotalSeconds:0} s", ex);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchResult(true, [], source.ETag, source.LastModified);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new FeedFetchException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {source.Url}");
            }

            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.NoContent || content.Length == 0)
            {
                throw new FeedFetchException($"HTTP {(int)response.StatusCode} with an empty body from {source.Url}: the site did not serve the feed");
            }

            return new FetchResult(false, content, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
        }
    }
}
