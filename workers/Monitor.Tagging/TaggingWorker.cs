using MassTransit;
using Monitor.Core.Tagging;
using Monitor.Data.Tagging;
using Monitor.Embeddings;
using Monitor.Hosting.Messaging;
using Monitor.Tagging.Consumers;

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
        var mode = ModeOf(options);
        builder.Services.AddSingleton(_ => Taggers.Create(topics, mode, options.Semantic.MaxSentences));
        builder.Services.AddSingleton(Taggers.Identify(topics, mode));
        builder.Services.AddSingleton<BackfillTagger>();
        builder.Services.AddSingleton<RetagStore>();
        builder.Services.AddHostedService<RetagService>();
        builder.Services.AddHostedService<BackfillRefiner>();
        return builder;
    }

    /// <summary>The tagger a process with these settings uses: hybrid, or the calibrated rules when the semantic layer is off.</summary>
    public static Taggers.Mode ModeOf(TaggingOptions options) =>
        options?.Semantic.Enabled == false ? Taggers.Mode.Calibrated : Taggers.Mode.Hybrid;

    /// <summary>
    /// What the Tagging workers configured like this process record on their tags, for a process that does not tag
    /// (the dashboard in the distributed setup): the same settings, the built-in topic file unless one is named.
    /// </summary>
    public static TaggerIdentity IdentifyFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(TaggingOptions.SectionName).Get<TaggingOptions>() ?? new TaggingOptions();
        var topics = string.IsNullOrWhiteSpace(options.TopicFile) ? TopicFile.LoadDefault() : TopicFile.LoadFile(options.TopicFile);
        return Taggers.Identify(topics, ModeOf(options));
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<TagStatementConsumer>().Endpoint(e => e.Name = PipelineQueues.TagStatement);
        bus.AddConsumer<TagBackfilledStatementConsumer>().Endpoint(e =>
        {
            // Sent to by name only: bound to the message type's exchange it would also get every live one published.
            e.Name = PipelineQueues.TagStatementBackfill;
            e.ConfigureConsumeTopology = false;
        });
    }
}
