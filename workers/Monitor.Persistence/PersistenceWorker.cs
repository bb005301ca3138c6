using MassTransit;
using Monitor.Hosting;
using Monitor.Hosting.Messaging;
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

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<StoreStatementConsumer>().Endpoint(e => e.Name = PipelineQueues.StoreStatement);
        bus.AddConsumer<StoreBackfilledStatementConsumer>().Endpoint(e =>
        {
            // Sent to by name only: bound to the message type's exchange it would also get every live one published.
            e.Name = PipelineQueues.StoreStatementBackfill;
            e.ConfigureConsumeTopology = false;
        });
    }
}
