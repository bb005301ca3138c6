using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;

namespace Monitor.Testing;

/// <summary>
/// A MassTransit bus on a test's RabbitMQ virtual host that publishes into the pipeline as Ingestion does (the load
/// tool does the same): a published <see cref="StatementsDiscovered"/> goes to Tagging, then Persistence, then the
/// dashboards. It binds the Tagging queue to the message's exchange, as every Monitor process does, so a statement
/// published before Tagging has ever run waits in its queue.
/// </summary>
public sealed class PipelineBus : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IBusControl _bus;

    private PipelineBus(ServiceProvider provider, IBusControl bus)
    {
        _provider = provider;
        _bus = bus;
    }

    public static Task<PipelineBus> StartAsync(RabbitMqVirtualHost rabbit) =>
        StartAsync(rabbit.Host, rabbit.Port, rabbit.Name, rabbit.Username, rabbit.Password);

    /// <summary>On a broker given by its address (a test's own RabbitMQ node).</summary>
    public static async Task<PipelineBus> StartAsync(string host, int port, string virtualHost, string username, string password)
    {
        var services = new ServiceCollection();
        services.AddMassTransit(x => x.DisableUsageTelemetry().UsingRabbitMq((_, cfg) =>
        {
            cfg.Host(host, (ushort)port, virtualHost, h =>
            {
                h.Username(username);
                h.Password(password);
            });
            cfg.Publish<StatementsDiscovered>(p => p.BindQueue($"{typeof(StatementsDiscovered).Namespace}:{nameof(StatementsDiscovered)}", "tag-statement"));
        }));
        var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await bus.StartAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await provider.DisposeAsync();
            throw new InvalidOperationException(TestServices.Unavailable("RabbitMQ", ex), ex);
        }

        return new PipelineBus(provider, bus);
    }

    /// <summary>Publishes one discovered statement, as a poll that found one new item does.</summary>
    public Task PublishAsync(StatementDiscovered statement, CancellationToken cancellationToken = default) =>
        _bus.Publish(new StatementsDiscovered([statement]), cancellationToken);

    public Task PublishAsync<T>(T message, CancellationToken cancellationToken = default)
        where T : class =>
        _bus.Publish(message, cancellationToken);

    /// <summary>A discovered statement with a unique external id and content hash, as Ingestion would publish it.</summary>
    public static StatementDiscovered Statement(string sourceId, string title, string body, string? summary = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        return new StatementDiscovered(sourceId, $"test-{id}", $"https://example.org/statements/{id}", title, summary ?? body, body,
            now, "en", $"hash-{id}", now);
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        await _provider.DisposeAsync();
    }
}
