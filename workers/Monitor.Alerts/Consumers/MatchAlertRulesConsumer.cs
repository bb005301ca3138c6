using MassTransit;
using Microsoft.Extensions.Options;
using Monitor.Contracts;
using Monitor.Data.Alerts;
using Monitor.Hosting.Outbox;

namespace Monitor.Alerts.Consumers;

/// <summary>
/// Matches a stored statement against the alert rules. An alert is stored once per rule and revision (a unique key)
/// and announced through the outbox, so redelivery never alerts twice and a crash never loses one.
/// </summary>
public sealed partial class MatchAlertRulesConsumer(IOptions<AlertsOptions> options, AlertStore alerts, OutboxSignal outbox, TimeProvider time, ILogger<MatchAlertRulesConsumer> logger) : IConsumer<StatementStored>
{
    public async Task Consume(ConsumeContext<StatementStored> context)
    {
        var statement = context.Message;
        foreach (var rule in options.Value.EffectiveRules)
        {
            var matched = statement.Topics
                .Where(t => t.Score >= rule.MinScore && rule.Topics.Contains(t.TopicId, StringComparer.Ordinal))
                .Select(t => t.TopicId)
                .ToList();
            if (matched.Count == 0)
            {
                continue;
            }

            var alert = await alerts.RaiseAsync(rule.Id, statement, matched, time.GetUtcNow(), context.CancellationToken);
            if (alert is not null)
            {
                outbox.Notify();
                LogAlert(rule.Id, statement.StatementId, statement.Revision, string.Join(", ", matched));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule {RuleId} alerted on statement {StatementId} revision {Revision} ({Topics})")]
    private partial void LogAlert(string ruleId, long statementId, int revision, string topics);
}
