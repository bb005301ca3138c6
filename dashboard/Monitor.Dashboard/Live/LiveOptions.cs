namespace Monitor.Dashboard.Live;

/// <summary>Bound from the <c>Live</c> section: the buffers between the bus and the SignalR clients.</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>
    /// Pushes a connection may have waiting beyond what its socket and transport buffer hold. A client that falls
    /// this far behind is disconnected; it reconnects and catches up over <c>GET /api/live/since</c>.
    /// </summary>
    public int ClientQueueCapacity { get; set; } = 128;

    /// <summary>Events from the bus waiting for the broadcaster; when full the oldest is dropped (logged and counted).</summary>
    public int BroadcastQueueCapacity { get; set; } = 10_000;
}
