using System.Text.Json.Serialization;
using MassTransit;
using Monitor.Alerts;
using Monitor.Core.Alerts;
using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;
using Monitor.Dashboard.Consumers;
using Monitor.Dashboard.Demo;
using Monitor.Dashboard.Live;
using Monitor.Dashboard.Problems;
using Monitor.Embeddings;
using Monitor.Hosting;
using Monitor.Hosting.Messaging;
using Monitor.Ingestion;
using Monitor.Persistence;
using Monitor.Tagging;

namespace Monitor.Dashboard;

public static class DashboardSetup
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>SignalR, the live broadcaster, the API's JSON, and, in the embedded default, every worker.</summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var options = builder.AddMonitorOptions<DashboardOptions>(DashboardOptions.SectionName);
        // What a subscription is checked against (webhook networks, SMTP): the Alerts settings both sides read.
        builder.AddMonitorOptions<AlertChannelOptions>(AlertChannelOptions.SectionName);
        // The broker the error-queue admin API reads and replays (the bus itself is wired by AddMonitorMessaging).
        builder.AddMonitorOptions<MessagingOptions>(MessagingOptions.SectionName);

        // Serve wwwroot from the project when running from the build output (dotnet run, tests) in any
        // environment, not only Development; a published app has its own wwwroot and no manifest, so this is a no-op.
        builder.WebHost.UseStaticWebAssets();
        builder.AddLivePush();
        builder.AddMonitorAuth(options.HostWorkers);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.AddProblemBodies();
        builder.Services.AddOpenApi();

        Action<IBusRegistrationConfigurator>[] consumers = options.HostWorkers
            ? [AddPushConsumers, TaggingWorker.AddConsumers, PersistenceWorker.AddConsumers, AlertsWorker.AddConsumers]
            : [AddPushConsumers];
        builder.AddMonitorMessaging(consumers);
        if (options.HostWorkers)
        {
            builder.AddDemoFeed();
            builder.AddIngestionWorker().AddTaggingWorker().AddPersistenceWorker().AddAlertsWorker();
        }
        else
        {
            // Adding a source by URL fetches it as Ingestion would: the same guard, caps and Ingestion settings.
            builder.AddFeedFetching();
            // The hub validates topic ids and /api/topics lists them, whether or not Tagging runs here.
            builder.Services.AddSingleton(TopicFile.LoadDefault());
            // GET /api/tagging: the version and mode the Tagging workers (configured alike) record.
            builder.Services.AddSingleton(Taggers.Identify(builder.Configuration.GetSection(TaggingOptions.SectionName).Get<TaggingOptions>() ?? new TaggingOptions()));
        }

        return builder;
    }

    /// <summary>Every replica gets its own temporary queue, so each sees every event and pushes to its own clients.</summary>
    private static void AddPushConsumers(IBusRegistrationConfigurator bus)
    {
        var replica = NewId.NextGuid().ToString("N")[..12];
        bus.AddConsumer<PushStatementConsumer>().Endpoint(e => (e.Temporary, e.InstanceId) = (true, replica));
        bus.AddConsumer<PushEventChipsConsumer>().Endpoint(e => (e.Temporary, e.InstanceId) = (true, replica));
        bus.AddConsumer<PushAlertConsumer>().Endpoint(e => (e.Temporary, e.InstanceId) = (true, replica));
        bus.AddConsumer<PushSourceHealthConsumer>().Endpoint(e => (e.Temporary, e.InstanceId) = (true, replica));
        bus.AddConsumer<CloseRevokedConnectionsConsumer>().Endpoint(e => (e.Temporary, e.InstanceId) = (true, replica));
        // After a broker restart the temporary queues come back empty: the clients catch up on what was missed.
        bus.AddReceiveEndpointObserver<Live.BusGapObserver>();
    }

    /// <summary><c>--Demo:Enabled=true</c>: the feed simulator in process, its feeds registered as sources.</summary>
    private static void AddDemoFeed(this WebApplicationBuilder builder)
    {
        var demo = builder.AddMonitorOptions<DemoOptions>(DemoOptions.SectionName);
        if (demo.Enabled)
        {
            DemoSimulator.Configure(builder, demo);
            builder.Services.AddSingleton(demo);
            builder.Services.AddHostedService<DemoSimulator>();
        }
    }
}
