using MassTransit;
using Monitor.Core.Tagging;
using Monitor.Data.Tagging;
using Monitor.Embeddings;
using Monitor.Hosting;
using Monitor.Hosting.Messaging;
using Monitor.Tagging.Batching;
using Monitor.Tagging.Consumers;
using Monitor.Tagging.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Monitor.Tagging;

public static class TaggingWorker
{
    /// <summary>Loads (and validates) the topic file once at start-up: a broken file stops the process with its error.</summary>
    public static IHostApplicationBuilder AddTaggingWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(TaggingOptions.SectionName).Get<TaggingOptions>() ?? new TaggingOptions();
        var topics = string.IsNullOrWhiteSpace(options.TopicFile)
            ? TopicFile.LoadDefault()
            : TopicFile.LoadFile(options.TopicFile);
        builder.Services.AddSingleton(topics);
        builder.Services.AddSingleton(options);
        var mode = Taggers.ModeOf(options);
        builder.Services.AddSingleton(_ => Taggers.Create(topics, mode, options.Semantic.MaxSentences));
        builder.Services.AddSingleton(Taggers.Identify(topics, mode));
        builder.Services.AddSingleton<BackfillTagger>();
        builder.Services.AddSingleton<RetagStore>();
        builder.Services.AddHostedService<RetagService>();
        builder.Services.AddHostedService<BackfillRefiner>();
        builder.Services.AddEventClustering(builder.Configuration.GetSection(EventClusteringOptions.SectionName).Get<EventClusteringOptions>() ?? new EventClusteringOptions());
        return builder;
    }

    /// <summary>The background event clustering (<see cref="EventClusterService"/>); needs a Database, a Tagger and TaggingOptions.</summary>
    public static IServiceCollection AddEventClustering(this IServiceCollection services, EventClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(options);
        services.TryAddSingleton<Monitor.Data.Events.EventStore>();
        services.TryAddSingleton<Monitor.Data.Backfill.BackfillStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<EventClusterService>();
        return services;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.TryAddHostedSingleton<TaggedPublisher>();
        bus.AddConsumer<TagStatementConsumer>().Endpoint(e => e.Name = PipelineQueues.TagStatement);
        bus.AddConsumer<TagBackfilledStatementConsumer>().Endpoint(e =>
        {
            // Sent to by name only: bound to the message type's exchange it would also get every live one published.
            e.Name = PipelineQueues.TagStatementBackfill;
            e.ConfigureConsumeTopology = false;
        });
    }
}
