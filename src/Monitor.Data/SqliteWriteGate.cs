namespace Monitor.Data;

/// <summary>
/// One writer at a time among a process's statement stores on SQLite, live statements first. SQLite has one writer
/// anyway; without this, a writer that finds the file locked is retried by Microsoft.Data.Sqlite after a sleep, and a
/// live statement's batch could lose the lock again and again to a backfill's writers, which never sleep between
/// their transactions (the embedded backfill benchmark: live p99 6.5 s). Here a writer waits its turn, and when the
/// gate is released a waiting live writer goes before any waiting backfill writer.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly object _lock = new();
    private readonly Queue<TaskCompletionSource<Releaser>> _live = new();
    private readonly Queue<TaskCompletionSource<Releaser>> _background = new();
    private bool _held;

    /// <summary>Writers waiting now (live, background).</summary>
    public (int Live, int Background) Waiting
    {
        get
        {
            lock (_lock)
            {
                return (_live.Count, _background.Count);
            }
        }
    }

    /// <summary>Waits for the gate; dispose the result to release it.</summary>
    /// <param name="background">A backfill's write: it goes after every live writer waiting when the gate frees.</param>
    public ValueTask<Releaser> EnterAsync(bool background, CancellationToken cancellationToken)
    {
        TaskCompletionSource<Releaser> waiter;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return ValueTask.FromResult(new Releaser(this));
            }

            waiter = new TaskCompletionSource<Releaser>(TaskCreationOptions.RunContinuationsAsynchronously);
            (background ? _background : _live).Enqueue(waiter);
        }

        return new ValueTask<Releaser>(WaitAsync(waiter, cancellationToken));
    }

    private static async Task<Releaser> WaitAsync(TaskCompletionSource<Releaser> waiter, CancellationToken cancellationToken)
    {
        // A cancelled waiter stays queued but completed: Release skips it (TrySetResult fails) and hands the gate on.
        await using var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        return await waiter.Task.ConfigureAwait(false);
    }

    private void Release()
    {
        lock (_lock)
        {
            while (_live.TryDequeue(out var next) || _background.TryDequeue(out next))
            {
                if (next.TrySetResult(new Releaser(this)))
                {
                    return;
                }
            }

            _held = false;
        }
    }

    /// <summary>Holds the gate until disposed (once).</summary>
    public sealed class Releaser : IDisposable
    {
        private SqliteWriteGate? _gate;

        internal Releaser(SqliteWriteGate gate) => _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
