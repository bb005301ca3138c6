using System.Globalization;
using System.Text;

namespace Monitor.Cli.Commands;

/// <summary>Sources as a plain-text table: one line each, the last error under an unhealthy one.</summary>
internal static class SourcesTable
{
    public static string Render(IReadOnlyList<SourcesClient.Source> sources)
    {
        if (sources.Count == 0)
        {
            return "No sources.\n";
        }

        string[] header = ["ID", "STATE", "HEALTH", "ADAPTER", "LAST SUCCESS (UTC)", "URL"];
        var rows = sources.Select(s => new[]
        {
            s.Id,
            s.Enabled ? "polling" : "paused",
            s.ConsecutiveFailures > 0 ? string.Create(CultureInfo.InvariantCulture, $"{s.Health} ({s.ConsecutiveFailures}x)") : s.Health,
            s.Adapter,
            s.LastSuccessAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "never",
            s.Url,
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        Line(text, header, widths);
        foreach (var (row, source) in rows.Zip(sources))
        {
            Line(text, row, widths);
            if (source.LastError is { Length: > 0 } error)
            {
                text.Append("    last error: ").AppendLine(error);
            }
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.AppendLine();
    }
}
