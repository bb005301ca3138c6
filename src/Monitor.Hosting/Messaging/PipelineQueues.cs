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

    public static readonly IReadOnlyList<string> All = [TagStatement, StoreStatement, MatchSubscriptions];

    /// <param name="quorum">Declare them as quorum queues (<see cref="RabbitMqOptions.QuorumQueues"/>); the consumers'
    /// endpoints must say the same, or RabbitMQ refuses the second declaration.</param>
    internal static void BindPipelineQueues(this IRabbitMqBusFactoryConfigurator cfg, bool quorum)
    {
        cfg.BindQueue<StatementDiscovered>(TagStatement, quorum);
        cfg.BindQueue<StatementTagged>(StoreStatement, quorum);
        cfg.BindQueue<StatementStored>(MatchSubscriptions, quorum);
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
