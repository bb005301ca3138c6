using Microsoft.Extensions.Options;
using Monitor.Hosting.Net;
using Monitor.Ingestion.Backfill;
using Monitor.Ingestion.Polling;

namespace Monitor.Ingestion;

public static class IngestionWorker
{
    /// <summary>The scheduler and pollers; Ingestion consumes nothing, it publishes what it finds.</summary>
    public static IHostApplicationBuilder AddIngestionWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IngestionOptions>()
            .BindConfiguration(IngestionOptions.SectionName)
            .Validate(options => options.AllowedNetworks.All(NetworkGuard.IsNetwork),
                "Ingestion:AllowedNetworks must hold networks in CIDR notation (e.g. 127.0.0.1/32 or 10.0.0.0/8)")
            .Validate(options => options.EpLanguages.All(IngestionOptions.IsEpLanguage),
                "Ingestion:EpLanguages must hold two-letter language codes other than \"en\" (e.g. \"fr\", \"de\")")
            .ValidateOnStart();
        builder.Services.AddIngestionPolling();
        builder.Services.AddHostedService<SourceScheduler>();
        builder.Services.AddOptions<BackfillOptions>()
            .BindConfiguration(BackfillOptions.SectionName)
            .Validate(options => options.RequestsPerSecondPerHost > 0 && options.MaxConcurrentJobs > 0 && options.Lease > TimeSpan.Zero,
                "Backfill:RequestsPerSecondPerHost, MaxConcurrentJobs and Lease must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<BackfillHostRate>();
        builder.Services.AddScoped<BackfillWalker>();
        builder.Services.AddHostedService<BackfillRunner>();
        return builder;
    }

    /// <summary>
    /// The guarded HTTP client and what a poll needs. Timeouts and the body cap are the fetcher's (per request and
    /// adapter); the handler follows no redirect itself and connects only through <see cref="NetworkGuard"/>.
    /// </summary>
    public static IServiceCollection AddIngestionPolling(this IServiceCollection services)
    {
        services.AddFeedFetching();
        services.AddSingleton<HostPoliteness>();
        services.AddSingleton<ArticleSlots>();
        services.AddSingleton<IFullText, AdapterFullText>();
        services.AddScoped<ArticleFetcher>();
        services.AddScoped<FeedPoller>();
        services.AddSingleton<SourceSeeder>();
        return services;
    }

    /// <summary>
    /// The guarded fetcher alone, with the <c>Ingestion</c> settings (allowed networks, caps, timeouts): what a
    /// dashboard that hosts no worker needs to look at a URL an administrator adds as a source.
    /// </summary>
    public static IHostApplicationBuilder AddFeedFetching(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IngestionOptions>()
            .BindConfiguration(IngestionOptions.SectionName)
            .Validate(options => options.AllowedNetworks.All(NetworkGuard.IsNetwork),
                "Ingestion:AllowedNetworks must hold networks in CIDR notation (e.g. 127.0.0.1/32 or 10.0.0.0/8)")
            .ValidateOnStart();
        builder.Services.AddFeedFetching();
        return builder;
    }

    private static IServiceCollection AddFeedFetching(this IServiceCollection services)
    {
        services.AddSingleton(sp => new NetworkGuard(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.AllowedNetworks));
        services.AddSingleton<EndpointRateLimiter>();
        services.AddHttpClient<FeedFetcher>((sp, http) =>
        {
            http.Timeout = Timeout.InfiniteTimeSpan;
            http.DefaultRequestHeaders.UserAgent.ParseAdd(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.UserAgent);
        }).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var guard = sp.GetRequiredService<NetworkGuard>();
            return new SocketsHttpHandler
            {
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                AllowAutoRedirect = false,
                ConnectTimeout = sp.GetRequiredService<IOptions<IngestionOptions>>().Value.ConnectTimeout,
                ConnectCallback = guard.ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
        });
        return services;
    }
}
