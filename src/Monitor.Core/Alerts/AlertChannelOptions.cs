namespace Monitor.Core.Alerts;

/// <summary>
/// The <c>Alerts</c> settings both sides need: where a webhook may point and whether email can be sent. The Alerts
/// worker sends by them (its <c>AlertsOptions</c> adds retries, timeouts and digests); the dashboard refuses a
/// subscription the worker could not send (a webhook into a network not allowed, email without SMTP).
/// </summary>
public class AlertChannelOptions
{
    public const string SectionName = "Alerts";

    /// <summary>
    /// Networks (CIDR) or addresses a webhook may target although they are loopback or private. Empty by default:
    /// only public addresses. Set by the operator (an admin), e.g. <c>Alerts:AllowedNetworks:0=10.0.0.0/8</c>.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

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
