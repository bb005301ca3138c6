using MassTransit;
using Monitor.Contracts;
using Monitor.Core.Statements;
using Monitor.Core.Tagging;
using Monitor.Hosting.Messaging;

namespace Monitor.Tagging.Consumers;

/// <summary>
/// Tags the statements of an archive page found by a backfill and sends them on the backfill path
/// (<c>store-statement-backfill</c>), never into the live one. It tags with <see cref="BackfillTagger"/>: by default the
/// rules with their calibration (about 0.03 ms a statement instead of about 40 ms), and the background re-tag refines
/// those tags with the hybrid later.
/// </summary>
public sealed partial class TagBackfilledStatementConsumer(BackfillTagger backfill, TimeProvider time, ILogger<TagBackfilledStatementConsumer> logger)
    : IConsumer<StatementsDiscovered>
{
    public async Task Consume(ConsumeContext<StatementsDiscovered> context)
    {
        var tagged = await TagEach.TagAsync(context, Tag, logger);
        if (tagged.Count > 0)
        {
            await context.Send(PipelineQueues.StoreStatementBackfillAddress, new StatementsTagged(tagged));
        }
    }

    private StatementTagged Tag(StatementDiscovered statement)
    {
        var tagger = backfill.Tagger;
        var text = string.IsNullOrEmpty(statement.Body) ? statement.Summary : $"{statement.Summary}\n{statement.Body}";
        var result = StatementLanguage.IsTagged(statement.Language) ? tagger.Analyse(statement.Title, text) : new TaggingResult([], []);
        LogTagged(statement.SourceId, statement.ExternalId, result.Topics.Count, tagger.BaselineVersion);
        return new StatementTagged(statement with { Backfill = true }, result.Topics, tagger.BaselineVersion, time.GetUtcNow()) { Figures = result.Figures };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tagged backfilled {SourceId}/{ExternalId} with {TopicCount} topics (baseline {BaselineVersion})")]
    private partial void LogTagged(string sourceId, string externalId, int topicCount, string baselineVersion);
}
