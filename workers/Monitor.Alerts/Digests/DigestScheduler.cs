using Microsoft.Extensions.Options;
using Monitor.Alerts.Delivery;
using Monitor.Data.Alerts;

namespace Monitor.Alerts.Digests;

/// <summary>
/// Closes due digests every <see cref="AlertsOptions.DigestPollInterval"/>: for each subscription whose waiting alerts
/// are due, takes them and queues one delivery per channel with all of them (<see cref="DigestStore.CloseAsync"/>).
/// The delivery dispatcher sends those like any other delivery. Any number of Alerts processes may run this at once:
/// taking an alert is atomic, so none is sent in two digests.
/// </summary>
public sealed partial class DigestScheduler(
    DigestStore store, DeliverySignal deliveries, IOptions<AlertsOptions> options, TimeProvider time, ILogger<DigestScheduler> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.DigestPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    /// <summary>One pass: closes the digests due now.</summary>
    /// <returns>The number of subscriptions looked at.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.ListDueSubscriptionsAsync(now, BatchSize, cancellationToken);
        var emailEnabled = options.Value.Smtp.Enabled;
        foreach (var subscriptionId in due)
        {
            var batch = await store.CloseAsync(subscriptionId, now, emailEnabled, cancellationToken);
            if (batch.Deliveries.Count > 0)
            {
                // Committed and due now: wake the dispatcher rather than leave it to its next poll.
                deliveries.Notify();
            }

            if (batch.AlertIds.Count > 0)
            {
                LogClosed(subscriptionId, batch.AlertIds.Count, string.Join(", ", batch.Deliveries.Select(d => d.Channel)));
            }
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest of subscription {SubscriptionId} closed: {AlertCount} alerts, queued for [{Channels}]")]
    private partial void LogClosed(long subscriptionId, int alertCount, string channels);

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing due digests failed; trying again at the next interval")]
    private partial void LogFailed(Exception exception);
}
