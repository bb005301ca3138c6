using System.Text.Json;
using System.Text.Json.Nodes;
using Monitor.Contracts;

namespace Monitor.Core.Tagging;

/// <summary>
/// The NDJSON of <c>monitor tag</c>: one input line <c>{"id", "title", "text"}</c> becomes one output line
/// <c>{"id", "topics": [{"id", "score", "evidence"}], "figures": [{"id", "value", "baseline", "drift", "evidence", ...}]}</c>,
/// or <c>{"id", "error"}</c> when the line is not such an object.
/// </summary>
public sealed class StatementLines(Tagger tagger)
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Tags one input line; <paramref name="failed"/> tells whether the result is an error line.</summary>
    public string TagLine(string line, int lineNumber, out bool failed)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonNode? id = null;
        try
        {
            if (JsonNode.Parse(line) is not JsonObject input)
            {
                return Error(null, $"line {lineNumber}: expected a JSON object {{\"id\", \"title\", \"text\"}}", out failed);
            }

            id = input["id"]?.DeepClone();
            if (id is null || id.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
            {
                return Error(id, $"line {lineNumber}: \"id\" is missing or not a string or number", out failed);
            }

            var title = Text(input, "title");
            var text = Text(input, "text");
            if (title is null && text is null)
            {
                return Error(id, $"line {lineNumber}: neither \"title\" nor \"text\" is a string", out failed);
            }

            var result = tagger.Analyse(title ?? "", text ?? "");
            failed = false;
            return Output(id, result).ToJsonString(Compact);
        }
        catch (JsonException ex)
        {
            return Error(id, $"line {lineNumber}: not valid JSON: {ex.Message}", out failed);
        }
        catch (InvalidOperationException ex)
        {
            return Error(id, $"line {lineNumber}: {ex.Message}", out failed);
        }
    }

    private static string? Text(JsonObject input, string name) =>
        input[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static JsonObject Output(JsonNode id, TaggingResult result) => new()
    {
        ["id"] = id,
        ["topics"] = new JsonArray([.. result.Topics.Select(Topic)]),
        ["figures"] = new JsonArray([.. result.Figures.Select(Figure)]),
    };

    private static JsonNode Topic(TopicScore topic) => new JsonObject
    {
        ["id"] = topic.TopicId,
        ["score"] = topic.Score,
        ["evidence"] = new JsonArray([.. topic.Evidence.Select(Evidence)]),
    };

    // A semantic vote also carries its similarity; a matched term has none.
    private static JsonNode Evidence(TopicEvidence e)
    {
        var item = new JsonObject
        {
            ["term"] = e.Term,
            ["field"] = e.Field,
            ["start"] = e.Start,
            ["length"] = e.Length,
        };
        if (e.Similarity is { } similarity)
        {
            item["similarity"] = similarity;
        }

        return item;
    }

    private static JsonNode Figure(FigureValue figure) => new JsonObject
    {
        ["id"] = figure.FigureId,
        ["value"] = figure.Value,
        ["baseline"] = figure.Baseline,
        ["drift"] = figure.Drift,
        ["evidence"] = figure.Evidence,
        ["field"] = figure.Field,
        ["start"] = figure.Start,
    };

    private static string Error(JsonNode? id, string message, out bool failed)
    {
        failed = true;
        return new JsonObject { ["id"] = id?.DeepClone(), ["error"] = message }.ToJsonString(Compact);
    }
}
