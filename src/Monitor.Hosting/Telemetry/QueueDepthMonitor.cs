using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitor.Hosting.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Monitor.Hosting.Telemetry;

/// <summary>
/// Asks RabbitMQ every 15 s how many messages wait in each pipeline queue and its error queue, and how many consumers
/// each has (a passive declare: it reads, never creates), for the <c>monitor_queue_messages</c> and
/// <c>monitor_queue_consumers</c> gauges. Over AMQP, so it needs no management plugin. Every process of the
/// distributed setup reports the same queues; a dashboard takes the max per queue.
/// </summary>
public sealed partial class QueueDepthMonitor(MessagingOptions options, ILogger<QueueDepthMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(15);

    public static IReadOnlyList<string> Queues { get; } =
        PipelineQueues.All.Concat(PipelineQueues.All.Select(q => q + "_error")).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rabbit = options.RabbitMq;
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.Password,
            ClientProvidedName = "monitor-queue-depth",
        };
        IConnection? connection = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (connection is not { IsOpen: true })
                    {
                        if (connection is not null)
                        {
                            await connection.DisposeAsync();
                        }

                        connection = await factory.CreateConnectionAsync(stoppingToken);
                    }

                    foreach (var queue in Queues)
                    {
                        await MeasureAsync(connection, queue, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException)
                {
                    // The broker is away (a restart): the gauges keep their last values until it answers again.
                    LogUnreachable(ex.Message);
                }

                await Task.Delay(Every, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task MeasureAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel (404): one channel per queue.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            MonitorMetrics.QueueObserved(queue, ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            MonitorMetrics.QueueObserved(queue, null, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue depths not read: {Error}")]
    private partial void LogUnreachable(string error);
}
