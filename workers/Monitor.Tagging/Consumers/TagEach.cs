using MassTransit;
using Monitor.Contracts;
using Monitor.Hosting.Messaging;

namespace Monitor.Tagging.Consumers;

/// <summary>
/// Tags every statement of a <see cref="StatementsDiscovered"/> message, so one that cannot be tagged does not fail its
/// neighbours: in a message of several it is sent back alone (<see cref="SentBackAlone"/>) and the others go on; alone, it
/// fails its message, which the retry policy takes and then the error queue.
/// </summary>
public static partial class TagEach
{
    public static async Task<List<StatementTagged>> TagAsync(ConsumeContext<StatementsDiscovered> context, Func<StatementDiscovered, StatementTagged> tag, ILogger logger)
    {
        var statements = context.Message.Statements;
        var tagged = new List<StatementTagged>(statements.Count);
        List<(StatementDiscovered Statement, Exception Error)>? failed = null;
        foreach (var statement in statements)
        {
            try
            {
                tagged.Add(tag(statement));
            }
            catch (Exception ex) when (statements.Count > 1 && ex is not OperationCanceledException)
            {
                (failed ??= []).Add((statement, ex));
            }
        }

        foreach (var (statement, error) in failed ?? [])
        {
            LogSentBackAlone(logger, statement.SourceId, statement.ExternalId, statements.Count, error.GetType().Name, error.Message);
            await SentBackAlone.SendAsync(context, new StatementsDiscovered([statement]));
        }

        return tagged;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{SourceId}/{ExternalId} could not be tagged ({ExceptionType}: {Reason}); its {Count} neighbours in the message go on, and it is sent back alone to be retried")]
    private static partial void LogSentBackAlone(ILogger logger, string sourceId, string externalId, int count, string exceptionType, string reason);
}
