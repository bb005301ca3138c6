using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Monitor.Core.Feeds;

/// <summary>A source as written to OPML.</summary>
public sealed record OpmlSource(string Id, string Name, string Url, string Adapter, int PollIntervalSeconds, bool Enabled);

/// <summary>
/// One <c>&lt;outline&gt;</c> of an OPML file that names a feed (or should: <see cref="XmlUrl"/> is null when it has
/// none and no child outlines, so an import can say so). Monitor's own attributes (<c>monitor:id</c>,
/// <c>monitor:adapter</c>, <c>monitor:interval</c>, <c>monitor:enabled</c>) are read when present, so an export
/// imported again gives the same sources; any feed reader's file works without them.
/// </summary>
/// <param name="Line">The outline's line in the file (1-based), for the import's report.</param>
public sealed record OpmlOutline(int Line, string? Text, string? XmlUrl, string? HtmlUrl, string? Type, string? Id, string? Adapter, int? PollIntervalSeconds, bool? Enabled);

/// <summary>The file is not OPML Monitor can read, or is over a limit.</summary>
public sealed class OpmlFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>OPML 2.0 subscription lists (opml.org/spec2.opml), the format feed readers import and export.</summary>
public static class Opml
{
    public static readonly XNamespace MonitorNamespace = "urn:x-monitor:opml:1";

    /// <summary>An import holds at most this many feed outlines.</summary>
    public const int MaxOutlines = 500;

    private static readonly XmlReaderSettings SafeSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>The sources as an OPML 2.0 document: one <c>outline type="rss"</c> per source, in the order given.</summary>
    public static string Write(IEnumerable<OpmlSource> sources, DateTimeOffset created, string title = "Monitor sources")
    {
        ArgumentNullException.ThrowIfNull(sources);
        var monitor = MonitorNamespace;
        var body = new XElement("body", sources.Select(s =>
        {
            var outline = new XElement("outline",
                new XAttribute("type", "rss"),
                new XAttribute("text", s.Name),
                new XAttribute("title", s.Name),
                new XAttribute("xmlUrl", s.Url));
            if (HomePage(s.Url) is { } home)
            {
                outline.Add(new XAttribute("htmlUrl", home));
            }

            outline.Add(
                new XAttribute(monitor + "id", s.Id),
                new XAttribute(monitor + "adapter", s.Adapter),
                new XAttribute(monitor + "interval", s.PollIntervalSeconds.ToString(CultureInfo.InvariantCulture)),
                new XAttribute(monitor + "enabled", s.Enabled ? "true" : "false"));
            return outline;
        }));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("opml", new XAttribute("version", "2.0"), new XAttribute(XNamespace.Xmlns + "monitor", monitor.NamespaceName),
                new XElement("head", new XElement("title", title), new XElement("dateCreated", created.ToString("r", CultureInfo.InvariantCulture))),
                body));
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer.ToString();
    }

    /// <summary>
    /// The feed outlines of an OPML file (1.0 or 2.0), nested categories included, in document order. Outlines that
    /// only group others are skipped; one with neither an xmlUrl nor children is returned with a null
    /// <see cref="OpmlOutline.XmlUrl"/>.
    /// </summary>
    /// <exception cref="OpmlFormatException">Not XML, not OPML, a DTD, or more than <see cref="MaxOutlines"/> feeds.</exception>
    public static IReadOnlyList<OpmlOutline> Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new OpmlFormatException("The file is empty: expected an OPML document (<opml version=\"2.0\"><body><outline …>)");
        }

        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(text.TrimStart('\uFEFF')), SafeSettings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new OpmlFormatException(ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "The file declares a DTD (<!DOCTYPE …>), which is not allowed"
                : $"The file is not well-formed XML: {ex.Message}", ex);
        }

        var root = document.Root!;
        if (root.Name.LocalName != "opml")
        {
            throw new OpmlFormatException($"Expected an OPML document but the root element is <{root.Name.LocalName}>");
        }

        var body = root.Element("body") ?? throw new OpmlFormatException("The OPML document has no <body>");
        var outlines = new List<OpmlOutline>();
        foreach (var element in body.Descendants("outline"))
        {
            var xmlUrl = Attribute(element, "xmlUrl") ?? Attribute(element, "xmlurl") ?? Attribute(element, "url");
            if (xmlUrl is null && element.Elements("outline").Any())
            {
                continue;
            }

            if (outlines.Count == MaxOutlines)
            {
                throw new OpmlFormatException($"The file lists more than {MaxOutlines} feeds; import it in parts");
            }

            var interval = Attribute(element, MonitorNamespace + "interval");
            var enabled = Attribute(element, MonitorNamespace + "enabled");
            outlines.Add(new OpmlOutline(
                ((IXmlLineInfo)element).LineNumber,
                Attribute(element, "text") ?? Attribute(element, "title"),
                xmlUrl,
                Attribute(element, "htmlUrl"),
                Attribute(element, "type"),
                Attribute(element, MonitorNamespace + "id"),
                Attribute(element, MonitorNamespace + "adapter"),
                int.TryParse(interval, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : null,
                bool.TryParse(enabled, out var on) ? on : null));
        }

        return outlines;
    }

    private static string? Attribute(XElement element, XName name) =>
        element.Attribute(name)?.Value.Trim() is { Length: > 0 } value ? value : null;

    private static string? HomePage(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) + "/" : null;

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
