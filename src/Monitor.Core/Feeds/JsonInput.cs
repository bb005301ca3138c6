using System.Text;
using System.Text.Json;

namespace Monitor.Core.Feeds;

/// <summary>Reading JSON feed bodies: every parse failure and wrong shape becomes a readable <see cref="FeedFormatException"/>.</summary>
internal static class JsonInput
{
    public static JsonDocument Load(Stream body, string expected, JsonDocumentOptions options)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        body.CopyTo(buffer);
        return Load(buffer.ToArray(), expected, options);
    }

    public static JsonDocument Load(byte[] bytes, string expected, JsonDocumentOptions options)
    {
        var text = Decode(bytes);
        var start = text.AsSpan().TrimStart();
        if (start.IsEmpty)
        {
            throw new FeedFormatException($"Expected {expected} but the response has no content");
        }

        if (start[0] == '<')
        {
            throw new FeedFormatException(
                $"Expected {expected} but got markup (HTML or XML, it starts with \"{Excerpt(start)}\")");
        }

        try
        {
            return JsonDocument.Parse(text, options);
        }
        catch (JsonException ex)
        {
            throw new FeedFormatException($"Expected {expected} but the content is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>A string property; null when absent, null, empty or of another kind (a number where text belongs is no title).</summary>
    public static string? String(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    /// <summary>The first few property names of an object, for error messages.</summary>
    public static string PropertyNames(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? string.Join(", ", element.EnumerateObject().Take(8).Select(p => $"\"{Excerpt(p.Name)}\""))
            : "";

    // UTF-8 by the JSON spec; invalid bytes become U+FFFD rather than an exception (a BOM is skipped).
    private static string Decode(byte[] bytes)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        return Encoding.UTF8.GetString(span);
    }

    private static string Excerpt(ReadOnlySpan<char> text) =>
        Text.PlainText.Collapse(text[..Math.Min(text.Length, 40)].ToString());
}
