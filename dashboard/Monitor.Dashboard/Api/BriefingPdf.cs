using Monitor.Core.Briefing;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Monitor.Dashboard.Api;

/// <summary>
/// The living briefing as PDF with PDFsharp (MIT): the same lines as the Markdown export, in the same order, every
/// cited statement a numbered footnote with its links, the links clickable. Drawn in-process: no browser on the
/// server, a few milliseconds per page. PDFsharp needs a TrueType font on Linux: DejaVu Sans (Debian's
/// fonts-dejavu-core), found in the usual font folders.
/// </summary>
public static class BriefingPdf
{
    private const double Margin = 50;
    private const double Width = 595 - 2 * Margin; // A4 in points
    private const double Bottom = 842 - Margin;

    private static readonly Lock FontLock = new();

    public static byte[] Render(BriefingReport report, Func<long, string> statementLink)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(statementLink);
        UseDejaVu();
        using var document = new PdfDocument();
        document.Info.Title = report.Title;
        var writer = new Writer(document);
        var notes = new BriefingMarkdown.Footnotes();
        string Cite(BriefingCitation c) => " [" + notes.NumberOf(c) + "]";

        writer.Text(report.Title, 16, true);
        writer.Text(BriefingText.PeriodLine(report), 10, false);
        foreach (var section in report.Sections)
        {
            writer.Space(8);
            writer.Text(section.Heading, 13, true);
            foreach (var topic in section.Topics)
            {
                writer.Space(4);
                writer.Text(topic.Title, 11, true);
                foreach (var quote in topic.Passage)
                {
                    writer.Text($"“{quote.Text}” (briefing, line {quote.Line})", 9, false, indent: 12);
                }

                writer.Text(BriefingText.CountLine(topic), 9, false);
                foreach (var (name, list) in new[] { ("NATO", topic.Nato), ("European Parliament", topic.Ep) })
                {
                    if (list.Count > 0)
                    {
                        writer.Text(name + ", newest first:", 9, true);
                        foreach (var c in list)
                        {
                            writer.Text($"{BriefingText.Date(c.At)}: “{c.Sentence}”{Cite(c)}", 9, false, indent: 12);
                        }
                    }
                }

                if (topic.First is not null)
                {
                    writer.Text($"First in the period: {BriefingText.Date(topic.First.At)}, {topic.First.Title}{Cite(topic.First)}", 9, false);
                    writer.Text($"Latest: {BriefingText.Date(topic.Latest!.At)}, {topic.Latest.Title}{Cite(topic.Latest)}", 9, false);
                }

                if (BriefingText.SpokeFirstLine(topic) is { } spoke)
                {
                    writer.Text(spoke, 9, false);
                }
            }
        }

        writer.Space(8);
        writer.Text("Figures, then and now", 13, true);
        foreach (var f in report.Figures)
        {
            writer.Space(4);
            writer.Text($"{f.Quantity}: baseline {BriefingText.Number(f.Baseline)}; history {BriefingText.HistoryLine(f)}", 10, true);
            if (f.Latest is not null)
            {
                writer.Text($"Latest stated: {BriefingText.Number(f.LatestValue!.Value)} by {f.Latest.SourceId} ({f.Latest.Institution}), {BriefingText.Date(f.Latest.At)}: “{f.Latest.Sentence}”{Cite(f.Latest)}", 9, false, indent: 12);
            }
            else
            {
                writer.Text("Not stated in the period.", 9, false, indent: 12);
            }

            foreach (var c in f.Conflicts)
            {
                writer.Text($"Conflict: {BriefingText.Number(c.EarlierValue)} on {BriefingText.Date(c.Earlier.At)}{Cite(c.Earlier)} and {BriefingText.Number(c.LaterValue)} on {BriefingText.Date(c.Later.At)}{Cite(c.Later)}", 9, false, indent: 12);
            }
        }

