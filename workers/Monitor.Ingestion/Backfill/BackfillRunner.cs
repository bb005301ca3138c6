using Microsoft.Extensions.Options;
using Monitor.Data.Backfill;

namespace Monitor.Ingestion.Backfill;

/// <summary>
/// Claims runnable backfills (<c>backfill_jobs</c>, state running, lease free, not waiting out a backoff) up to
/// <see cref="BackfillOptions.MaxConcurrentJobs"/> at once and walks each from its checkpoint. A killed process's
/// lease runs out and the next claim, here or in another Ingestion process, continues from the last checkpoint.
/// </summary>
public sealed partial class BackfillRunner(
    BackfillStore jobs,
    IServiceScopeFactory scopes,
    IOptions<BackfillOptions> options,
    TimeProvider time,
    ILogger<BackfillRunner> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly List<Task> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.Tick, time);
        do
        {
            _running.RemoveAll(t => t.IsCompleted);
            try
            {
                while (_running.Count < Math.Max(1, settings.MaxConcurrentJobs)
                       && await jobs.ClaimAsync(_owner, time.GetUtcNow(), settings.Lease, stoppingToken) is { } job)
                {
                    _running.Add(WalkAsync(job, stoppingToken));
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogClaimFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));

        await Task.WhenAll(_running);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WalkAsync(BackfillJob job, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var scope = scopes.CreateScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<BackfillWalker>().WalkAsync(job, _owner, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the last checkpoint stands; the lease is given back so the next start resumes at once.
        }
        catch (Exception ex)
        {
            LogWalkFailed(ex, job.Id, job.SourceId);
        }

        try
        {
            await jobs.ReleaseAsync(job.Id, _owner, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogWalkFailed(ex, job.Id, job.SourceId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not claim a backfill")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfill {BackfillId} of {SourceId} stopped unexpectedly; it resumes from its checkpoint when its lease runs out")]
    private partial void LogWalkFailed(Exception exception, long backfillId, string sourceId);
}
