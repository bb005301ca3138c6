using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Monitor.Core.Tagging;
using Monitor.Dashboard.Auth;

namespace Monitor.Dashboard.Hubs;

/// <summary>The live hub. Clients may join per-topic groups to receive only that topic's statements.</summary>
[Authorize(Policy = MonitorPolicies.Read)]
public sealed class MonitorHub(TopicFile topics) : Hub<IMonitorClient>
{
    public const string Path = "/hubs/monitor";

    public static string TopicGroup(string topicId) => $"topic:{topicId}";

    public Task JoinTopic(string topicId) =>
        Groups.AddToGroupAsync(Context.ConnectionId, TopicGroup(Known(topicId)));

    public Task LeaveTopic(string topicId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, TopicGroup(Known(topicId)));

    private string Known(string topicId) =>
        topics.Topics.Any(t => t.Id == topicId)
            ? topicId
            : throw new HubException($"Unknown topic '{topicId}'. Topic ids are listed at /api/topics.");
}
