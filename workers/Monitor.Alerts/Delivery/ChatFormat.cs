using System.Globalization;
using System.Text;
using Monitor.Data.Alerts;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// The text of an ntfy notification and of a Telegram message (pure: tested on its own). Titles and URLs come from
/// feeds and users, so they are escaped for the receiver: RFC 2047 for ntfy's header, HTML or MarkdownV2 for Telegram.
/// </summary>
public static class ChatFormat
{
    /// <summary>ntfy turns a message over 4,096 bytes into an attachment; Telegram takes 4,096 characters.</summary>
    public const int MaxNtfyMessageBytes = 4000;

    public const int MaxTelegramChars = 3900;

    /// <summary>The Title header's text: the alert's title, or a digest's count and subscription.</summary>
    public static string NtfyTitle(DeliveryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var title = message.Alerts.Count == 1 && !message.Digest
            ? message.Alerts[0].Title
            : $"Monitor digest for \"{message.Subscription.Name}\": {Count(message.Alerts.Count)}";
        return OneLine(title, 250);
    }

    /// <summary>The POST body: plain lines (ntfy shows them as they are).</summary>
    public static string NtfyMessage(DeliveryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var lines = new List<string>();
        if (message.Alerts.Count == 1 && !message.Digest)
        {
            var alert = message.Alerts[0];
            lines.Add($"Monitor alert for \"{OneLine(message.Subscription.Name, 100)}\"{Topics(alert)}");
            if (!string.IsNullOrEmpty(alert.Url))
            {
                lines.Add(alert.Url);
            }
        }
        else
        {
            lines.AddRange(message.Alerts.Select(alert =>
                $"• {OneLine(alert.Title, 300)}{Topics(alert)}{(string.IsNullOrEmpty(alert.Url) ? "" : " — " + alert.Url)}"));
        }

        return Join(lines, MaxNtfyMessageBytes, Encoding.UTF8.GetByteCount);
    }

    /// <summary>The first alert's link when it is absolute http(s) (ntfy opens it when the notification is tapped), else null.</summary>
    public static string? NtfyClick(DeliveryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Alerts.Count == 1 && IsAbsoluteHttp(message.Alerts[0].Url) ? message.Alerts[0].Url : null;
    }

    /// <summary>
    /// A header value as HTTP carries it: ASCII as it is, anything else as RFC 2047 encoded-words
    /// (<c>=?UTF-8?B?…?=</c>), which ntfy decodes. Control characters never reach it (<see cref="OneLine"/>).
    /// </summary>
    public static string HeaderValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.All(c => c is >= ' ' and <= '~') && !text.Contains("=?", StringComparison.Ordinal))
        {
            return text;
        }

        // Encoded-words of at most 75 characters (RFC 2047 §2): up to 45 bytes of UTF-8 each, split between characters.
        var words = new List<string>();
        var chunk = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Encoding.UTF8.GetByteCount(chunk.ToString()) + rune.Utf8SequenceLength > 45)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
            }

            chunk.Append(rune.ToString());
        }

        if (chunk.Length > 0)
        {
            words.Add(Word(chunk.ToString()));
        }

        return string.Join(' ', words);

        static string Word(string part) => $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(part))}?=";
    }

    /// <summary>The sendMessage text in <paramref name="parseMode"/> ("HTML" or "MarkdownV2"), every feed text escaped.</summary>
    public static string TelegramText(DeliveryMessage message, string parseMode)
    {
        ArgumentNullException.ThrowIfNull(message);
        var markdown = parseMode == "MarkdownV2";
        string Text(string value) => markdown ? EscapeMarkdownV2(value) : EscapeHtml(value);
        string Bold(string value) => markdown ? $"*{EscapeMarkdownV2(value)}*" : $"<b>{EscapeHtml(value)}</b>";
        string Link(string title, string url) => !IsAbsoluteHttp(url) ? Text(title) + (string.IsNullOrEmpty(url) ? "" : Text($" ({url})"))
            : markdown ? $"[{EscapeMarkdownV2(title)}]({EscapeMarkdownV2Url(url)})"
            : $"<a href=\"{EscapeHtml(url)}\">{EscapeHtml(title)}</a>";

        var digest = message.Digest || message.Alerts.Count != 1;
        var lines = new List<string>
        {
            Bold(digest ? "Monitor digest" : "Monitor alert")
                + Text($" for \"{OneLine(message.Subscription.Name, 100)}\"{(digest ? ": " + Count(message.Alerts.Count) : "")}"),
        };
        lines.AddRange(message.Alerts.Select(alert => Text("• ") + Link(OneLine(alert.Title, 300), alert.Url) + Text(Topics(alert))));
        return Join(lines, MaxTelegramChars, s => s.Length, markdown ? EscapeMarkdownV2 : EscapeHtml);
    }

    /// <summary>Telegram's HTML: &amp;, &lt;, &gt; and (in attributes) " as entities.</summary>
    public static string EscapeHtml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
    }

    /// <summary>MarkdownV2 text: each of _ * [ ] ( ) ~ ` &gt; # + - = | { } . ! and \ preceded by \ (core.telegram.org/bots/api#markdownv2-style).</summary>
    public static string EscapeMarkdownV2(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if ("_*[]()~`>#+-=|{}.!\\".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>Inside a MarkdownV2 link's (…): only ) and \ are escaped.</summary>
    public static string EscapeMarkdownV2Url(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);
    }

    private static string Topics(AlertRecord alert) =>
        alert.MatchedTopics.Count == 0 ? "" : $" [{string.Join(", ", alert.MatchedTopics)}]";

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture) + (count == 1 ? " alert" : " alerts");

    /// <summary>Lines joined while they fit in <paramref name="max"/> (as <paramref name="size"/> counts); then "… and N more".</summary>
    private static string Join(List<string> lines, int max, Func<string, int> size, Func<string, string>? escape = null)
    {
        var text = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = (i == 0 ? "" : "\n") + lines[i];
            if (i > 0 && size(text.ToString()) + size(line) > max - 80)
            {
                var more = $"\n… and {lines.Count - i} more in Monitor's alerts inbox";
                text.Append(escape is null ? more : escape(more));
                break;
            }

            text.Append(line);
        }

        return text.ToString();
    }

    /// <summary>One line without control characters, at most <paramref name="max"/> characters.</summary>
    private static string OneLine(string text, int max)
    {
        var line = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 1), "…");
    }

    private static bool IsAbsoluteHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
