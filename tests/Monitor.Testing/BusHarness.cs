using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Monitor.Testing;

/// <summary>
/// MassTransit's in-memory test harness, started: the service provider built from services that called
/// <c>AddMassTransitTestHarness</c> (scopes validated), and the harness itself. Disposing stops the harness, then the
/// provider.
/// </summary>
public sealed class BusHarness : IAsyncDisposable
{
    private BusHarness(ServiceProvider services)
    {
        Services = services;
        Harness = services.GetRequiredService<ITestHarness>();
    }

    public ServiceProvider Services { get; }

    public ITestHarness Harness { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static Task<BusHarness> StartAsync(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return StartAsync(services.BuildServiceProvider(validateScopes: true));
    }

    /// <summary>Starts the harness of a provider already built (it is disposed with the harness).</summary>
    public static async Task<BusHarness> StartAsync(ServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var harness = new BusHarness(provider);
        try
        {
            await harness.Harness.Start();
            return harness;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await Services.DisposeAsync();
    }
}
