using Monitor.Core.Alerts;
using Monitor.Dashboard.Api;

namespace Monitor.Dashboard;

/// <summary>
/// The dashboard's side of alerts: a user's subscriptions and their deliveries, the inbox, and the Atom feeds. The
/// in-app push itself is the live broadcaster's (<see cref="Live.LiveBroadcaster.AlertTriggeredAsync"/>).
/// </summary>
public static class AlertsApiSetup
{
    /// <summary>The <c>Alerts</c> settings a subscription is checked against (webhook networks, SMTP).</summary>
    public static WebApplicationBuilder AddAlertsApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AlertChannelOptions>().BindConfiguration(AlertChannelOptions.SectionName).ValidateOnStart();
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
