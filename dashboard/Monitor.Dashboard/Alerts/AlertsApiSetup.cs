using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.Dashboard.Api;
using Monitor.Data.Accounts;
using Monitor.Data.Alerts;

namespace Monitor.Dashboard;

/// <summary>
/// The dashboard's side of alerts: a user's subscriptions and their deliveries, the inbox, and the Atom feeds. The
/// in-app push itself is the live broadcaster's (<see cref="Live.LiveBroadcaster.AlertTriggeredAsync"/>).
/// </summary>
public static class AlertsApiSetup
{
    /// <summary>The stores, and the <c>Alerts</c> settings (webhook networks, SMTP) when the Alerts worker does not run here.</summary>
    public static WebApplicationBuilder AddAlertsApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<SubscriptionStore>();
        builder.Services.TryAddSingleton<InboxStore>();
        builder.Services.TryAddSingleton<DeliveryStore>();
        builder.Services.TryAddSingleton<UserStore>();

        // Bound once: binding a second time would append AllowedNetworks to themselves.
        if (!builder.Services.Any(d => d.ServiceType == typeof(IConfigureOptions<AlertsOptions>)))
        {
            builder.Services.Configure<AlertsOptions>(builder.Configuration.GetSection(AlertsOptions.SectionName));
        }

        return builder;
    }

    /// <summary><c>/api/subscriptions</c>, <c>/api/deliveries</c>, <c>/api/alerts</c> and <c>/feeds/alerts</c>.</summary>
    public static WebApplication MapAlertsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapSubscriptionsApi();
        app.MapInboxApi();
        app.MapAlertFeedApi();
        return app;
    }
}
