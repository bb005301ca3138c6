using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Core.Search;
using Monitor.Data.Alerts;
using Monitor.Data.History;

namespace Monitor.Alerts.Matching;

/// <summary>
/// Which alerts a stored statement raises, and what each sends: every enabled subscription is matched by its pure rule
/// (<see cref="SubscriptionMatcher"/>), its full-text query asked of the database (<see cref="QueryMatch"/>), a spike
/// rule's topic volume measured (<see cref="TopicVolume"/>, once per topic and window), and each alert planned by
/// <see cref="DeliverySchedule"/>. Raises nothing itself: the consumer writes the plan in one transaction.
/// </summary>
public sealed partial class AlertPlanner(
    SubscriptionStore subscriptions, QueryMatch queries, TopicVolume volume, IOptions<AlertsOptions> options, TimeProvider time, ILogger<AlertPlanner> logger)
{
    /// <summary>The alerts of a committed batch of statements: the enabled subscriptions are read once for all of them.</summary>
    public async Task<IReadOnlyList<PendingAlert>> PlanAsync(IReadOnlyList<StatementStored> statements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var enabled = await subscriptions.ListEnabledAsync(cancellationToken);
        var samples = new Dictionary<(string Topic, int Hours), TopicVolumeSample>();
        var pending = new List<PendingAlert>();
        foreach (var statement in statements)
        {
            await PlanAsync(statement, enabled, samples, pending, cancellationToken);
        }

        // Once per key (two statements of a batch can raise the same spike), in key order: two processes raising
        // overlapping alerts (a spike's key is shared by every statement of its window) take the keys in the same order,
        // and cannot deadlock.
        return [.. pending.DistinctBy(p => (p.Alert.SubscriptionId, p.DedupeKey))
            .OrderBy(p => p.Alert.SubscriptionId).ThenBy(p => p.DedupeKey, StringComparer.Ordinal)];
    }

    private async Task PlanAsync(StatementStored statement, IReadOnlyList<Subscription> enabled, Dictionary<(string Topic, int Hours), TopicVolumeSample> samples,
        List<PendingAlert> pending, CancellationToken cancellationToken)
    {
        foreach (var subscription in enabled)
        {
            if (subscription.Kind == SubscriptionKinds.Spike)
            {
                foreach (var topic in SubscriptionMatcher.SpikeTopics(subscription, statement))
                {
                    if (await CheckSpikeAsync(subscription, topic, samples, cancellationToken) is { } spike)
                    {
                        pending.Add(spike);
                    }
                }

                continue;
            }

            if (SubscriptionMatcher.Match(subscription, statement) is not { } matched
                || !await MatchesQueryAsync(subscription, statement.StatementId, cancellationToken))
            {
                continue;
            }

            pending.Add(Pending(subscription, AlertStore.StatementKey(statement.StatementId), new AlertRecord
            {
                SubscriptionId = subscription.Id, UserId = subscription.UserId, Kind = AlertKinds.Statement, StatementId = statement.StatementId,
                Revision = statement.Revision, Title = statement.Title, Url = statement.Url, MatchedTopics = matched, TriggeredAt = time.GetUtcNow(),
            }));
        }
    }

    /// <summary>
    /// The alerts of a committed clustering page: each event that NATO and the EP have both spoken on for the first time
    /// raises one alert per "event" subscription whose topics it carries (<see cref="EventAlertMatcher"/>), keyed
    /// <c>event:&lt;id&gt;</c>, in (subscription, key) order.
    /// </summary>
    public async Task<IReadOnlyList<PendingAlert>> PlanEventsAsync(IReadOnlyList<GroupedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!events.Any(e => e.BothInstitutionsNow))
        {
            return [];
        }

        var enabled = (await subscriptions.ListEnabledAsync(cancellationToken)).Where(s => s.Kind == SubscriptionKinds.Event).ToList();
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var pending = new List<PendingAlert>();
        foreach (var grouped in events)
        {
            foreach (var subscription in enabled)
            {
                if (EventAlertMatcher.Match(subscription, grouped, today) is not { } matched)
                {
                    continue;
                }

                var detail = JsonSerializer.Serialize(new
                {
                    eventId = grouped.EventId, institutions = grouped.Institutions, members = grouped.Members,
                    firstDay = grouped.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    lastDay = grouped.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                });
                pending.Add(Pending(subscription, AlertStore.EventKey(grouped.EventId), new AlertRecord
                {
                    SubscriptionId = subscription.Id, UserId = subscription.UserId, Kind = AlertKinds.Event, Title = EventAlertMatcher.Title(grouped),
                    Url = DashboardLink($"event.html?id={grouped.EventId.ToString(CultureInfo.InvariantCulture)}"), MatchedTopics = matched,
                    Detail = detail, TriggeredAt = now,
                }));
            }
        }

        return [.. pending.DistinctBy(p => (p.Alert.SubscriptionId, p.DedupeKey))
            .OrderBy(p => p.Alert.SubscriptionId).ThenBy(p => p.DedupeKey, StringComparer.Ordinal)];
    }

    private async Task<bool> MatchesQueryAsync(Subscription subscription, long statementId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(subscription.Query))
        {
            return true;
        }

        TextQuery query;
        try
        {
            query = TextQuery.Parse(subscription.Query);
        }
        catch (QuerySyntaxException ex)
        {
            // The API refuses such queries; one stored before a syntax change matches nothing rather than everything.
            LogBadQuery(subscription.Id, ex.Message);
            return false;
        }

        return await queries.MatchesAsync(statementId, query, cancellationToken);
    }

    private async Task<PendingAlert?> CheckSpikeAsync(Subscription subscription, string topic, Dictionary<(string, int), TopicVolumeSample> samples, CancellationToken cancellationToken)
    {
        var hours = Math.Clamp(subscription.SpikeWindowHours ?? 24, 1, 24 * 7);
        var factor = subscription.SpikeFactor ?? 2;
        var now = time.GetUtcNow();
        if (!samples.TryGetValue((topic, hours), out var sample))
        {
            sample = await volume.MeasureAsync(topic, TimeSpan.FromHours(hours), now, cancellationToken);
            samples[(topic, hours)] = sample;
        }

        var usualPerWindow = sample.UsualPerHour * hours;
        if (sample.Count < options.Value.SpikeMinimumCount || sample.Count <= usualPerWindow * factor)
        {
            return null;
        }

        var windowMs = hours * 3_600_000L;
        var windowStart = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds() / windowMs * windowMs);
        var detail = JsonSerializer.Serialize(new { count = sample.Count, usualPerWindow = Math.Round(usualPerWindow, 3), windowHours = hours, factor });
        return Pending(subscription, AlertStore.SpikeKey(topic, windowStart), new AlertRecord
        {
            SubscriptionId = subscription.Id, UserId = subscription.UserId, Kind = AlertKinds.Spike, TopicId = topic,
            Title = string.Create(CultureInfo.InvariantCulture, $"Spike in {topic}: {sample.Count} statements in {hours} h (usually {usualPerWindow:0.#})"),
            Url = DashboardLink($"topic.html?id={Uri.EscapeDataString(topic)}"), MatchedTopics = [topic], Detail = detail, TriggeredAt = now,
        });
    }

    /// <summary>A page of the dashboard: absolute under <c>Alerts:DashboardUrl</c> when it is set, else a path.</summary>
    public string DashboardLink(string page) =>
        options.Value.DashboardUrl is { } root
            ? new Uri(new Uri(root.EndsWith('/') ? root : root + "/", UriKind.Absolute), page).ToString()
            : "/" + page;

    /// <summary>
    /// The alert with what its subscription sends: now or after quiet hours, or at the next digest. The weekly briefing
    /// job plans its alerts here too, so they go out exactly as the matcher's do.
    /// </summary>
    public PendingAlert Pending(Subscription subscription, string dedupeKey, AlertRecord alert)
    {
        var now = alert.TriggeredAt;
        var channels = new List<string>();
        if (!string.IsNullOrWhiteSpace(subscription.WebhookUrl))
        {
            channels.Add(DeliveryStore.Webhook);
        }

        if (subscription.Email && options.Value.Smtp.Enabled)
        {
            channels.Add(DeliveryStore.Email);
        }

        if (!string.IsNullOrWhiteSpace(subscription.NtfyUrl))
        {
            channels.Add(DeliveryStore.Ntfy);
        }

        if (!string.IsNullOrWhiteSpace(subscription.TelegramChatId))
        {
            channels.Add(DeliveryStore.Telegram);
        }

        var digest = subscription.Delivery is SubscriptionDelivery.Hourly or SubscriptionDelivery.Daily;
        var sendAt = DeliverySchedule.SendAt(subscription, now);
        return new PendingAlert(alert, dedupeKey, new AlertPlan
        {
            SubscriptionName = subscription.Name,
            Notify = subscription.InApp,
            DigestDueAt = digest && channels.Count > 0 ? DeliverySchedule.DigestDueAt(subscription, now) : null,
            Deliveries = channels.Select(channel => new PlannedDelivery(channel, sendAt)).ToList(),
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} has a query that no longer parses ({Error}); it matches nothing")]
    private partial void LogBadQuery(long subscriptionId, string error);
}
