namespace Monitor.Hosting.Messaging;

public enum Transport
{
    InMemory,
    RabbitMq,
}

/// <summary>Bound from the <c>Messaging</c> section. With no configuration the in-memory transport is used.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    public Transport Transport { get; set; } = Transport.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>Messages fetched ahead per receive endpoint.</summary>
    public int PrefetchCount { get; set; } = 32;

    /// <summary>Messages handled at once per receive endpoint; defaults to the prefetch count.</summary>
    public int? ConcurrentMessageLimit { get; set; }

    /// <summary>Messages fetched ahead per backfill endpoint (<see cref="PipelineQueues.Backfill"/>).</summary>
    public int BackfillPrefetchCount { get; set; } = 16;

    /// <summary>Backfilled messages handled at once per endpoint: few, so history never takes the live path's CPU.</summary>
    public int BackfillConcurrentMessageLimit { get; set; } = 2;

    /// <summary>
    /// Messages fetched ahead and handled at once on <c>store-statement</c>. Each is a <c>StatementsTagged</c> of up to
    /// <see cref="PrefetchCount"/> statements (Tagging's consumers publish together what they tagged at once), and
    /// Persistence writes what it holds in batches of up to 200: 32 messages keep its batches full in a burst and bound
    /// what one process holds to about a thousand statements.
    /// </summary>
    public int StorePrefetchCount { get; set; } = 32;

    /// <summary>
    /// A message whose handling fails because the database is unreachable is retried until it is back, at most this
    /// far apart; it never goes to the error queue for that.
    /// </summary>
    public TimeSpan TransientRetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";

    public ushort Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";

    /// <summary>
    /// Declare the pipeline's queues (tag-statement, store-statement, match-subscriptions) as quorum queues, replicated
    /// across a RabbitMQ cluster's nodes. Only for a new broker or vhost: RabbitMQ cannot change an existing queue's type.
    /// </summary>
    public bool QuorumQueues { get; set; }

    /// <summary>RabbitMQ's management API, for the admin page's error queues; by default port 15672 of <see cref="Host"/>.</summary>
    public string? ManagementUrl { get; set; }
}
