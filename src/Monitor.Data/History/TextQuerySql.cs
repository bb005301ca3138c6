using System.Text;
using Monitor.Core.Search;

namespace Monitor.Data.History;

/// <summary>
/// A parsed <see cref="TextQuery"/> in each store's full-text dialect, passed as one parameter (never spliced into
/// SQL). Words are letters and digits only, lower case, so quoting them cannot break out of the expression.
/// </summary>
public static class TextQuerySql
{
    /// <summary>PostgreSQL <c>to_tsquery('simple', …)</c> text.</summary>
    public static string ToTsQuery(this TextQuery query) => query switch
    {
        TextQuery.Term term => $"'{term.Word}'" + (term.Prefix ? ":*" : ""),
        TextQuery.Phrase phrase =>
            "(" + string.Join(" <-> ", phrase.Words.Select((w, i) => $"'{w}'" + (phrase.Prefix && i == phrase.Words.Count - 1 ? ":*" : ""))) + ")",
        TextQuery.Not not => "!" + not.Operand.ToTsQuery(),
        TextQuery.And and => "(" + string.Join(" & ", and.Parts.Select(p => p.ToTsQuery())) + ")",
        TextQuery.Or or => "(" + string.Join(" | ", or.Parts.Select(p => p.ToTsQuery())) + ")",
        _ => throw new ArgumentException($"Unknown query node {query?.GetType().Name}.", nameof(query)),
    };

    /// <summary>An SQLite FTS5 MATCH expression.</summary>
    public static string ToFts5(this TextQuery query) => query switch
    {
        TextQuery.Term term => $"\"{term.Word}\"" + (term.Prefix ? "*" : ""),
        TextQuery.Phrase phrase => "\"" + string.Join(' ', phrase.Words) + "\"" + (phrase.Prefix ? "*" : ""),
        // FTS5 has only the binary "a NOT b": And renders its negated parts that way.
        TextQuery.Not => throw new InvalidOperationException("A negation renders as part of its AND."),
        TextQuery.And and => Fts5And(and),
        TextQuery.Or or => "(" + string.Join(" OR ", or.Parts.Select(p => p.ToFts5())) + ")",
        _ => throw new ArgumentException($"Unknown query node {query?.GetType().Name}.", nameof(query)),
    };

    private static string Fts5And(TextQuery.And and)
    {
        var positive = and.Parts.Where(p => !p.IsNegative).Select(p => p.ToFts5());
        var text = new StringBuilder("(").AppendJoin(" AND ", positive).Append(')');
        foreach (var negative in and.Parts.OfType<TextQuery.Not>())
        {
            text.Append(" NOT ").Append(negative.Operand.ToFts5());
        }

        return "(" + text + ")";
    }
}
