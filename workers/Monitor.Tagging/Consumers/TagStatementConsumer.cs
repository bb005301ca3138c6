using MassTransit;
using Monitor.Contracts;
using Monitor.Core.Tagging;

namespace Monitor.Tagging.Consumers;

/// <summary>Scores a discovered statement against the baseline topics and passes it on, tagged.</summary>
public sealed partial class TagStatementConsumer(Tagger tagger, TimeProvider time, ILogger<TagStatementConsumer> logger) : IConsumer<StatementDiscovered>
{
    public async Task Consume(ConsumeContext<StatementDiscovered> context)
    {
        var statement = context.Message;
        var text = string.IsNullOrEmpty(statement.Body) ? statement.Summary : $"{statement.Summary}\n{statement.Body}";
        var topics = tagger.Tag(statement.Title, text);
        LogTagged(statement.SourceId, statement.ExternalId, topics.Count, tagger.BaselineVersion);
        await context.Publish(new StatementTagged(statement, topics, tagger.BaselineVersion, time.GetUtcNow()));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tagged {SourceId}/{ExternalId} with {TopicCount} topics (baseline {BaselineVersion})")]
    private partial void LogTagged(string sourceId, string externalId, int topicCount, string baselineVersion);
}
