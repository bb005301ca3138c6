using MailKit.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;
using Monitor.Alerts.Digests;

namespace Monitor.Alerts.Delivery;

public static class EmailSetup
{
    /// <summary>
    /// The email channel and the digest scheduler. The channel is registered whether or not SMTP is configured: without
    /// <c>Alerts:Smtp:Host</c> nothing queues email, and a send refuses with a clear, permanent error.
    /// </summary>
    public static IServiceCollection AddEmailAndDigests(this IServiceCollection services)
    {
        // Checked at start-up with the rest of AlertsOptions (AddAlertsWorker validates on start): a typo in the SMTP
        // settings stops the process with a message instead of turning every email into a dead delivery.
        services.AddOptions<AlertsOptions>()
            .Validate(options => options.DigestPollInterval > TimeSpan.Zero, "Alerts:DigestPollInterval must be positive")
            .Validate(options => !options.Smtp.Enabled || IsSecurity(options.Smtp.Security),
                "Alerts:Smtp:Security must be one of None, StartTls, StartTlsWhenAvailable, SslOnConnect, Auto")
            .Validate(options => !options.Smtp.Enabled || options.Smtp.Port is > 0 and < 65536, "Alerts:Smtp:Port must be from 1 to 65535")
            .Validate(options => !options.Smtp.Enabled || MailboxAddress.TryParse(options.Smtp.From, out _),
                "Alerts:Smtp:From must be an email address, e.g. \"Monitor <monitor@example.org>\"");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeliverySignal>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryChannel, EmailChannel>());
        services.AddHostedService<DigestScheduler>();
        return services;
    }

    private static bool IsSecurity(string value) =>
        Enum.TryParse<SecureSocketOptions>(value, ignoreCase: true, out var security) && Enum.IsDefined(security) && !int.TryParse(value, out _);
}
