using Monitor.Core.Tagging;

namespace Monitor.Core.Briefing;

/// <summary>A heading of the briefing and the lines under it, up to the next heading (1-based, inclusive).</summary>
public sealed record BriefingSection(int HeadingLine, string Heading, int FirstLine, int LastLine)
{
    public bool Contains(int line) => line >= FirstLine && line <= LastLine;
}

/// <summary>
/// The EPRS briefing as a text of numbered lines (the numbering the topic file's anchors quote) and its headings.
/// The briefing marks no headings; a heading is read as a line that is short, ends without punctuation and starts
/// after a finished sentence (the first line, the title, is one): six in the baseline, each a section.
/// </summary>
public sealed class BriefingDocument
{
    /// <summary>
    /// The baseline's date: the day after the last event the briefing reports (NATO foreign ministers, 6-7 April 2022).
    /// "Since the baseline" starts here.
    /// </summary>
    public static readonly DateTimeOffset BaselineDate = new(2022, 4, 8, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A heading is at most this long (the briefing's longest is 71 characters; its text lines run to 115).</summary>
    public const int MaxHeadingLength = 80;

    private static readonly Lazy<BriefingDocument> Default = new(() =>
    {
        using var stream = typeof(BriefingDocument).Assembly.GetManifestResourceStream("Monitor.Core.Briefing.briefing.txt")
            ?? throw new InvalidOperationException("The briefing is not embedded in Monitor.Core.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    private BriefingDocument(IReadOnlyList<string> lines, IReadOnlyList<BriefingSection> sections)
    {
        Lines = lines;
        Sections = sections;
    }

    /// <summary>The lines as written, trailing spaces removed; <c>Lines[0]</c> is line 1.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The sections in the briefing's order; the first is the title's (the summary at the top).</summary>
    public IReadOnlyList<BriefingSection> Sections { get; }

    /// <summary>The baseline briefing shipped in this assembly (byte-identical to shared/baseline/briefing.txt).</summary>
    public static BriefingDocument LoadDefault() => Default.Value;

    public static BriefingDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var headings = new List<int>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (IsHeading(lines, i))
            {
                headings.Add(i + 1);
            }
        }

        if (headings.Count == 0)
        {
            throw new FormatException("The briefing has no heading: its first line should be its title.");
        }

        var sections = headings.Select((line, n) => new BriefingSection(
                line, lines[line - 1].Trim(), line + 1, n + 1 < headings.Count ? headings[n + 1] - 1 : lines.Count))
            .ToList();
        return new BriefingDocument(lines, sections);
    }

    /// <summary>The text of a 1-based line, trimmed.</summary>
    public string Line(int line) =>
        line >= 1 && line <= Lines.Count ? Lines[line - 1].Trim() : throw new ArgumentOutOfRangeException(nameof(line), line, $"The briefing has lines 1 to {Lines.Count}.");

    /// <summary>The section a line belongs to (a heading belongs to its own section).</summary>
    public BriefingSection SectionOf(int line) =>
        Sections.LastOrDefault(s => s.HeadingLine <= line) ?? Sections[0];

    /// <summary>
    /// Each section with the topics placed under it, in the briefing's order. A topic sits under the section that holds
    /// the most of its anchor lines (a tie: the earlier section), so "sanctions" (lines 7 and 29) sits in the summary at
    /// the top and "deterrence-eastern-flank" (lines 8, 9 and 70-94) under "NATO deterrence measures within the Alliance".
    /// Within a section, topics follow their first anchor line there. A topic without anchors is left out.
    /// </summary>
    public IReadOnlyList<(BriefingSection Section, IReadOnlyList<(TopicDefinition Topic, IReadOnlyList<BriefingAnchor> Anchors)> Topics)> Outline(
        IEnumerable<TopicDefinition> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var placed = new List<(BriefingSection Section, TopicDefinition Topic, IReadOnlyList<BriefingAnchor> Anchors)>();
        foreach (var topic in topics)
        {
            var bySection = topic.Anchors.Where(a => a.Line >= 1 && a.Line <= Lines.Count).GroupBy(a => SectionOf(a.Line))
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.HeadingLine).FirstOrDefault();
            if (bySection is not null)
            {
                placed.Add((bySection.Key, topic, bySection.OrderBy(a => a.Line).ToList()));
            }
        }

        return Sections.Select(section => (section, (IReadOnlyList<(TopicDefinition, IReadOnlyList<BriefingAnchor>)>)placed
                .Where(p => p.Section == section).OrderBy(p => p.Anchors[0].Line).Select(p => (p.Topic, p.Anchors)).ToList()))
            .ToList();
    }

    private static bool IsHeading(List<string> lines, int i)
    {
        var line = lines[i].Trim();
        if (line.Length == 0 || line.Length > MaxHeadingLength || !char.IsUpper(line[0]) || ".,;:-–’'\")".Contains(line[^1], StringComparison.Ordinal))
        {
            return false;
        }

        // After the start, a blank line or a line that finished its sentence; and text follows.
        var before = i == 0 ? "" : lines[i - 1].Trim();
        var endsSentence = before.Length == 0 || before[^1] is '.' or '!' or '?';
        var textFollows = i + 1 < lines.Count && lines[i + 1].Trim().Length > 0;
        return endsSentence && textFollows;
    }
}
