using System.Diagnostics;
using System.Threading.Channels;
using MassTransit;
using Monitor.Contracts;
using Monitor.Hosting.Telemetry;

namespace Monitor.Tagging.Batching;

/// <summary>
/// Publishes tagged statements as <see cref="StatementsTagged"/> messages: what consumers hand it while a publish is in
/// flight goes out together in the next one. Nothing waits for a message to fill: a lone statement is published at once,
/// and messages grow only when statements are tagged faster than they are published (a burst, a backlog).
/// </summary>
/// <remarks>
/// Each consumer awaits its own statements' publish and only then acknowledges its <see cref="StatementsDiscovered"/>,
/// so a statement is never acknowledged before the broker has confirmed the message that carries it on.
/// </remarks>
public sealed partial class TaggedPublisher(IBus bus, ILogger<TaggedPublisher> logger) : BackgroundService
{
    /// <summary>The most statements in one message (about 2 KB each).</summary>
    public const int MaxStatements = 200;

    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Publishes the statements in the next message; completes when the broker has confirmed the message(s) that carry them.</summary>
    public Task PublishAsync(IReadOnlyList<StatementTagged> tagged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tagged);
        if (tagged.Count == 0)
        {
            return Task.CompletedTask;
        }

        var trace = Activity.Current?.Context;
        var done = new Task[tagged.Count];
        for (var i = 0; i < tagged.Count; i++)
        {
            var entry = new Entry(tagged[i], trace);
            if (!_queue.Writer.TryWrite(entry))
            {
                throw new OperationCanceledException("The tagged-statement publisher has stopped.");
            }

            done[i] = entry.Done.Task;
        }

        return Task.WhenAll(done).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Entry>(MaxStatements);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxStatements && _queue.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                await PublishAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            batch.ForEach(e => e.Done.TrySetCanceled(stoppingToken));
            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task PublishAsync(List<Entry> batch, CancellationToken stoppingToken)
    {
        try
        {
            // In the trace of its first statement, linked to the others'.
            using (MonitorMetrics.Source.StartActivity("publish StatementsTagged", ActivityKind.Internal, batch[0].Trace ?? default,
                       links: batch.Skip(1).Where(e => e.Trace is not null).Select(e => new ActivityLink(e.Trace!.Value))))
            {
                await bus.Publish(new StatementsTagged([.. batch.Select(e => e.Tagged)]), stoppingToken);
            }

            batch.ForEach(e => e.Done.TrySetResult());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Each statement's message fails and is retried by its consumer's retry policy, then tagged and published again.
            LogPublishFailed(batch.Count, ex.GetType().Name, ex.Message);
            batch.ForEach(e => e.Done.TrySetException(ex));
        }
    }

    private sealed record Entry(StatementTagged Tagged, ActivityContext? Trace)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} tagged statements failed ({ExceptionType}: {Reason}); their messages are retried")]
    private partial void LogPublishFailed(int count, string exceptionType, string reason);
}
