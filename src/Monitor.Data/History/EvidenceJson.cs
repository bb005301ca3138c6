using System.Text.Json;
using Monitor.Data.Outbox;

namespace Monitor.Data.History;

/// <summary>
/// Reads a topic's stored evidence JSON. The one place that knows its shape, so a change of
/// <see cref="Contracts.TopicScore.Evidence"/>'s type is a change here only.
/// </summary>
internal static class EvidenceJson
{
    public static IReadOnlyList<string> Read(string json) =>
        JsonSerializer.Deserialize<List<string>>(json, OutboxStore.Json) ?? [];
}
