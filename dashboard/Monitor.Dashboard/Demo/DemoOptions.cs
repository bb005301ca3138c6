namespace Monitor.Dashboard.Demo;

/// <summary>Bound from the <c>Demo</c> section. <c>--Demo:Enabled=true</c> turns the demo on.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    /// <summary>A new simulated statement appears this often (over all demo feeds), and the demo feeds are polled this often.</summary>
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>
    /// The port of the in-process feed simulator on 127.0.0.1. Fixed by default because the demo feeds' URLs are
    /// stored with the sources (seeded once), so a restart on the same database must find them at the same place;
    /// 0 picks a free port at start (for a throwaway database).
    /// </summary>
    public int SimulatorPort { get; set; } = 5088;
}
