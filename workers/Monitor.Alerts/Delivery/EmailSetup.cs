using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitor.Alerts.Digests;
using Monitor.Data.Alerts;

namespace Monitor.Alerts.Delivery;

public static class EmailSetup
{
    /// <summary>
    /// The email channel and the digest scheduler. The channel is registered whether or not SMTP is configured: without
    /// <c>Alerts:Smtp:Host</c> nothing queues email, and a send refuses with a clear, permanent error.
    /// </summary>
    public static IServiceCollection AddEmailAndDigests(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DigestStore>();
        services.TryAddSingleton<DeliverySignal>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryChannel, EmailChannel>());
        services.AddHostedService<DigestScheduler>();
        return services;
    }
}
