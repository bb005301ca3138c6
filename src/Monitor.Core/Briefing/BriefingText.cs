using System.Globalization;
using System.Text;

namespace Monitor.Core.Briefing;

/// <summary>
/// The fixed templates of the living briefing's exports, filled with counts and dates only: the one place their
/// wording lives (the page's script writes the same sentences). Nothing here writes a claim of its own.
/// </summary>
public static class BriefingText
{
    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public static string Number(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    public static string Institution(string institution) => institution switch
    {
        "EP" => "the European Parliament",
        "NATO" => "NATO",
        _ => "another source",
    };

    public static string PeriodLine(BriefingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.SinceBaseline
            ? $"Since the baseline ({Date(report.From)}) to {Date(report.To)}."
            : $"From {Date(report.From)} to {Date(report.To)}.";
    }

    public static string CountLine(BriefingTopicReport topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return topic.Statements switch
        {
            0 => "No statement on this topic in the period.",
            1 => "1 statement on this topic in the period.",
            var n => $"{n.ToString(CultureInfo.InvariantCulture)} statements on this topic in the period.",
        };
    }

    /// <summary>Who spoke first, when both did; else which one spoke, or null when neither did.</summary>
    public static string? SpokeFirstLine(BriefingTopicReport topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return (topic.FirstNato, topic.FirstEp) switch
        {
            (null, null) => null,
            ({ } nato, null) => $"Only NATO addressed it in the period (first on {Date(nato.At)}).",
            (null, { } ep) => $"Only the European Parliament addressed it in the period (first on {Date(ep.At)}).",
            ({ } nato, { } ep) when topic.SpokeFirst == "NATO" => $"NATO spoke first, on {Date(nato.At)}; the European Parliament on {Date(ep.At)}.",
            ({ } nato, { } ep) => $"The European Parliament spoke first, on {Date(ep.At)}; NATO on {Date(nato.At)}.",
        };
    }

    /// <summary>A figure's history as "30 → 31 → 32".</summary>
    public static string HistoryLine(BriefingFigureReport figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return string.Join(" → ", figure.History.Select(s => Number(s.Value)));
    }

    public static string StepLine(BriefingFigureStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var what = step.IsBaseline ? " (the briefing’s value)" : "";
        return step.FirstAt is null
            ? $"{Number(step.Value)}{what}: not restated in the period"
            : $"{Number(step.Value)}{what}: {Plural(step.Statements, "statement")}, first on {Date(step.FirstAt.Value)}, last on {Date(step.LastAt!.Value)}";
    }

    public static string Plural(long n, string word) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + word + (n == 1 ? "" : "s");

    /// <summary>Markdown's special characters escaped, so a quoted statement renders as its words.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|')
            {
                builder.Append('\\');
            }

            builder.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return builder.ToString();
    }
}
