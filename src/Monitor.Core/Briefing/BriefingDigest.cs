using System.Globalization;
using System.Text.Json;

namespace Monitor.Core.Briefing;

/// <summary>
/// The weekly digest of the living briefing that a "briefing" subscription receives as one alert (docs/briefing.md,
/// "Weekly digest"): when it falls due, the week it covers, its dedupe key, the report cut to the subscription's
/// topics, the statements it cites and its title. Pure: the Alerts worker's job builds the report and raises the alert.
/// </summary>
public static class BriefingDigest
{
    public const int DaysPerWeek = 7;

    /// <summary>
    /// The latest moment at or before <paramref name="now"/> that falls on <paramref name="day"/> at
    /// <paramref name="time"/> (UTC): the end of the week the current digest covers. The week is the 7 days before it.
    /// </summary>
    public static DateTimeOffset LastDue(DateTimeOffset now, DayOfWeek day, TimeOnly time)
    {
        var utc = now.ToUniversalTime();
        var today = new DateTimeOffset(DateOnly.FromDateTime(utc.UtcDateTime).ToDateTime(time, DateTimeKind.Utc));
        var back = ((int)utc.DayOfWeek - (int)day + DaysPerWeek) % DaysPerWeek;
        var due = today.AddDays(-back);
        return due > utc ? due.AddDays(-DaysPerWeek) : due;
    }

    /// <summary>
    /// The week a digest due at <paramref name="due"/> covers: the 7 whole UTC days before the day it falls due,
    /// [day − 7, day), so that it is exactly the briefing page's date range from its first to its last day.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) Week(DateTimeOffset due)
    {
        var day = new DateTimeOffset(due.UtcDateTime.Date, TimeSpan.Zero);
        return (day.AddDays(-DaysPerWeek), day);
    }

    /// <summary>The briefing page for the week (<c>from</c> and <c>to</c> are its first and last day, both included).</summary>
    public static string PagePath(DateTimeOffset from, DateTimeOffset to) =>
        $"briefing.html?from={Day(from)}&to={Day(to.AddDays(-1))}";

    /// <summary>Once per subscription and week: <c>briefing:&lt;the week's first day&gt;</c>.</summary>
    public static string DedupeKey(DateTimeOffset weekStart) => "briefing:" + Day(weekStart);

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The report with only <paramref name="topics"/>' topics (and the sections holding them); the figures belong to
    /// no single topic and are left out. No topics: the whole report.
    /// </summary>
    public static BriefingReport ForTopics(BriefingReport report, IReadOnlyCollection<string> topics)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(topics);
        if (topics.Count == 0)
        {
            return report;
        }

        var sections = report.Sections
            .Select(s => s with { Topics = s.Topics.Where(t => topics.Contains(t.TopicId)).ToList() })
            .Where(s => s.Topics.Count > 0)
            .ToList();
        return report with { Sections = sections, Figures = [] };
    }

    /// <summary>Every statement the report cites (what the Markdown's footnotes list), once each, in the order first cited.</summary>
    public static IReadOnlyList<BriefingCitation> Cited(BriefingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var all = report.Sections.SelectMany(s => s.Topics).SelectMany(t =>
                t.Nato.Concat(t.Ep).Concat(new[] { t.First, t.Latest, t.FirstNato, t.FirstEp }.OfType<BriefingCitation>()))
            .Concat(report.Figures.SelectMany(f =>
                new[] { f.Latest }.OfType<BriefingCitation>().Concat(f.Conflicts.SelectMany(c => new[] { c.Earlier, c.Later }))));
        return all.DistinctBy(c => c.StatementId).ToList();
    }

    /// <summary>
    /// The alert's title, a template of dates and counts: "Briefing, 3 April 2023–9 April 2023: 1 NATO statement
    /// and 1 EP statement" (the week's first and last day; a source that is neither adds "and N other statements").
    /// </summary>
    public static string Title(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<BriefingCitation> cited)
    {
        ArgumentNullException.ThrowIfNull(cited);
        var parts = new List<string>();
        foreach (var (institution, label) in new[] { ("NATO", "NATO statement"), ("EP", "EP statement"), ("Other", "other statement") })
        {
            var n = cited.Count(c => c.Institution == institution);
            if (n > 0 || institution != "Other")
            {
                parts.Add(BriefingText.Plural(n, label));
            }
        }

        var counts = parts.Count == 2 ? $"{parts[0]} and {parts[1]}" : $"{parts[0]}, {parts[1]} and {parts[2]}";
        return $"Briefing, {BriefingText.Date(from)}–{BriefingText.Date(to.AddDays(-1))}: {counts}";
    }

    /// <summary>
    /// The alert's detail (JSON, as every alert's detail): the week (<c>from</c>, <c>to</c> exclusive), the counts of
    /// statements cited (all, NATO, EP) and the briefing of the week as Markdown.
    /// </summary>
    public static string Detail(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<BriefingCitation> cited, string markdown)
    {
        ArgumentNullException.ThrowIfNull(cited);
        return JsonSerializer.Serialize(new
        {
            from, to, statements = cited.Count, nato = cited.Count(c => c.Institution == "NATO"), ep = cited.Count(c => c.Institution == "EP"), markdown,
        });
    }

    /// <summary>A briefing alert's Markdown (its detail's <c>markdown</c>), or null for any other detail.</summary>
    public static string? MarkdownOf(string? detail)
    {
        if (string.IsNullOrWhiteSpace(detail))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(detail);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("markdown", out var markdown) && markdown.ValueKind == JsonValueKind.String
                ? markdown.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
