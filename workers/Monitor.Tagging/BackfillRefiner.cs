using System.Diagnostics;
using Monitor.Core.Tagging;
using Monitor.Data.Tagging;
using Monitor.Embeddings;

namespace Monitor.Tagging;

/// <summary>
/// Refines the tags of backfilled statements: a backfill tags with the rules first (<see cref="BackfillTagger"/>, about
/// 0.03 ms a statement) so history is searchable at once; this service then re-tags those statements with the live
/// tagger (the hybrid: about 40 ms of CPU a statement), one statement at a time on one thread, so on a 2-core machine
/// the live path keeps a core, and only while no backfill is walking (the backfill's own pages and stores come first).
/// Progress (refined, waiting, rate, time left) is logged every 30 s.
/// </summary>
public sealed partial class BackfillRefiner(
    RetagStore store,
    Monitor.Data.Backfill.BackfillStore backfills,
    Tagger tagger,
    TaggingOptions options,
    TimeProvider time,
    ILogger<BackfillRefiner> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RefineBackfill)
        {
            return;
        }

        var version = tagger.BaselineVersion;
        long refined = 0;
        var busy = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await backfills.AnyRunningAsync(stoppingToken))
                {
                    await Task.Delay(Idle, time, stoppingToken);
                    busy.Restart();
                    continue;
                }

                var batch = await store.NextBackfilledAsync(version, 50, stoppingToken);
                if (batch.Count == 0)
                {
                    if (refined > 0)
                    {
                        LogCaughtUp(refined, busy.Elapsed);
                        refined = 0;
                    }

                    await store.CountBackfilledAsync(version, stoppingToken);
                    await Task.Delay(Idle, time, stoppingToken);
                    busy.Restart();
                    continue;
                }

                foreach (var item in batch)
                {
                    var text = string.IsNullOrEmpty(item.Body) ? item.Summary : $"{item.Summary}\n{item.Body}";
                    Monitor.Core.Tagging.TaggingResult result;
                    try
                    {
                        // A statement marked untagged (no English version) stays so: only English text is tagged.
                        result = item.Untagged ? new Monitor.Core.Tagging.TaggingResult([], []) : tagger.Analyse(item.Title, text);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                    {
                        // Tagging is pure work on the text: what fails once fails every time. The statement keeps its
                        // rules-first tags rather than holding back every later one (and the event clustering that follows).
                        LogStatementFailed(ex, item.StatementId);
                        await store.KeepBackfilledAsync(item.StatementId, stoppingToken);
                        continue;
                    }

                    await store.RefineBackfilledAsync(version, item, result.Topics, result.Figures, stoppingToken);
                    refined++;
                }

                if (lastReport.Elapsed >= ReportEvery)
                {
                    var waiting = await store.CountBackfilledAsync(version, stoppingToken);
                    var rate = refined / Math.Max(0.001, busy.Elapsed.TotalSeconds);
                    LogProgress(refined, waiting, rate, TimeSpan.FromSeconds(Math.Round(waiting / Math.Max(0.001, rate))));
                    lastReport.Restart();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database outage or a bad row: try again later; the marks stay until a statement is refined.
                LogFailed(ex);
                await Task.Delay(Idle, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refining backfilled tags: {Refined} re-tagged, {Waiting} waiting, {Rate:0.0} statements/s, about {TimeLeft} left")]
    private partial void LogProgress(long refined, long waiting, double rate, TimeSpan timeLeft);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refining backfilled tags caught up: {Refined} statements re-tagged in {Elapsed}")]
    private partial void LogCaughtUp(long refined, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refining the tags of backfilled statement {StatementId} failed; it keeps its rules-first tags")]
    private partial void LogStatementFailed(Exception exception, long statementId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refining backfilled tags failed; trying again in 5 s")]
    private partial void LogFailed(Exception exception);
}
