using MassTransit;
using Monitor.Core.Tagging;
using Monitor.Data.Tagging;
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
        builder.Services.AddSingleton<Tagger>();
        builder.Services.AddSingleton<RetagStore>();
        builder.Services.AddHostedService<RetagService>();
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<TagStatementConsumer>().Endpoint(e => e.Name = PipelineQueues.TagStatement);
}
