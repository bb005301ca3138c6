using Monitor.Core.Alerts;

namespace Monitor.Alerts;

/// <summary>
/// Bound from the <c>Alerts</c> section: delivery of alerts to webhooks and email. The networks and the SMTP server
/// are <see cref="AlertChannelOptions"/>, which the dashboard reads too.
/// </summary>
public sealed class AlertsOptions : AlertChannelOptions
{
    /// <summary>
    /// The dashboard's public address (e.g. <c>https://monitor.example.org/</c>). When set, links to the dashboard in
    /// alerts (a spike's topic page) are absolute, so they work from email, chat and feed readers; when not, they are
    /// paths the dashboard's own pages resolve.
    /// </summary>
    public string? DashboardUrl { get; set; }

    /// <summary>Attempts before a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the first retry; each next wait doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The Telegram Bot API's base URL; a bot's sendMessage is POSTed to <c>{TelegramApiUrl}bot&lt;token&gt;/sendMessage</c>.
    /// Change it only for a local Bot API server (or a test's stand-in); its address passes the same network guard.
    /// </summary>
    public string TelegramApiUrl { get; set; } = "https://api.telegram.org/";

    /// <summary>Time allowed for one webhook, ntfy or Telegram request, or SMTP send.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A spike needs at least this many statements in its window, whatever the usual rate.</summary>
    public int SpikeMinimumCount { get; set; } = 3;

    /// <summary>How often due hourly and daily digests are looked for and queued.</summary>
    public TimeSpan DigestPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The weekday (UTC) the weekly briefing digest of "briefing" subscriptions falls due.</summary>
    public DayOfWeek BriefingDay { get; set; } = DayOfWeek.Monday;

    /// <summary>The time of day (UTC) on <see cref="BriefingDay"/> it falls due; it covers the 7 whole UTC days before that day.</summary>
    public TimeOnly BriefingTime { get; set; } = new(6, 0);

    /// <summary>How often the briefing job checks whether a week's digest is due (and not yet raised).</summary>
    public TimeSpan BriefingPollInterval { get; set; } = TimeSpan.FromMinutes(5);
}
