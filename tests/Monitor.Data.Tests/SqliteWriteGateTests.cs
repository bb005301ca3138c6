namespace Monitor.Data.Tests;

/// <summary>
/// The SQLite statement writers' gate: one holder at a time; when it frees, a waiting live writer goes before every
/// waiting backfill writer, whatever the order they came in; a cancelled waiter never holds it.
/// </summary>
public sealed class SqliteWriteGateTests
{
    [Fact]
    public async Task A_waiting_live_writer_goes_before_backfill_writers_that_came_first()
    {
        var gate = new SqliteWriteGate();
        var order = new List<string>();
        var holder = await gate.EnterAsync(background: true, CancellationToken.None);
        var backfill1 = Take(gate, background: true, "backfill 1", order);
        var backfill2 = Take(gate, background: true, "backfill 2", order);
        var live = Take(gate, background: false, "live", order);
        Assert.Equal((1, 2), gate.Waiting);
        Assert.False(live.IsCompleted);

        holder.Dispose();
        await Task.WhenAll(backfill1, backfill2, live);
        Assert.Equal(["live", "backfill 1", "backfill 2"], order);
        Assert.Equal((0, 0), gate.Waiting);

        // Free again: the next writer takes it at once.
        using var again = await gate.EnterAsync(background: true, CancellationToken.None);
    }

    [Fact]
    public async Task A_cancelled_waiter_is_skipped_and_the_gate_passes_to_the_next()
    {
        var gate = new SqliteWriteGate();
        var holder = await gate.EnterAsync(background: false, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(background: false, cancel.Token).AsTask();
        var next = gate.EnterAsync(background: true, CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        holder.Dispose();
        using var taken = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(gate.EnterAsync(background: false, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Releasing_twice_releases_once()
    {
        var gate = new SqliteWriteGate();
        var holder = await gate.EnterAsync(background: false, CancellationToken.None);
        var second = gate.EnterAsync(background: false, CancellationToken.None).AsTask();
        holder.Dispose();
        using var secondHolder = await second.WaitAsync(TimeSpan.FromSeconds(10));
        holder.Dispose();
        Assert.False(gate.EnterAsync(background: false, CancellationToken.None).IsCompleted);
    }

    private static async Task Take(SqliteWriteGate gate, bool background, string name, List<string> order)
    {
        using var held = await gate.EnterAsync(background, CancellationToken.None);
        lock (order)
        {
            order.Add(name);
        }
    }
}
