using Ganss.Xss;

namespace Monitor.Core.Text;

/// <summary>
/// HTML from feeds and article pages made safe to show on the dashboard, with HtmlSanitizer (an allow-list over
/// AngleSharp's HTML5 parser): scripts, styles, event-handler attributes, forms, frames and javascript:/data: URLs
/// never survive; relative links and images are made absolute against the page.
/// </summary>
public static class SafeHtml
{
    // Configured once, then only read: HtmlSanitizer.Sanitize is safe to call from several threads.
    private static readonly HtmlSanitizer Sanitizer = Create();

    /// <returns>The sanitised markup, trimmed; "" when nothing displayable is left.</returns>
    public static string Sanitize(string? html, Uri? baseUrl = null)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return "";
        }

        return Sanitizer.Sanitize(html, baseUrl?.AbsoluteUri ?? "").Trim();
    }

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in new[] { "form", "input", "button", "select", "option", "textarea", "label", "fieldset", "legend", "style" })
        {
            sanitizer.AllowedTags.Remove(tag);
        }

        // No inline CSS at all: the dashboard styles statements itself, and CSS is a tracking and spoofing channel.
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedAtRules.Clear();
        sanitizer.AllowedCssProperties.Clear();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        return sanitizer;
    }
}
