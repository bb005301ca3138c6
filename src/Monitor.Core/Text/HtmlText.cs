using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Monitor.Core.Text;

/// <summary>
/// HTML fragments (feed descriptions, content:encoded, Atom html/xhtml) to plain text, with AngleSharp: a real
/// HTML5 parser copes with the unclosed tags, stray entities and void elements feeds are full of, where
/// hand-rolled tag stripping does not.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "iframe", "object", "svg", "math", "head",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tr", "ul",
    };

    public static string ToPlainText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return "";
        }

        // Most titles and many summaries are plain already: skip the parser for them.
        if (html.IndexOfAny(['<', '&']) < 0)
        {
            return PlainText.Collapse(html);
        }

        // A parser per call: HtmlParser is cheap to create and this keeps the method free of shared state.
        var document = new HtmlParser().ParseDocument(html);
        var sb = new StringBuilder(html.Length);
        if (document.Body is { } body)
        {
            Append(body, sb);
        }

        return PlainText.Collapse(DropCreditLine(sb.ToString()));
    }

    private static void Append(INode node, StringBuilder sb)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    sb.Append(text.Data);
                    break;
                case IElement element when Skipped.Contains(element.LocalName):
                    break;
                case IElement element when element.LocalName == "br":
                    sb.Append('\n');
                    break;
                case IElement element when element.LocalName is "td" or "th":
                    sb.Append(' ');
                    Append(element, sb);
                    sb.Append(' ');
                    break;
                case IElement element when Blocks.Contains(element.LocalName):
                    sb.Append('\n');
                    Append(element, sb);
                    sb.Append('\n');
                    break;
                case IElement element:
                    Append(element, sb);
                    break;
            }
        }
    }

    /// <summary>
    /// EP descriptions end in a credit line, "Source : © European Union, 2021 - EP" ("Bron : © ..." in Dutch):
    /// a last line of the form "Word : © ..." is boilerplate, not the statement, so it is dropped.
    /// </summary>
    private static string DropCreditLine(string text)
    {
        var trimmed = text.TrimEnd();
        var start = trimmed.LastIndexOf('\n') + 1;
        return IsCreditLine(trimmed.AsSpan(start)) ? trimmed[..start] : text;
    }

    /// <summary>The same credit line removed from markup (the trailing inline run after the last break or block).</summary>
    public static string WithoutCreditLine(string html)
    {
        if (string.IsNullOrWhiteSpace(html) || !html.Contains('©', StringComparison.Ordinal))
        {
            return html;
        }

        var document = new HtmlParser().ParseDocument(html);
        if (document.Body is not { } body)
        {
            return html;
        }

        var nodes = body.ChildNodes.ToList();
        var end = nodes.Count;
        while (end > 0 && IsBlankOrBreak(nodes[end - 1]))
        {
            end--;
        }

        var start = end;
        if (end > 0 && nodes[end - 1] is IElement last && Blocks.Contains(last.LocalName))
        {
            start = end - 1;
        }
        else
        {
            while (start > 0 && !(nodes[start - 1] is IElement e && (e.LocalName == "br" || Blocks.Contains(e.LocalName))))
            {
                start--;
            }
        }

        var tail = string.Concat(nodes.Skip(start).Take(end - start).Select(n => n.TextContent));
        if (start == end || !IsCreditLine(PlainText.Collapse(tail)))
        {
            return html;
        }

        foreach (var node in nodes.Skip(start))
        {
            body.RemoveChild(node);
        }

        // The breaks that separated the credit line from the text go with it.
        while (body.LastChild is { } trailing && IsBlankOrBreak(trailing))
        {
            body.RemoveChild(trailing);
        }

        return body.InnerHtml.Trim();
    }

    private static bool IsBlankOrBreak(INode node) =>
        node is IText text ? string.IsNullOrWhiteSpace(text.Data) : node is IElement { LocalName: "br" };

    private static bool IsCreditLine(ReadOnlySpan<char> line)
    {
        var last = line.Trim();
        var colon = last.IndexOf(':');
        if (colon <= 0 || last.Length > 120)
        {
            return false;
        }

        var label = last[..colon].Trim();
        var rest = last[(colon + 1)..].TrimStart();
        foreach (var c in label)
        {
            if (!char.IsLetter(c))
            {
                return false;
            }
        }

        return label.Length > 0 && rest.StartsWith("©");
    }
}
