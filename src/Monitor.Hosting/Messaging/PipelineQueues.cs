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

    internal static void BindPipelineQueues(this IRabbitMqBusFactoryConfigurator cfg)
    {
        cfg.BindQueue<StatementDiscovered>(TagStatement);
        cfg.BindQueue<StatementTagged>(StoreStatement);
        cfg.BindQueue<StatementStored>(MatchSubscriptions);
    }

    /// <summary>
    /// Binds the queue straight to the message type's exchange (MassTransit names it Namespace:Type). The consumer
    /// later adds its own route through the endpoint exchange; RabbitMQ still delivers each message to a queue once.
    /// </summary>
    private static void BindQueue<T>(this IRabbitMqBusFactoryConfigurator cfg, string queue)
        where T : class =>
        cfg.Publish<T>(p => p.BindQueue($"{typeof(T).Namespace}:{typeof(T).Name}", queue));
}
