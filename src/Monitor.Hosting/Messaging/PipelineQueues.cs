using MassTransit;
using Monitor.Contracts;

namespace Monitor.Hosting.Messaging;

/// <summary>
/// The durable queues of the pipeline, one per worker step. Every process declares them when it first publishes
/// the message they consume, so a statement published before its consumer has ever started waits in its queue
/// instead of being dropped by RabbitMQ.
/// </summary>
public static class PipelineQueues
{
    public const string TagStatement = "tag-statement";
    public const string StoreStatement = "store-statement";
    public const string MatchSubscriptions = "match-subscriptions";

    /// <summary>Alerts' "event" subscriptions: the event clustering's committed pages (<see cref="StatementsGrouped"/>).</summary>
    public const string MatchEventSubscriptions = "match-event-subscriptions";

    public static readonly IReadOnlyList<string> All = [TagStatement, StoreStatement, MatchSubscriptions, MatchEventSubscriptions];

    /// <summary>
    /// The backfill's own path (statements found in archives, <see cref="StatementDiscovered.Backfill"/>): sent, not
    /// published, to these queues, consumed with fewer messages at a time, so live statements never wait behind history.
    /// Declared by their first send and their consumers (classic durable queues).
    /// </summary>
    public const string TagStatementBackfill = "tag-statement-backfill";

    public const string StoreStatementBackfill = "store-statement-backfill";

    public static readonly IReadOnlyList<string> Backfill = [TagStatementBackfill, StoreStatementBackfill];

    public static readonly Uri TagStatementBackfillAddress = new($"queue:{TagStatementBackfill}");

    public static readonly Uri StoreStatementBackfillAddress = new($"queue:{StoreStatementBackfill}");

    /// <param name="quorum">Declare them as quorum queues (<see cref="RabbitMqOptions.QuorumQueues"/>); the consumers'
    /// endpoints must say the same, or RabbitMQ refuses the second declaration.</param>
    internal static void BindPipelineQueues(this IRabbitMqBusFactoryConfigurator cfg, bool quorum)
    {
        cfg.BindQueue<StatementsDiscovered>(TagStatement, quorum);
        cfg.BindQueue<StatementsTagged>(StoreStatement, quorum);
        cfg.BindQueue<StatementsStored>(MatchSubscriptions, quorum);
        cfg.BindQueue<StatementsGrouped>(MatchEventSubscriptions, quorum);
    }

    /// <summary>
    /// Binds the queue straight to the message type's exchange (MassTransit names it Namespace:Type). The consumer
    /// later adds its own route through the endpoint exchange; RabbitMQ still delivers each message to a queue once.
    /// </summary>
    private static void BindQueue<T>(this IRabbitMqBusFactoryConfigurator cfg, string queue, bool quorum)
        where T : class =>
        cfg.Publish<T>(p => p.BindQueue($"{typeof(T).Namespace}:{typeof(T).Name}", queue, q =>
        {
            if (quorum)
            {
                q.SetQuorumQueue();
            }
        }));
}
