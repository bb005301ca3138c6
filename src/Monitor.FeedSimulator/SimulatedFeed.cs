namespace Monitor.FeedSimulator;

/// <summary>
/// One feed on the simulator: its items (newest first, the latest <see cref="FeedSimulator.ItemsPerFeed"/> listed),
/// its version for conditional GET, and the fault it currently shows. Thread-safe.
/// </summary>
public sealed class SimulatedFeed
{
    private readonly List<SimulatedItem> _items = [];
    private readonly Lock _lock = new();
    private readonly int _listed;
    private long _requests;
    private long _notModified;
    private (long Version, string ContentType, byte[] Body)? _rendered;

    internal SimulatedFeed(string id, FeedShape shape, Uri url, int listed)
    {
        Id = id;
        Shape = shape;
        Url = url;
        _listed = listed;
    }

    public string Id { get; }

    public FeedShape Shape { get; }

    /// <summary>Where the feed is served.</summary>
    public Uri Url { get; }

    /// <summary>Changes whenever an item is added: the ETag.</summary>
    public long Version { get; private set; }

    /// <summary>When the content last changed, to the second: Last-Modified.</summary>
    public DateTimeOffset LastChanged { get; private set; } = TruncateToSeconds(DateTimeOffset.UtcNow);

    public FeedFault Fault { get; private set; }

    /// <summary>How long <see cref="FeedFault.Slow"/> waits before answering.</summary>
    public TimeSpan Delay { get; private set; } = TimeSpan.FromSeconds(5);

    public Uri RedirectTarget { get; private set; } = new("http://10.0.0.1/feed.xml");

    /// <summary>Every request for the feed, whatever the answer.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered 304 Not Modified.</summary>
    public long NotModified => Interlocked.Read(ref _notModified);

    public string ETag => $"\"{Id}-{Version}\"";

    /// <summary>Every item added so far, newest first (the feed itself lists only the latest few).</summary>
    public IReadOnlyList<SimulatedItem> AllItems
    {
        get
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }
    }

    /// <summary>The items the feed lists now, newest first.</summary>
    public IReadOnlyList<SimulatedItem> Listed
    {
        get
        {
            lock (_lock)
            {
                return _items.Take(_listed).ToList();
            }
        }
    }

    public void Break(FeedFault fault, TimeSpan? delay = null, Uri? redirectTarget = null)
    {
        lock (_lock)
        {
            Fault = fault;
            Delay = delay ?? Delay;
            RedirectTarget = redirectTarget ?? RedirectTarget;
        }
    }

    public void Heal() => Break(FeedFault.None);

    internal void Add(SimulatedItem item, DateTimeOffset now)
    {
        lock (_lock)
        {
            _items.Insert(0, item);
            Version++;
            LastChanged = TruncateToSeconds(now);
        }
    }

    internal SimulatedItem? FindByPath(string path)
    {
        lock (_lock)
        {
            return _items.FirstOrDefault(i => string.Equals(i.Path, path, StringComparison.Ordinal));
        }
    }

    internal void CountRequest(bool notModified)
    {
        Interlocked.Increment(ref _requests);
        if (notModified)
        {
            Interlocked.Increment(ref _notModified);
        }
    }

    /// <summary>The body for the current version, rendered once per version: 1,000 feeds polled often stay cheap.</summary>
    internal (long Version, string ContentType, byte[] Body) Render(Func<SimulatedFeed, IReadOnlyList<SimulatedItem>, (string ContentType, byte[] Body)> render)
    {
        lock (_lock)
        {
            if (_rendered is { } cached && cached.Version == Version)
            {
                return cached;
            }

            var (contentType, body) = render(this, _items.Take(_listed).ToList());
            _rendered = (Version, contentType, body);
            return _rendered.Value;
        }
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());
}
