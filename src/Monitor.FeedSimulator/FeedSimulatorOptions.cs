namespace Monitor.FeedSimulator;

/// <summary>How the simulator listens and how fast its feeds grow.</summary>
public sealed class FeedSimulatorOptions
{
    /// <summary>The loopback address it listens on. Only loopback: it is a test and demo tool.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Items a feed lists (the newest); older ones drop off the feed as real feeds do.</summary>
    public int ItemsPerFeed { get; set; } = 20;

    /// <summary>New items per minute over all feeds, given to the feeds in turn; 0 adds items only on request.</summary>
    public double ItemsPerMinute { get; set; }

    /// <summary>The statement writer's seed: the same seed writes the same statements.</summary>
    public int Seed { get; set; } = 2026;

    /// <summary>The generated archive under <c>/archive/</c> (<see cref="SimulatedArchive"/>): 100,000 items by default.</summary>
    public ArchiveOptions Archive { get; set; } = new();
}
