using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitor.Data.Outbox;
using Monitor.Hosting;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Messaging;
using Monitor.Persistence.Batching;
using Monitor.Persistence.Consumers;

namespace Monitor.Persistence;

public static class PersistenceWorker
{
    public static IHostApplicationBuilder AddPersistenceWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOutboxRelay();
        return builder;
    }

    /// <summary>The store consumers and the batcher live statements are handed to (a bus registration is a service collection).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.TryAddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions());
        bus.TryAddSingleton<OutboxStore>();
        bus.TryAddSingleton<OutboxPublisher>();
        bus.TryAddHostedSingleton<StatementBatcher>();
        bus.AddConsumer<StoreStatementConsumer>().Endpoint(e => e.Name = PipelineQueues.StoreStatement);
        bus.AddConsumer<StoreBackfilledStatementConsumer>().Endpoint(e =>
        {
            // Sent to by name only: bound to the message type's exchange it would also get every live one published.
            e.Name = PipelineQueues.StoreStatementBackfill;
            e.ConfigureConsumeTopology = false;
        });
    }
}
