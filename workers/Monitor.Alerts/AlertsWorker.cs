using MassTransit;
using Monitor.Hosting;
using Monitor.Hosting.Messaging;

namespace Monitor.Alerts;

public static class AlertsWorker
{
    public static IHostApplicationBuilder AddAlertsWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<AlertsOptions>(builder.Configuration.GetSection(AlertsOptions.SectionName));
        builder.Services.AddOutboxRelay();
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
    }
}
