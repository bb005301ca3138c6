using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Data.Sources;
using Monitor.Ingestion;
using Monitor.Ingestion.Polling;

namespace Monitor.Workers.Tests.Polling;

/// <summary>A clock a test moves by hand.</summary>
public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The guarded fetcher exactly as Ingestion registers it, with test settings.</summary>
public static class FetcherHarness
{
    public static ServiceProvider Services(Action<IngestionOptions> configure, TimeProvider? time = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(time ?? TimeProvider.System);
        services.AddOptions<IngestionOptions>().Configure(configure);
        services.AddIngestionPolling();
        more?.Invoke(services);
        return services.BuildServiceProvider(true);
    }

    public static FeedFetcher Fetcher(this ServiceProvider services) => services.GetRequiredService<FeedFetcher>();

    public static SourceRow Source(Uri url, string adapter = "rss", string? etag = null) =>
        new() { Id = "hostile", Name = "Hostile", Url = url.ToString(), Adapter = adapter, PollIntervalSeconds = 60, ETag = etag };

    public static void AllowTestFeeds(IngestionOptions options) => options.AllowedNetworks.Add("127.0.0.1/32");

    public static IOptions<IngestionOptions> Options(this ServiceProvider services) => services.GetRequiredService<IOptions<IngestionOptions>>();
}

/// <summary>Counts the body bytes the fetcher actually read from the network.</summary>
public sealed class BodyCountingHandler : DelegatingHandler
{
    private long _bytesRead;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var original = response.Content;
        var counted = new StreamContent(new CountingStream(await original.ReadAsStreamAsync(cancellationToken), this));
        foreach (var header in original.Headers)
        {
            counted.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = counted;
        return response;
    }

    private sealed class CountingStream(Stream inner, BodyCountingHandler owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Interlocked.Add(ref owner._bytesRead, read);
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Interlocked.Add(ref owner._bytesRead, read);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
