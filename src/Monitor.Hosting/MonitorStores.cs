using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitor.Data;
using Monitor.Data.Accounts;
using Monitor.Data.Alerts;
using Monitor.Data.Backfill;
using Monitor.Data.History;
using Monitor.Data.Migrations;
using Monitor.Data.Outbox;
using Monitor.Data.Sources;
using Monitor.Data.Statements;

namespace Monitor.Hosting;

/// <summary>
/// Every store of <c>Monitor.Data</c>, registered in one place: each is a singleton over the one <see cref="Database"/>,
/// cheap until used, so every process registers all of them and no worker or API module registers its own.
/// </summary>
public static class MonitorStores
{
    public static IServiceCollection AddMonitorStores(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<Database>();
        services.TryAddSingleton<Migrator>();

        // Sources and statements.
        services.TryAddSingleton<SourceStore>();
        services.TryAddSingleton<SourceAdminStore>();
        services.TryAddSingleton<SourcePollLog>();
        services.TryAddSingleton<BackfillStore>();
        services.TryAddSingleton<StatementStore>();
        services.TryAddSingleton<DiscoveredItemStore>();
        services.TryAddSingleton<OutboxStore>();

        // History.
        services.TryAddSingleton<HistoryStore>();
        services.TryAddSingleton<HistoryAggregates>();
        services.TryAddSingleton<StatementDetailStore>();
        services.TryAddSingleton<QueryMatch>();
        services.TryAddSingleton<Monitor.Data.Briefing.BriefingStore>();
        services.TryAddSingleton<Monitor.Data.Events.EventStore>();
        services.TryAddSingleton<Monitor.Data.Events.EventQueries>();

        // Accounts.
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<ApiTokenStore>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<DataProtectionKeyStore>();
        services.TryAddSingleton<Monitor.Data.SavedSearches.SavedSearchStore>();

        // Alerts.
        services.TryAddSingleton<SubscriptionStore>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<DeliveryStore>();
        services.TryAddSingleton<DigestStore>();
        services.TryAddSingleton<InboxStore>();
        services.TryAddSingleton<Monitor.Data.Triage.StatementMarkStore>();
        services.TryAddSingleton<TopicVolume>();
        return services;
    }
}
