using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Monitor.Data;

namespace Monitor.Hosting.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Adds MassTransit on the configured transport with the given consumers. The same consumers run over RabbitMQ
    /// in the distributed setup and over the in-memory transport in the embedded one.
    /// </summary>
    public static IHostApplicationBuilder AddMonitorMessaging(this IHostApplicationBuilder builder, params Action<IBusRegistrationConfigurator>[] consumers)
    {
        var options = builder.Configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>() ?? new MessagingOptions();
        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            // Pollers and relays start after the bus is up, so nothing publishes into a bus that isn't there.
            host.WaitUntilStarted = true;
            host.StopTimeout = TimeSpan.FromSeconds(30);
            // A consumer still busy 10 s into a stop is cancelled and its message returned to the queue. Without this, a
            // message retried through a database outage held the stop for the whole StopTimeout and stayed unacked.
            host.ConsumerStopTimeout = TimeSpan.FromSeconds(10);
        });

        builder.Services.AddMassTransit(x =>
        {
            // MassTransit 8.5 otherwise posts usage data (versions, OS, time zone, endpoint names) to its vendor about
            // 5 minutes after start, outside the network guard. Only MASSTRANSIT_USAGE_TELEMETRY=true turns it back on.
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            foreach (var add in consumers)
            {
                add(x);
            }

            x.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                if (options.Transport == Transport.RabbitMq && options.RabbitMq.QuorumQueues && PipelineQueues.All.Contains(name)
                    && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.SetQuorumQueue();
                }

                // A database outage of any length: the message is retried, unacknowledged, until the database is back,
                // so the consumer pauses (its slots stay busy, nothing more is fetched past the prefetch) instead of
                // moving message after message to <queue>_error. 8 retries (about 28 s) lost 32 of 3,000 statements
                // to a 45 s PostgreSQL stop.
                endpoint.UseMessageRetry(r =>
                {
                    r.Handle<Exception>(Database.IsTransient);
                    r.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(200), options.TransientRetryMaxInterval, TimeSpan.FromMilliseconds(500));
                });

                // Anything else (a bug, a message that cannot be stored) has 8 tries, then goes to the error queue.
                endpoint.UseMessageRetry(r =>
                {
                    r.Ignore<Exception>(Database.IsTransient);
                    r.Exponential(8, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
                });
                var backfill = PipelineQueues.Backfill.Contains(name);
                endpoint.PrefetchCount = backfill ? options.BackfillPrefetchCount : options.PrefetchCount;
                endpoint.ConcurrentMessageLimit = backfill ? options.BackfillConcurrentMessageLimit : options.ConcurrentMessageLimit ?? options.PrefetchCount;
                if (name == PipelineQueues.StoreStatement)
                {
                    // Persistence writes what its consumers hold in batches: as many in hand as one batch may take.
                    endpoint.PrefetchCount = options.StorePrefetchCount;
                    endpoint.ConcurrentMessageLimit = options.StorePrefetchCount;
                }
            });

            if (options.Transport == Transport.RabbitMq)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    var rabbit = options.RabbitMq;
                    cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
                    {
                        h.Username(rabbit.Username);
                        h.Password(rabbit.Password);
                    });
                    cfg.BindPipelineQueues(rabbit.QuorumQueues);
                    cfg.ConfigureJsonSerializerOptions(Compact);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.ConfigureJsonSerializerOptions(Compact);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        if (options.Transport == Transport.RabbitMq)
        {
            // The queue-depth gauges (monitor_queue_messages, monitor_queue_consumers).
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Telemetry.QueueDepthMonitor>(
                services => ActivatorUtilities.CreateInstance<Telemetry.QueueDepthMonitor>(services, options)));
        }

        return builder;
    }

    // MassTransit writes its JSON indented by default: whitespace for the broker to store and every consumer to
    // read, for nobody to look at.
    private static System.Text.Json.JsonSerializerOptions Compact(System.Text.Json.JsonSerializerOptions options)
    {
        options.WriteIndented = false;
        return options;
    }
}
