using Monitor.Core.Tagging;
using Monitor.Data.Tagging;
using Monitor.Embeddings;
using Monitor.Hosting.Telemetry;

namespace Monitor.Tagging;

/// <summary>
/// Re-tags stored statements in the background when the topic file's version differs from the stored tags'
/// baseline_version: batch by batch from the run's checkpoint, under a lease so that of several Tagging replicas
/// one works at a time (the others wait and take over if it stops renewing). Progress is in table retag_runs,
/// shown by the dashboard's <c>GET /api/tagging</c>, and logged.
/// </summary>
public sealed partial class RetagService(
    RetagStore store,
    Tagger tagger,
    TaggingOptions options,
    TimeProvider time,
    ILogger<RetagService> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Retag)
        {
            return;
        }

        var version = tagger.BaselineVersion;
        var lease = TimeSpan.FromSeconds(Math.Max(2, options.RetagLeaseSeconds));
        try
        {
            var run = await store.EnsureRunAsync(version, time.GetUtcNow(), stoppingToken);
            if (run.FinishedAt is not null)
            {
                LogUpToDate(version, run.Total);
                MonitorMetrics.RetagProgress(run.Done, run.Total);
                return;
            }

            LogStarting(version, run.Total, run.Done);
            MonitorMetrics.RetagProgress(run.Done, run.Total);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await store.TryLeaseAsync(version, _owner, time.GetUtcNow(), lease, stoppingToken))
                {
                    if ((await store.EnsureRunAsync(version, time.GetUtcNow(), stoppingToken)).FinishedAt is not null)
                    {
                        LogFinishedElsewhere(version);
                        return;
                    }

                    await Task.Delay(lease / 2, time, stoppingToken);
                    continue;
                }

                var batch = await store.NextAsync(version, Math.Max(1, options.RetagBatchSize), stoppingToken);
                if (batch.Count == 0)
                {
                    await store.FinishAsync(version, _owner, time.GetUtcNow(), stoppingToken);
                    var finished = await store.EnsureRunAsync(version, time.GetUtcNow(), stoppingToken);
                    LogFinished(version, finished.Done, finished.Total);
                    MonitorMetrics.RetagProgress(finished.Done, finished.Total);
                    return;
                }

                foreach (var item in batch)
                {
                    var text = string.IsNullOrEmpty(item.Body) ? item.Summary : $"{item.Summary}\n{item.Body}";
                    // A statement marked untagged (no English version) stays so: only English text is tagged.
                    var result = item.Untagged ? new TaggingResult([], []) : tagger.Analyse(item.Title, text);
                    if (!await store.ReplaceAsync(version, _owner, item, result.Topics, result.Figures, stoppingToken))
                    {
                        LogLeaseLost(version, item.StatementId);
                        break;
                    }
                }

                var progress = await store.EnsureRunAsync(version, time.GetUtcNow(), stoppingToken);
                LogProgress(version, progress.Done, progress.Total);
                MonitorMetrics.RetagProgress(progress.Done, progress.Total);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the checkpoint is committed, the next start resumes after it.
        }
        catch (Exception ex)
        {
            LogFailed(ex, version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored tags are up to date with topic file {BaselineVersion} ({Total} statements re-tagged)")]
    private partial void LogUpToDate(string baselineVersion, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-tagging stored statements with topic file {BaselineVersion}: {Done} of {Total} done")]
    private partial void LogStarting(string baselineVersion, int total, int done);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-tagging with {BaselineVersion}: {Done} of {Total} statements done")]
    private partial void LogProgress(string baselineVersion, int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-tagging with {BaselineVersion} finished: {Done} statements (of {Total} at the start)")]
    private partial void LogFinished(string baselineVersion, int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-tagging with {BaselineVersion} was finished by another Tagging replica")]
    private partial void LogFinishedElsewhere(string baselineVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-tagging with {BaselineVersion}: lease lost before statement {StatementId}; another replica continues")]
    private partial void LogLeaseLost(string baselineVersion, long statementId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-tagging with {BaselineVersion} stopped; it resumes from its checkpoint at the next start")]
    private partial void LogFailed(Exception exception, string baselineVersion);
}
