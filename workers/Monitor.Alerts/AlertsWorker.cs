using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitor.Alerts.Briefing;
using Monitor.Alerts.Delivery;
using Monitor.Alerts.Matching;
using Monitor.Core.Tagging;
using Monitor.Hosting;
using Monitor.Hosting.Messaging;
using Monitor.Hosting.Net;

namespace Monitor.Alerts;

public static class AlertsWorker
{
    /// <summary>Matching (the consumer), the stores it writes, the dispatcher that sends deliveries over the channels, and the weekly briefing digest.</summary>
    public static IHostApplicationBuilder AddAlertsWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AlertsOptions>()
            .BindConfiguration(AlertsOptions.SectionName)
            .Validate(options => options.AllowedNetworks.All(NetworkGuard.IsNetwork),
                "Alerts:AllowedNetworks must hold networks in CIDR notation (e.g. 127.0.0.1/32 or 10.0.0.0/8)")
            .Validate(options => options.MaxAttempts >= 1, "Alerts:MaxAttempts must be at least 1")
            .Validate(options => options.FirstRetryDelay > TimeSpan.Zero && options.MaxRetryDelay >= options.FirstRetryDelay,
                "Alerts:FirstRetryDelay must be positive and Alerts:MaxRetryDelay at least as long")
            .Validate(options => options.SendTimeout > TimeSpan.Zero, "Alerts:SendTimeout must be positive")
            .Validate(options => options.DashboardUrl is null
                    || (Uri.TryCreate(options.DashboardUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)),
                "Alerts:DashboardUrl must be an absolute http(s) URL, e.g. https://monitor.example.org/")
            .Validate(options => Uri.TryCreate(options.TelegramApiUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps),
                "Alerts:TelegramApiUrl must be an absolute http(s) URL (default https://api.telegram.org/)")
            .Validate(options => options.BriefingPollInterval > TimeSpan.Zero && Enum.IsDefined(options.BriefingDay),
                "Alerts:BriefingPollInterval must be positive and Alerts:BriefingDay a weekday (Monday … Sunday)")
            .ValidateOnStart();
        builder.Services.AddOutboxRelay();
        builder.Services.TryAddSingleton<DeliverySignal>();
        builder.Services.TryAddSingleton<AlertPlanner>();
        builder.Services.TryAddSingleton<AlertRaiser>();
        WebhookChannel.AddWebhookChannel(builder.Services);
        ChatChannels.AddNtfyAndTelegram(builder.Services);
        builder.Services.AddEmailAndDigests();
        builder.Services.AddHostedService<DeliveryDispatcher>();

        // The weekly living-briefing digest of "briefing" subscriptions, over the default topic file as the briefing page.
        builder.Services.TryAddSingleton(_ => TopicFile.LoadDefault());
        builder.Services.AddHostedService<BriefingDigestJob>();
        return builder;
    }

    /// <summary>Competing consumers: every Alerts process reads the one durable queue of each (statements, clustered events).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<MatchSubscriptionsConsumer>().Endpoint(e => e.Name = PipelineQueues.MatchSubscriptions);
        bus.AddConsumer<MatchEventSubscriptionsConsumer>().Endpoint(e => e.Name = PipelineQueues.MatchEventSubscriptions);
    }
}
