using Monitor.Hosting;

namespace Monitor.Alerts.Delivery;

/// <summary>Wakes the dispatcher right after a commit that queued a send due now, so it does not wait for its next poll.</summary>
public sealed class DeliverySignal : WakeSignal;
