namespace Monitor.Alerts;

/// <summary>Bound from the <c>Alerts</c> section: delivery of alerts to webhooks and email.</summary>
public sealed class AlertsOptions
{
    public const string SectionName = "Alerts";

    /// <summary>
    /// Networks (CIDR) or addresses a webhook may target although they are loopback or private. Empty by default:
    /// only public addresses. Set by the operator (an admin), e.g. <c>Alerts:AllowedNetworks:0=10.0.0.0/8</c>.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

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

    /// <summary>Time allowed for one webhook request or SMTP send.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A spike needs at least this many statements in its window, whatever the usual rate.</summary>
    public int SpikeMinimumCount { get; set; } = 3;

    /// <summary>How often due hourly and daily digests are looked for and queued.</summary>
    public TimeSpan DigestPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Email is a channel only when <see cref="SmtpOptions.Host"/> is set.</summary>
    public SmtpOptions Smtp { get; set; } = new();
}

/// <summary><c>Alerts:Smtp</c>: the server MailKit sends alert email through.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>None, StartTls, SslOnConnect or Auto (MailKit's <c>SecureSocketOptions</c>).</summary>
    public string Security { get; set; } = "Auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "Monitor <monitor@localhost>";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
