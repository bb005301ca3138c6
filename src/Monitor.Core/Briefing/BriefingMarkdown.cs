using System.Globalization;
using System.Text;

namespace Monitor.Core.Briefing;

/// <summary>
/// The living briefing as Markdown: the same content as the page, every cited statement a footnote with the link to
/// its page on the dashboard and to its source.
/// </summary>
public static class BriefingMarkdown
{
    /// <param name="statementLink">The address of a statement's page (absolute, so the file works outside the dashboard).</param>
    public static string Render(BriefingReport report, Func<long, string> statementLink)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(statementLink);
        var notes = new Footnotes();
        var md = new StringBuilder();
        md.Append("# ").AppendLine(BriefingText.Escape(report.Title)).AppendLine();
        md.AppendLine(BriefingText.PeriodLine(report)).AppendLine();
        foreach (var section in report.Sections)
        {
            md.Append("## ").AppendLine(BriefingText.Escape(section.Heading)).AppendLine();
            foreach (var topic in section.Topics)
            {
                md.Append("### ").AppendLine(BriefingText.Escape(topic.Title)).AppendLine();
                // One quoted paragraph per passage line, kept apart by an empty quoted line.
                md.AppendJoin(">\n", topic.Passage.Select(quote =>
                    string.Create(CultureInfo.InvariantCulture, $"> {BriefingText.Escape(quote.Text)} (briefing, line {quote.Line})\n")));

                md.AppendLine().AppendLine(BriefingText.CountLine(topic)).AppendLine();
                foreach (var (name, list) in new[] { ("NATO", topic.Nato), ("European Parliament", topic.Ep) })
                {
                    if (list.Count == 0)
                    {
                        continue;
                    }

                    md.Append("**").Append(name).AppendLine(", newest first:**").AppendLine();
                    foreach (var c in list)
                    {
                        md.AppendLine(CultureInfo.InvariantCulture, $"- {BriefingText.Date(c.At)}: “{BriefingText.Escape(c.Sentence)}”{notes.Cite(c)}");
                    }

                    md.AppendLine();
                }

                if (topic.First is not null)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"First in the period: {BriefingText.Date(topic.First.At)}, {BriefingText.Escape(topic.First.Title)}{notes.Cite(topic.First)}  ");
                    md.AppendLine(CultureInfo.InvariantCulture, $"Latest: {BriefingText.Date(topic.Latest!.At)}, {BriefingText.Escape(topic.Latest.Title)}{notes.Cite(topic.Latest)}  ");
                }

                if (BriefingText.SpokeFirstLine(topic) is { } spoke)
                {
                    md.AppendLine(spoke);
                }

                if (topic.Weekly.Count > 0)
                {
                    md.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                        $"Statements per week, from the week of {topic.Weekly[0].Start:yyyy-MM-dd}: {string.Join(", ", topic.Weekly.Select(w => w.Statements))}.");
                }

                md.AppendLine();
            }
        }

        md.AppendLine("## Figures, then and now").AppendLine();
        md.AppendLine("| figure | baseline | latest stated | by | when | history |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in report.Figures)
        {
            var latest = f.Latest is null ? "not stated in the period" : BriefingText.Number(f.LatestValue!.Value) + notes.Cite(f.Latest);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {BriefingText.Escape(f.Quantity)} | {BriefingText.Number(f.Baseline)} | {latest} | {(f.Latest is null ? "" : BriefingText.Escape(f.Latest.SourceId) + " (" + f.Latest.Institution + ")")} | {(f.Latest is null ? "" : BriefingText.Date(f.Latest.At))} | {BriefingText.HistoryLine(f)} |");
        }

        md.AppendLine();
        foreach (var f in report.Figures)
        {
            md.Append("### ").AppendLine(BriefingText.Escape(f.Quantity)).AppendLine();
            if (f.Passage is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"> {BriefingText.Escape(f.Passage.Text)} (briefing, line {f.Passage.Line})").AppendLine();
            }

            if (f.Latest is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"Latest: {BriefingText.Number(f.LatestValue!.Value)}, “{BriefingText.Escape(f.Latest.Sentence)}”{notes.Cite(f.Latest)}").AppendLine();
            }

            foreach (var step in f.History)
            {
                md.Append("- ").AppendLine(BriefingText.StepLine(step));
            }

            foreach (var c in f.Conflicts)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"- **Conflict:** {BriefingText.Number(c.EarlierValue)} on {BriefingText.Date(c.Earlier.At)} (“{BriefingText.Escape(c.Earlier.Sentence)}”{notes.Cite(c.Earlier)}) and {BriefingText.Number(c.LaterValue)} on {BriefingText.Date(c.Later.At)} (“{BriefingText.Escape(c.Later.Sentence)}”{notes.Cite(c.Later)})");
            }

            md.AppendLine();
        }

        if (notes.Count > 0)
        {
            md.AppendLine("## Sources").AppendLine();
            foreach (var (n, c) in notes.All)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"[^{n}]: {BriefingText.Escape(c.Title)}, {BriefingText.Escape(c.SourceId)}, {BriefingText.Date(c.At)}. <{statementLink(c.StatementId)}> (source: <{c.Url}>)");
            }
        }

        return md.ToString();
    }

    /// <summary>One footnote number per statement, in the order first cited.</summary>
    public sealed class Footnotes
    {
        private readonly Dictionary<long, int> _numbers = [];
        private readonly List<(int, BriefingCitation)> _all = [];

        public int Count => _all.Count;

        public IReadOnlyList<(int Number, BriefingCitation Citation)> All => _all;

        public int NumberOf(BriefingCitation citation)
        {
            ArgumentNullException.ThrowIfNull(citation);
            if (!_numbers.TryGetValue(citation.StatementId, out var n))
            {
                n = _all.Count + 1;
                _numbers[citation.StatementId] = n;
                _all.Add((n, citation));
            }

            return n;
        }

        public string Cite(BriefingCitation citation) => "[^" + NumberOf(citation).ToString(CultureInfo.InvariantCulture) + "]";
    }
}
