using System.Diagnostics;
using System.Threading.Channels;
using Monitor.Contracts;
using Monitor.Data;
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
public sealed partial class StatementBatcher(StatementStore store, OutboxSignal outbox, TimeProvider time, PersistenceOptions options, ILogger<StatementBatcher> logger)
    : BackgroundService
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = false });
    private long _batches;
    private long _statements;
    private long _fallbacks;
    private long _failed;

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
        var writers = Enumerable.Range(0, Math.Max(1, options.BatchWriters)).Select(_ => WriteLoopAsync(stoppingToken)).ToList();
        try
        {
            await Task.WhenAll(writers);
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
                    await WriteAsync(batch, stoppingToken);
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
        if (batch.Count == 1)
        {
            await WriteOneAsync(batch[0], now, cancellationToken);
            return;
        }

        try
        {
            var results = await store.StoreBatchAsync(batch.Select(e => new StatementStore.BatchItem(e.Tagged, e.TraceParent)).ToList(), now, cancellationToken);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _statements, batch.Count);
            outbox.Notify();
            for (var i = 0; i < batch.Count; i++)
            {
                Stored(results[i], now);
                batch[i].Done.TrySetResult(results[i]);
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
            // One statement may be bad: write each alone, so that only a bad one fails its message.
            Interlocked.Increment(ref _fallbacks);
            LogBatchFallback(batch.Count, ex.GetType().Name, ex.Message);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} statements failed ({ExceptionType}: {Reason}); writing each alone so that only a bad one fails")]
    private partial void LogBatchFallback(int count, string exceptionType, string reason);
}
