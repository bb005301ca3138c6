using System.Collections.Concurrent;
using MassTransit;

namespace Monitor.LoadTest;

/// <summary>The baseline's message: published and consumed by this process, one RabbitMQ hop.</summary>
public sealed record LoadProbe(int Index, DateTimeOffset SentAt);

public sealed class BaselineConsumer : IConsumer<LoadProbe>
{
    public static ConcurrentBag<(int Index, TimeSpan Latency)> Received { get; } = [];

    public Task Consume(ConsumeContext<LoadProbe> context)
    {
        Received.Add((context.Message.Index, DateTimeOffset.UtcNow - context.Message.SentAt));
        return Task.CompletedTask;
    }
}
