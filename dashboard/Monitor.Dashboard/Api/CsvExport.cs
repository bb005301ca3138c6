using System.Globalization;
using System.Text;
using Monitor.Contracts;

namespace Monitor.Dashboard.Api;

/// <summary>One statement as an RFC 4180 CSV row: fields with a comma, quote or line break are quoted.</summary>
public static class CsvExport
{
    public const string Header = "statement_id,revision,source_id,external_id,document_type,language,published_at,url,title,summary,topics,drift";

    public static string Row(StatementStored s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var topics = string.Join(';', s.Topics.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.TopicId}:{t.Score:0.###}")));
        string[] fields =
        [
            s.StatementId.ToString(CultureInfo.InvariantCulture), s.Revision.ToString(CultureInfo.InvariantCulture), s.SourceId, s.ExternalId,
            s.DocumentType, s.Language ?? "", s.PublishedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", s.Url, s.Title, s.Summary, topics,
            s.Figures.Any(f => f.Drift) ? "true" : "false",
        ];
        return string.Join(',', fields.Select(Field));
    }

    /// <summary>
    /// Quotes where needed; text starting with =, +, -, @ (or a tab or carriage return) gets a leading apostrophe so a
    /// spreadsheet shows it rather than running it as a formula (OWASP CSV injection).
    /// </summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        return new StringBuilder(value.Length + 8).Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
    }
}
