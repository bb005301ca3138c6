using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Monitor.Hosting;

/// <summary>
/// Runs a singleton that consumers also take as a dependency (a batcher, a publisher) as a hosted service, once per
/// process however many times it is registered: the embedded setup adds every worker's consumers to one process.
/// </summary>
public static class HostedSingleton
{
    public static IServiceCollection TryAddHostedSingleton<T>(this IServiceCollection services)
        where T : class, IHostedService
    {
        services.TryAddSingleton<T>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Host<T>>());
        return services;
    }

    private sealed class Host<T>(T service) : IHostedService
        where T : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => service.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => service.StopAsync(cancellationToken);
    }
}
