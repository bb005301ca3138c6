using System.Diagnostics;
using System.Threading.Channels;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;

namespace Monitor.Persistence.Batching;

/// <summary>
/// Gathers the statements that consumers hand it while a batch is being written and writes them as the next batch:
/// one transaction, one commit, the topic roll-up touched once per (topic, day). Nothing waits for a batch to fill: a
/// lone statement is written at once, and batches grow only when statements arrive faster than they are written.
/// </summary>
/// <remarks>
/// Each consumer awaits its own statement's result and acknowledges (or fails) its own message, so the broker's
/// guarantees stay per message. A batch that fails for any reason but an unreachable database is written again
/// statement by statement, each in its own transaction: only a statement that fails on its own fails its message,
/// which is retried alone (<see cref="Consumers.StoreStatementConsumer"/>) and then goes to the error queue. A batch
/// that fails because the database is unreachable fails every message with that error, and each is retried until the
/// database is back, as before.
/// </remarks>
public sealed partial class StatementBatcher(
    StatementStore store, OutboxSignal outbox, OutboxPublisher publisher, Database database, TimeProvider time, PersistenceOptions options,
    ILogger<StatementBatcher> logger)
    : BackgroundService
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = false });

    // Events of committed batches, published in commit order by one loop while the writers go on to the next batch.
    private readonly Channel<IReadOnlyList<OutboxStore.Enqueued>> _events = Channel.CreateUnbounded<IReadOnlyList<OutboxStore.Enqueued>>(
        new UnboundedChannelOptions { SingleReader = true });
    private long _batches;
    private long _statements;
    private long _fallbacks;
    private long _failed;
    private long _busyTicks;
    private int _largest;

    /// <summary>
    /// Since start: batches written, the statements in them, batches written again one statement at a time, and
    /// statements whose message was failed (to be retried).
    /// </summary>
    public (long Batches, long Statements, long Fallbacks, long Failed) Counts =>
        (Interlocked.Read(ref _batches), Interlocked.Read(ref _statements), Interlocked.Read(ref _fallbacks), Interlocked.Read(ref _failed));

    /// <summary>Stores the statement in the next batch; completes when that batch is committed.</summary>
    public Task<StatementStored?> StoreAsync(StatementTagged tagged, CancellationToken cancellationToken)
    {
        var entry = new Entry(tagged, Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null);
        if (!_queue.Writer.TryWrite(entry))
        {
            throw new OperationCanceledException("The statement batcher has stopped.");
        }

        return entry.Done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ReportAsync(TimeSpan.FromSeconds(10), stoppingToken);
        var writers = Enumerable.Range(0, Writers).Select(_ => WriteLoopAsync(stoppingToken)).ToList();
        var publishing = PublishLoopAsync(stoppingToken);
        try
        {
            await Task.WhenAll(writers);
            await publishing;
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetCanceled(stoppingToken);
            }
        }
    }

    /// <summary>Batches written at once: <see cref="PersistenceOptions.BatchWriters"/>, else 2 on PostgreSQL (one batch's
    /// round trips overlap the other's work) and 1 on SQLite (one writer at a time anyway).</summary>
    private int Writers => Math.Max(1, options.BatchWriters ?? (database.Provider == DatabaseProvider.Postgres ? 2 : 1));

    private async Task PublishLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var events in _events.Reader.ReadAllAsync(stoppingToken))
            {
                await publisher.PublishAsync(events, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What is left is claimed for OutboxPublisher.ClaimFor; then any process's relay publishes it.
        }
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Entry>(options.MaxBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < options.MaxBatchSize && _queue.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                if (batch.Count > 0)
                {
                    var started = Stopwatch.GetTimestamp();
                    await WriteAsync(batch, stoppingToken);
                    Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started);
                    InterlockedMax(ref _largest, batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            batch.ForEach(e => e.Done.TrySetCanceled(stoppingToken));
        }
    }

    private async Task WriteAsync(List<Entry> batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _statements, batch.Count);
        try
        {
            // The events are written claimed by this process and published by it right after the commit: no relay round
            // trip, no wait for the relay to wake.
            var result = await store.StoreBatchAsync(batch.Select(e => new StatementStore.BatchItem(e.Tagged, e.TraceParent)).ToList(), now,
                now + OutboxPublisher.ClaimFor, cancellationToken);
            _events.Writer.TryWrite(result.Events);
            for (var i = 0; i < batch.Count; i++)
            {
                Stored(result.Stored[i], now);
                batch[i].Done.TrySetResult(result.Stored[i]);
            }
        }
        catch (Exception ex) when (Database.IsTransient(ex))
        {
            // The database is unreachable: every message is retried until it is back, as a lone one would be.
            Interlocked.Add(ref _failed, batch.Count);
            batch.ForEach(e => e.Done.TrySetException(ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One statement may be bad, or need a transaction of its own: write each alone, so that only a bad one fails.
            if (ex is not BatchNeedsSingleStoreException)
            {
                Interlocked.Increment(ref _fallbacks);
                LogBatchFallback(batch.Count, ex.GetType().Name, ex.Message);
            }

            foreach (var entry in batch)
            {
                await WriteOneAsync(entry, now, cancellationToken);
            }
        }
    }

    private async Task WriteOneAsync(Entry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await store.StoreAsync(entry.Tagged, now, cancellationToken);
            if (stored is not null)
            {
                outbox.Notify();
            }

            Stored(stored, now);
            entry.Done.TrySetResult(stored);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            entry.Done.TrySetCanceled(cancellationToken);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failed);
            entry.Done.TrySetException(ex);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>What the batcher did in each period with work: statements, batches, the largest, how busy the writers were.</summary>
    private async Task ReportAsync(TimeSpan every, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every);
        var last = (Batches: 0L, Statements: 0L, Fallbacks: 0L, Failed: 0L);
        var lastBusy = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Counts;
                var busy = Interlocked.Read(ref _busyTicks);
                if (now != last)
                {
                    var largest = Interlocked.Exchange(ref _largest, 0);
                    LogReport(now.Statements - last.Statements, now.Batches - last.Batches, largest, now.Fallbacks - last.Fallbacks,
                        (double)(busy - lastBusy) / Stopwatch.Frequency / every.TotalSeconds / Writers);
                }

                (last, lastBusy) = (now, busy);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Stored(StatementStored? stored, DateTimeOffset now)
    {
        if (stored is not null)
        {
            MonitorMetrics.StatementStored(stored.DiscoveredAt, now);
        }
    }

    private sealed record Entry(StatementTagged Tagged, string? TraceParent)
    {
        public TaskCompletionSource<StatementStored?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Statements} statements in {Batches} batches (largest {Largest}, {Fallbacks} written again one by one); writers busy {Busy:P0}")]
    private partial void LogReport(long statements, long batches, int largest, long fallbacks, double busy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} statements failed ({ExceptionType}: {Reason}); writing each alone so that only a bad one fails")]
    private partial void LogBatchFallback(int count, string exceptionType, string reason);
}
