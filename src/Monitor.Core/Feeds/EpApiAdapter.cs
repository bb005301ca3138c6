using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Monitor.Contracts;
using Monitor.Core.Text;

namespace Monitor.Core.Feeds;

/// <summary>
/// The EP Open Data Portal v2 feeds (<c>data.europarl.europa.eu/api/v2/&lt;collection&gt;/feed</c>): adopted texts,
/// plenary documents, and the other document collections, as Atom or JSON-LD (sniffed from the content).
/// </summary>
/// <remarks>
/// The id is the document identifier ("TA-10-2025-0279"), which is also the <see cref="FeedItem.DocumentReference"/>
/// ep-rss derives from doceo links, so one text read from both is recognised. The API answers some failures with
/// HTTP 200 and an error object in the body: that is a <see cref="FeedFormatException"/>, never an empty feed. The
/// link points at the human-readable doceo page when the identifier has one (texts adopted, reports, motions).
/// </remarks>
internal static partial class EpApiAdapter
{
    private static readonly Uri DataBase = new("https://data.europarl.europa.eu/");
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, AllowTrailingCommas = true };
    private static readonly string[] PreferredLanguages = ["en", "fr", "de"];

    public static IReadOnlyList<FeedItem> Parse(Stream body, Uri feedUrl)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        body.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return FirstSignificantByte(bytes) is (byte)'{' or (byte)'['
            ? ParseJsonLd(bytes)
            : FeedParser.Parse(new MemoryStream(bytes), feedUrl, RefineAtom);
    }

    private static FeedItem RefineAtom(XElement entry, FeedItem item)
    {
        var identifier = LastSegment(item.ExternalId);
        var workType = entry.Elements(Atom + "category")
            .Select(c => (string?)c.Attribute("scheme") ?? (string?)c.Attribute("term"))
            .FirstOrDefault(s => s?.Contains("ep-document-types/", StringComparison.OrdinalIgnoreCase) == true);
        var reference = EpReferences.FromDocumentId(identifier);
        return item with
        {
            ExternalId = identifier,
            Url = DoceoUrl(reference, item.Language) ?? item.Url,
            DocumentType = DocumentTypeOf(workType),
            DocumentReference = reference,
        };
    }

    private static List<FeedItem> ParseJsonLd(byte[] bytes)
    {
        using var document = JsonInput.Load(bytes, "EP Open Data JSON-LD", Options);
        var root = document.RootElement;
        ThrowIfErrorBody(root);
        var items = root.ValueKind switch
        {
            JsonValueKind.Array => root,
            JsonValueKind.Object when root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array => data,
            JsonValueKind.Object when root.TryGetProperty("@graph", out var graph) && graph.ValueKind == JsonValueKind.Array => graph,
            JsonValueKind.Object => throw new FeedFormatException(
                "Expected EP Open Data JSON-LD {\"data\": [...]} but the document has no \"data\" array"
                + (JsonInput.PropertyNames(root) is { Length: > 0 } names ? $" (it has: {names})" : "")),
            _ => throw new FeedFormatException(
                $"Expected EP Open Data JSON-LD {{\"data\": [...]}} but the document is a JSON {JsonInput.KindName(root.ValueKind)}"),
        };

        var result = new List<FeedItem>();
        var index = 0;
        foreach (var element in items.EnumerateArray())
        {
            index++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new FeedFormatException(
                    $"Expected EP Open Data JSON-LD items to be objects but item {index} is a JSON {JsonInput.KindName(element.ValueKind)}");
            }

            if (ReadJsonItem(element) is { } item)
            {
                result.Add(item);
            }
        }

        return [.. FeedIds.MakeUnique(result)];
    }

    /// <summary>HTTP 200 with <c>{"error": "404 Not Found from POST ..."}</c> (or an RFC 7807 problem) is a failed poll.</summary>
    private static void ThrowIfErrorBody(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var name in new[] { "error", "errors", "error_description" })
        {
            if (root.TryGetProperty(name, out var error) && error.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
            {
                throw new FeedFormatException($"The EP Open Data API answered with an error in the body: {Describe(error)}");
            }
        }

        var hasData = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array;
        if (root.TryGetProperty("@context", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("error", out _) && (!hasData || data.GetArrayLength() == 0))
        {
            throw new FeedFormatException("The EP Open Data API answered with an error context and no data");
        }

        if (!hasData && root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number
            && status.TryGetInt32(out var code) && code >= 400)
        {
            var detail = JsonInput.String(root, "detail") ?? JsonInput.String(root, "title") ?? JsonInput.String(root, "message");
            throw new FeedFormatException($"The EP Open Data API answered with status {code} in the body{(detail is null ? "" : $": {Excerpt(detail)}")}");
        }
    }

    private static string Describe(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.String => Excerpt(error.GetString() ?? ""),
        JsonValueKind.Object => JsonInput.String(error, "message") ?? JsonInput.String(error, "detail")
            ?? JsonInput.String(error, "title") ?? Excerpt(error.GetRawText()),
        _ => Excerpt(error.GetRawText()),
    };

    private static FeedItem? ReadJsonItem(JsonElement element)
    {
        var id = JsonInput.String(element, "id") ?? JsonInput.String(element, "@id");
        var identifier = JsonInput.String(element, "identifier") ?? (id is null ? null : LastSegment(id));
        var label = JsonInput.String(element, "label");
        var (title, language) = TitleOf(element);
        title = HtmlText.ToPlainText(title ?? label ?? identifier);
        if (identifier is null && title.Length == 0)
        {
            return null;
        }

        var reference = EpReferences.FromDocumentId(identifier) ?? EpReferences.FromDocumentId(label);
        var dataUrl = id is null ? "" : FeedUrls.Canonical(DataBase, id);
        var dateRaw = JsonInput.String(element, "document_date") ?? JsonInput.String(element, "date")
            ?? JsonInput.String(element, "issued");
        return new FeedItem(
            identifier?.ToUpperInvariant() ?? FeedIds.Hash(title, dateRaw),
            DoceoUrl(reference, language) ?? dataUrl,
            title,
            label is not null && label != title ? label : "",
            "",
            BrusselsTime.ParseDay(dateRaw) ?? FeedDates.Parse(dateRaw),
            dateRaw,
            language)
        {
            DocumentType = DocumentTypeOf(JsonInput.String(element, "work_type")),
            DocumentReference = reference,
        };
    }

    /// <summary>The title of the first expression (or dcterms title), English first; with its language.</summary>
    private static (string? Title, string? Language) TitleOf(JsonElement element)
    {
        if (element.TryGetProperty("is_realized_by", out var expressions) && expressions.ValueKind == JsonValueKind.Array)
        {
            foreach (var expression in expressions.EnumerateArray())
            {
                if (expression.ValueKind == JsonValueKind.Object && expression.TryGetProperty("title", out var t)
                    && LanguageMap(t) is { Title: not null } found)
                {
                    return found;
                }
            }
        }

        return element.TryGetProperty("title_dcterms", out var dcterms) ? LanguageMap(dcterms) : (null, null);
    }

    private static (string? Title, string? Language) LanguageMap(JsonElement map)
    {
        if (map.ValueKind == JsonValueKind.String)
        {
            return (map.GetString(), null);
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        foreach (var language in PreferredLanguages)
        {
            if (JsonInput.String(map, language) is { } title)
            {
                return (title, language);
            }
        }

        var first = map.EnumerateObject().FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.String);
        return first.Value.ValueKind == JsonValueKind.String ? (first.Value.GetString(), first.Name.ToLowerInvariant()) : (null, null);
    }

    /// <summary>"def/ep-document-types/TEXT_ADOPTED" → text-adopted; verbatim debates → speech; other EP documents are official texts.</summary>
    internal static string DocumentTypeOf(string? workType)
    {
        var type = workType?.ToUpperInvariant() ?? "";
        if (type.Contains("TEXT_ADOPTED", StringComparison.Ordinal))
        {
            return DocumentTypes.TextAdopted;
        }

        if (type.Contains("VERBATIM", StringComparison.Ordinal) || type.Contains("DEBATE", StringComparison.Ordinal)
            || type.Contains("SPEECH", StringComparison.Ordinal))
        {
            return DocumentTypes.Speech;
        }

        return type.Contains("PRESS", StringComparison.Ordinal) ? DocumentTypes.PressRelease : DocumentTypes.Declaration;
    }

    /// <summary>The doceo page of a text adopted, report or motion ("TA-10-2025-0279" → .../doceo/document/TA-10-2025-0279_EN.html).</summary>
    internal static string? DoceoUrl(string? reference, string? language)
    {
        if (reference is null || !DoceoDocument().IsMatch(reference))
        {
            return null;
        }

        var lang = language is { Length: 2 } ? language.ToUpperInvariant() : "EN";
        return $"https://www.europarl.europa.eu/doceo/document/{reference}_{lang}.html";
    }

    private static string LastSegment(string id)
    {
        var trimmed = id.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }

    private static byte FirstSignificantByte(byte[] bytes)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        foreach (var b in span)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return 0;
    }

    private static string Excerpt(string text) => PlainText.Collapse(text.Length > 200 ? text[..200] + "…" : text);

    [GeneratedRegex(@"^(TA|A|B|RC)-\d{1,2}-\d{4}-\d{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex DoceoDocument();
}
