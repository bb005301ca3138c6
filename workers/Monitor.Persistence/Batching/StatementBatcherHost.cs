namespace Monitor.Persistence.Batching;

/// <summary>Runs the one <see cref="StatementBatcher"/> of the process as a hosted service.</summary>
internal sealed class StatementBatcherHost(StatementBatcher batcher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => batcher.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => batcher.StopAsync(cancellationToken);
}