        if (notes.Count > 0)
        {
            writer.Space(8);
            writer.Text("Sources", 13, true);
            foreach (var (n, c) in notes.All)
            {
                writer.Text($"[{n}] {c.Title}, {c.SourceId}, {BriefingText.Date(c.At)}.", 8, false);
                writer.Link(statementLink(c.StatementId), 8, 12);
                writer.Link(c.Url, 8, 12);
            }
        }

        writer.Close();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static void UseDejaVu()
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not DejaVuResolver)
            {
                GlobalFontSettings.FontResolver = new DejaVuResolver();
            }
        }
    }

    /// <summary>Lines drawn top to bottom, wrapped at words, a new page when one is full.</summary>
    private sealed class Writer(PdfDocument document)
    {
        private PdfPage? _page;
        private XGraphics? _graphics;
        private double _y = Bottom;

        public void Space(double points) => _y += points;

        public void Text(string text, double size, bool bold, double indent = 0)
        {
            var font = new XFont(DejaVuResolver.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
            foreach (var line in Wrap(text, font, Width - indent))
            {
                var g = Line(size);
                g.DrawString(line, font, XBrushes.Black, new XRect(Margin + indent, _y, Width - indent, size * 1.3), XStringFormats.TopLeft);
                _y += size * 1.3;
            }
        }

        /// <summary>A web address, written out (so it survives printing) and clickable.</summary>
        public void Link(string url, double size, double indent)
        {
            var font = new XFont(DejaVuResolver.Family, size, XFontStyleEx.Regular);
            foreach (var line in Wrap(url, font, Width - indent, breakAnywhere: true))
            {
                var g = Line(size);
                var box = new XRect(Margin + indent, _y, g.MeasureString(line, font).Width, size * 1.3);
                g.DrawString(line, font, XBrushes.DarkBlue, box, XStringFormats.TopLeft);
                // PDF space counts from the page's bottom.
                _page!.AddWebLink(new PdfRectangle(new XRect(box.X, _page.Height.Point - box.Y - box.Height, box.Width, box.Height)), url);
                _y += size * 1.3;
            }
        }

        public void Close() => _graphics?.Dispose();

        private XGraphics Line(double size)
        {
            if (_graphics is null || _y + size * 1.3 > Bottom)
            {
                _graphics?.Dispose();
                _page = document.AddPage();
                _page.Width = XUnit.FromPoint(595);
                _page.Height = XUnit.FromPoint(842);
                _graphics = XGraphics.FromPdfPage(_page);
                _y = Margin;
            }

            return _graphics;
        }

        private IEnumerable<string> Wrap(string text, XFont font, double width, bool breakAnywhere = false)
        {
            var measure = _graphics ?? XGraphics.CreateMeasureContext(new XSize(595, 842), XGraphicsUnit.Point, XPageDirection.Downwards);
            var line = "";
            foreach (var word in breakAnywhere ? text.Select(c => c.ToString()) : text.Split(' '))
            {
                var candidate = line.Length == 0 ? word : breakAnywhere ? line + word : line + " " + word;
                if (line.Length > 0 && measure.MeasureString(candidate, font).Width > width)
                {
                    yield return line;
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    /// <summary>PDFsharp's fonts on any system: DejaVu Sans and DejaVu Sans Bold from the usual font folders.</summary>
    private sealed class DejaVuResolver : IFontResolver
    {
        public const string Family = "DejaVu Sans";

        private static readonly string[] Folders =
        [
            "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF", "/usr/local/share/fonts", "/Library/Fonts",
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.Windows), "Fonts"),
        ];

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

        public byte[]? GetFont(string faceName)
        {
            foreach (var folder in Folders)
            {
                var path = Path.Combine(folder, faceName + ".ttf");
                if (File.Exists(path))
                {
                    return File.ReadAllBytes(path);
                }
            }

            throw new FontMissingException($"The PDF export needs the font {faceName}.ttf (Debian: apt-get install fonts-dejavu-core); looked in {string.Join(", ", Folders)}.");
        }
    }

    /// <summary>The machine lacks the font the PDF is drawn with: a server's setup to mend, not a failure of the request.</summary>
    public sealed class FontMissingException(string message) : InvalidOperationException(message);
}
