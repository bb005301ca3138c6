using System.Diagnostics;
using Microsoft.Extensions.Options;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Hosting.Telemetry;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// Sends due deliveries: every second, and at once when a new alert queues a send. Each Alerts process claims its
/// rows with a lease, so competing processes never send one delivery twice while the lease holds; a process killed
/// mid-send leaves its rows to be claimed again when the lease runs out (at least once: receivers dedupe on
/// <c>X-Monitor-Delivery</c>). A failure is retried after FirstRetryDelay × 2^(attempts − 1), capped at MaxRetryDelay,
/// ±20% jitter; after MaxAttempts, or at once for a permanent failure, the delivery is dead (its owner can replay it).
/// </summary>
public sealed partial class DeliveryDispatcher(
    DeliveryStore store, IEnumerable<IDeliveryChannel> channels, DeliverySignal signal, IOptions<AlertsOptions> options,
    TimeProvider time, ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 16;
    private const int Parallelism = 4;
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, IDeliveryChannel> _channels = channels.ToDictionary(c => c.Channel, StringComparer.Ordinal);

    /// <summary>The longest wait a receiver's Retry-After is honoured for (a longer one waits this, or MaxRetryDelay if longer).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// The wait before the next attempt after <paramref name="attempts"/> failed ones; <paramref name="random"/> in [0, 1).
    /// When the receiver asked for a wait (<paramref name="retryAfter"/>), at least that (up to <see cref="MaxRetryAfter"/>
    /// or MaxRetryDelay, whichever is longer).
    /// </summary>
    public static TimeSpan RetryDelay(AlertsOptions options, int attempts, double random, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = Math.Min(options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, exponent), options.MaxRetryDelay.TotalMilliseconds);
        var backoff = TimeSpan.FromMilliseconds(delay * (0.8 + 0.4 * random));
        if (retryAfter is not { } asked || asked <= backoff)
        {
            return backoff;
        }

        var cap = options.MaxRetryDelay > MaxRetryAfter ? options.MaxRetryDelay : MaxRetryAfter;
        return asked < cap ? asked : cap > backoff ? cap : backoff;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchBatchAsync(stoppingToken) == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDispatchFailed(ex);
            }

            await signal.WaitAsync(PollEvery, stoppingToken);
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        // The lease covers the batch's sends in turns of Parallelism, each up to SendTimeout, with room to record them.
        var lease = options.Value.SendTimeout * (BatchSize / Parallelism) + TimeSpan.FromSeconds(30);
        var batch = await store.ClaimDueAsync(BatchSize, lease, time.GetUtcNow(), cancellationToken);
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (delivery, token) => await SendAsync(delivery, token));
        return batch.Count;
    }

    private async Task SendAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        // Inside the trace the alert was raised in: its statement's trace goes on to the webhook's HTTP request.
        using var activity = ActivityContext.TryParse(delivery.TraceParent, null, out var parent)
            ? MonitorMetrics.Source.StartActivity($"send {delivery.Channel}", ActivityKind.Internal, parent)
            : null;
        var content = await store.LoadAsync(delivery, cancellationToken);
        if (content is null)
        {
            return;
        }

        // Queued before the owner was demoted to viewer or disabled: it goes to the dead letters (replayable if they
        // may subscribe again), not out.
        if (!content.Owner.MaySubscribe)
        {
            await FailAsync(delivery, new DeliveryException("The subscription is suspended: its owner is disabled or their role no longer allows subscriptions.",
                permanent: true), cancellationToken);
            return;
        }

        if (!_channels.TryGetValue(delivery.Channel, out var channel))
        {
            await FailAsync(delivery, new DeliveryException($"No '{delivery.Channel}' channel is configured in this Alerts process (for email: Alerts:Smtp:Host).", permanent: true), cancellationToken);
            return;
        }

        var owner = content.Owner;
        var message = new DeliveryMessage(delivery.Id, content.Subscription, new AlertRecipient(owner.UserId, owner.UserName, owner.DisplayName, owner.Email),
            content.Alerts, Digest: content.Subscription.Delivery != SubscriptionDelivery.Immediate || content.Alerts.Count > 1);
        try
        {
            await channel.SendAsync(message, cancellationToken);
        }
        catch (DeliveryException ex)
        {
            await FailAsync(delivery, ex, cancellationToken);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FailAsync(delivery, new DeliveryException(ex.Message, innerException: ex), cancellationToken);
            return;
        }

        await store.MarkDeliveredAsync(delivery, null, time.GetUtcNow(), cancellationToken);
        LogDelivered(delivery.Id, delivery.Channel, delivery.SubscriptionId, delivery.AlertIds.Count, delivery.Attempts + 1);
        MonitorMetrics.AlertDelivery(delivery.Channel, "delivered");
    }

    private async Task FailAsync(ClaimedDelivery delivery, DeliveryException failure, CancellationToken cancellationToken)
    {
        var attempts = delivery.Attempts + 1;
        if (failure.Permanent || attempts >= options.Value.MaxAttempts)
        {
            await store.MarkDeadAsync(delivery, failure.StatusCode, failure.Message, cancellationToken);
            LogDead(delivery.Id, delivery.Channel, delivery.SubscriptionId, attempts, failure.Message);
            MonitorMetrics.AlertDelivery(delivery.Channel, "dead");
            return;
        }

        var delay = RetryDelay(options.Value, attempts, Random.Shared.NextDouble(), failure.RetryAfter);
        await store.RecordFailureAsync(delivery, failure.StatusCode, failure.Message, time.GetUtcNow() + delay, cancellationToken);
        LogFailed(delivery.Id, delivery.Channel, delivery.SubscriptionId, attempts, failure.Message, delay);
        MonitorMetrics.AlertDelivery(delivery.Channel, "retry");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Channel}, subscription {SubscriptionId}, {Alerts} alerts) delivered on attempt {Attempt}")]
    private partial void LogDelivered(long deliveryId, string channel, long subscriptionId, int alerts, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Channel}, subscription {SubscriptionId}) attempt {Attempt} failed: {Error}; retrying in {Delay}")]
    private partial void LogFailed(long deliveryId, string channel, long subscriptionId, int attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} ({Channel}, subscription {SubscriptionId}) is dead after {Attempts} attempts: {Error}")]
    private partial void LogDead(long deliveryId, string channel, long subscriptionId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatching deliveries failed; the rows stay pending and are retried")]
    private partial void LogDispatchFailed(Exception exception);
}
