using Monitor.Ingestion.Polling;

namespace Monitor.Ingestion;

public static class IngestionWorker
{
    /// <summary>The scheduler and pollers; Ingestion consumes nothing, it publishes what it finds.</summary>
    public static IHostApplicationBuilder AddIngestionWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(IngestionOptions.SectionName);
        builder.Services.Configure<IngestionOptions>(section);
        var options = section.Get<IngestionOptions>() ?? new IngestionOptions();
        builder.Services.AddHttpClient<FeedFetcher>(http =>
        {
            http.Timeout = options.RequestTimeout;
            http.MaxResponseContentBufferSize = options.MaxFeedBytes;
            http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        }).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            MaxAutomaticRedirections = 5,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
        builder.Services.AddSingleton<SourceSeeder>();
        builder.Services.AddScoped<FeedPoller>();
        builder.Services.AddHostedService<SourceScheduler>();
        return builder;
    }
}
