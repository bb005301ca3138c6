using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Monitor.Dashboard.Hubs;

namespace Monitor.Dashboard.Live;

/// <summary>SignalR and the live push: the hub, its bounded per-connection queues, and the broadcaster fed by the bus.</summary>
public static class LiveSetup
{
    public static WebApplicationBuilder AddLivePush(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.SectionName).ValidateOnStart();
        builder.Services.AddSignalR().AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        // Replaces SignalR's default for this hub (registered with TryAdd, so this one wins).
        builder.Services.AddSingleton<LiveHubLifetimeManager>();
        builder.Services.AddSingleton<HubLifetimeManager<MonitorHub>>(sp => sp.GetRequiredService<LiveHubLifetimeManager>());

        builder.Services.AddSingleton<LiveBroadcaster>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveBroadcaster>());
        return builder;
    }
}
