using Microsoft.Extensions.Options;
using Monitor.Data.Sources;

namespace Monitor.Ingestion.Polling;

/// <summary>
/// Registers the configured sources, then polls whichever are due, a few at a time. Claiming a due source is one
/// atomic UPDATE, so several Ingestion replicas share the work; a slow source holds one slot, never the others.
/// </summary>
public sealed partial class SourceScheduler(
    IOptions<IngestionOptions> options,
    SourceStore sources,
    SourceSeeder seeder,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<SourceScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var configured = settings.AllSources().ToList();
        await seeder.SeedAsync(configured, stoppingToken);
        LogStarted(configured.Count, string.Join(", ", configured.Select(s => s.Id)));

        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(task => task.IsCompleted);
            var free = settings.MaxConcurrentPolls - running.Count;
            if (free > 0)
            {
                try
                {
                    foreach (var source in await sources.ClaimDueAsync(time.GetUtcNow(), free, settings.PollLease, stoppingToken))
                    {
                        running.Add(PollAsync(source, stoppingToken));
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogClaimFailed(ex);
                }
            }

            try
            {
                await Task.Delay(settings.SchedulerTick, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(running);
    }

    private async Task PollAsync(SourceRow source, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(source, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {Count} configured sources: {Sources}")]
    private partial void LogStarted(int count, string sources);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not claim due sources; retrying")]
    private partial void LogClaimFailed(Exception exception);
}
