using MassTransit;
using Monitor.Contracts;
using Monitor.Core.Tagging;
using Monitor.Hosting.Telemetry;
using Monitor.Tagging.Batching;

namespace Monitor.Tagging.Consumers;

/// <summary>
/// Scores a discovered statement against the baseline topics, reads its baseline figures, and passes it on, tagged, in
/// the next <see cref="StatementsTagged"/> message (<see cref="TaggedPublisher"/>).
/// </summary>
public sealed partial class TagStatementConsumer(Tagger tagger, TaggedPublisher publisher, TimeProvider time, ILogger<TagStatementConsumer> logger)
    : IConsumer<StatementDiscovered>
{
    public async Task Consume(ConsumeContext<StatementDiscovered> context)
    {
        var statement = context.Message;
        var text = string.IsNullOrEmpty(statement.Body) ? statement.Summary : $"{statement.Summary}\n{statement.Body}";
        var result = tagger.Analyse(statement.Title, text);
        var drifted = result.Figures.Count(f => f.Drift);
        LogTagged(statement.SourceId, statement.ExternalId, result.Topics.Count, result.Figures.Count, drifted, tagger.BaselineVersion);
        var now = time.GetUtcNow();
        await publisher.PublishAsync(new StatementTagged(statement, result.Topics, tagger.BaselineVersion, now) { Figures = result.Figures },
            context.CancellationToken);
        MonitorMetrics.StatementTagged(statement.DiscoveredAt, now);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tagged {SourceId}/{ExternalId} with {TopicCount} topics and {FigureCount} figures ({DriftCount} drifted) (baseline {BaselineVersion})")]
    private partial void LogTagged(string sourceId, string externalId, int topicCount, int figureCount, int driftCount, string baselineVersion);
}
