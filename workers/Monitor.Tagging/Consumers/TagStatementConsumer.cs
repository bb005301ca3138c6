using MassTransit;
using Monitor.Contracts;
using Monitor.Core.Statements;
using Monitor.Core.Tagging;
using Monitor.Hosting.Telemetry;
using Monitor.Tagging.Batching;

namespace Monitor.Tagging.Consumers;

/// <summary>
/// Scores the discovered statements of a poll against the baseline topics, reads their baseline figures, and passes
/// them on, tagged, in the next <see cref="StatementsTagged"/> message (<see cref="TaggedPublisher"/>). The message is
/// acknowledged once the broker has confirmed the message that carries its statements on.
/// </summary>
public sealed partial class TagStatementConsumer(Tagger tagger, TaggedPublisher publisher, TimeProvider time, ILogger<TagStatementConsumer> logger)
    : IConsumer<StatementsDiscovered>
{
    public async Task Consume(ConsumeContext<StatementsDiscovered> context)
    {
        var tagged = await TagEach.TagAsync(context, Tag, logger);
        await publisher.PublishAsync(tagged, context.CancellationToken);
        var now = time.GetUtcNow();
        tagged.ForEach(t => MonitorMetrics.StatementTagged(t.Statement.DiscoveredAt, now));
    }

    private StatementTagged Tag(StatementDiscovered statement)
    {
        // English text only (StatementLanguage): another language version passes on untagged, and Persistence stores it as
        // a translation, or as a statement marked untagged until its English version comes.
        var text = string.IsNullOrEmpty(statement.Body) ? statement.Summary : $"{statement.Summary}\n{statement.Body}";
        var result = StatementLanguage.IsTagged(statement.Language) ? tagger.Analyse(statement.Title, text) : new TaggingResult([], []);
        var drifted = result.Figures.Count(f => f.Drift);
        LogTagged(statement.SourceId, statement.ExternalId, result.Topics.Count, result.Figures.Count, drifted, tagger.BaselineVersion);
        return new StatementTagged(statement, result.Topics, tagger.BaselineVersion, time.GetUtcNow()) { Figures = result.Figures };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tagged {SourceId}/{ExternalId} with {TopicCount} topics and {FigureCount} figures ({DriftCount} drifted) (baseline {BaselineVersion})")]
    private partial void LogTagged(string sourceId, string externalId, int topicCount, int figureCount, int driftCount, string baselineVersion);
}
