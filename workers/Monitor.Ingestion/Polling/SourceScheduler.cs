using Microsoft.Extensions.Options;
using Monitor.Data.Sources;

namespace Monitor.Ingestion.Polling;

/// <summary>
/// Registers the configured sources, then polls whichever are due, a few at a time. Claiming a due source is one
/// atomic UPDATE, so several Ingestion replicas share the work; a slow source holds one slot, never the others, and a
/// poll that has run long moves to a slow slot so it does not hold a regular one either.
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

        var running = new List<(Task Poll, long Started)>();
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(poll => poll.Poll.IsCompleted);
            var free = FreeSlots(running.Count, running.Count(poll => time.GetElapsedTime(poll.Started) < settings.SlowPollAfter), settings);
            if (free > 0)
            {
                try
                {
                    foreach (var source in await sources.ClaimDueAsync(time.GetUtcNow(), free, settings.PollLease, stoppingToken))
                    {
                        running.Add((PollAsync(source, settings.PollLease, stoppingToken), time.GetTimestamp()));
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

        await Task.WhenAll(running.Select(poll => poll.Poll));
    }

    /// <summary>
    /// Polls that may start now. A poll past <see cref="IngestionOptions.SlowPollAfter"/> no longer holds one of the
    /// <see cref="IngestionOptions.MaxConcurrentPolls"/> regular slots, only one of the slow ones: four sources that
    /// trickle a byte every 2 s used to hold every slot for their whole timeout while healthy sources fell due.
    /// </summary>
    internal static int FreeSlots(int running, int recent, IngestionOptions settings) =>
        Math.Min(settings.MaxConcurrentPolls - recent, settings.MaxConcurrentPolls + Math.Max(0, settings.SlowPollSlots) - running);

    private async Task PollAsync(SourceRow source, TimeSpan lease, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        var poll = scope.ServiceProvider.GetRequiredService<FeedPoller>().PollAsync(source, cancellationToken);

        // Renew the claim every third of the lease while the poll runs; a killed process's claim lapses after the lease.
        var claimedUntil = source.NextPollAt;
        var every = lease / 3 > TimeSpan.Zero ? lease / 3 : TimeSpan.FromSeconds(1);
        while (!poll.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            var tick = Task.Delay(every, time, cancellationToken);
            if (await Task.WhenAny(poll, tick) == poll || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var until = time.GetUtcNow() + lease;
            if (until <= claimedUntil)
            {
                continue;
            }

            try
            {
                if (!await sources.RenewClaimAsync(source.Id, claimedUntil, until, cancellationToken))
                {
                    break; // the poll recorded its result
                }

                claimedUntil = until;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(ex, source.Id);
            }
        }

        await poll;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the poll claim of {SourceId}; another process may poll it once the claim lapses")]
    private partial void LogRenewFailed(Exception exception, string sourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {Count} configured sources: {Sources}")]
    private partial void LogStarted(int count, string sources);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not claim due sources; retrying")]
    private partial void LogClaimFailed(Exception exception);
}
