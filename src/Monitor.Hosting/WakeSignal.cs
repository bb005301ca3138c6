using System.Threading.Channels;

namespace Monitor.Hosting;

/// <summary>
/// Wakes a polling loop right after a commit that gave it work, so the work does not wait for the next poll. Any
/// number of notifications before the loop wakes count as one; the loop still polls on its timeout, since another
/// process may have written work, or work may have fallen due. One subclass per loop, so each is its own service.
/// </summary>
public abstract class WakeSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when notified or after <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: poll anyway.
        }
    }
}
