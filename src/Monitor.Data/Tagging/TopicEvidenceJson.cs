using System.Text.Json;
using System.Text.Json.Serialization;
using Monitor.Contracts;
using Monitor.Data.Outbox;

namespace Monitor.Data.Tagging;

/// <summary>
/// Reads stored evidence: arrays of <see cref="TopicEvidence"/> objects, and the plain term strings that rows written
/// before evidence had offsets hold (read as the term with an empty field and no offsets, until re-tagging replaces them).
/// </summary>
public static class TopicEvidenceJson
{
    public static readonly JsonSerializerOptions Options = new(OutboxStore.Json) { Converters = { new LegacyTermConverter() } };

    public static List<TopicEvidence> Read(string json) => JsonSerializer.Deserialize<List<TopicEvidence>>(json, Options) ?? [];

    private sealed class LegacyTermConverter : JsonConverter<TopicEvidence>
    {
        private static readonly JsonSerializerOptions Plain = OutboxStore.Json;

        public override TopicEvidence? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? new TopicEvidence(reader.GetString() ?? "", "", 0, 0)
                : JsonSerializer.Deserialize<TopicEvidence>(ref reader, Plain);

        public override void Write(Utf8JsonWriter writer, TopicEvidence value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, Plain);
    }
}
