using System.Text.Json;

namespace Monitor.Core.Tagging.Evaluation;

/// <summary>The labelled files of this folder: NDJSON embedded in the assembly, parsed line by line.</summary>
internal static class Ndjson
{
    /// <summary>The text of an embedded resource; throws naming it when the build did not embed it.</summary>
    public static string ReadResource(string name)
    {
        using var stream = typeof(Ndjson).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded file {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>One object per non-blank line; throws <see cref="FormatException"/> naming the bad line.</summary>
    /// <param name="check">Returns a problem with a line's object, or null when it is fine.</param>
    public static List<T> Parse<T>(string ndjson, JsonSerializerOptions options, Func<T?, string?> check)
    {
        ArgumentNullException.ThrowIfNull(ndjson);
        var items = new List<T>();
        var lines = ndjson.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            T? item;
            try
            {
                item = JsonSerializer.Deserialize<T>(lines[i], options);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"Line {i + 1}: {ex.Message}", ex);
            }

            if (check(item) is { } problem)
            {
                throw new FormatException($"Line {i + 1}: {problem}");
            }

            items.Add(item!);
        }

        return items;
    }
}
