using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

/// <summary>A scripted answer of a stand-in: its status and, for 429, the seconds to wait.</summary>
public sealed record ScriptedAnswer(int Status, int? RetryAfterSeconds = null);

/// <summary>One publish an <see cref="NtfyStandIn"/> got, its headers decoded as ntfy decodes them.</summary>
public sealed record NtfyPublish(
    string Method, string Path, string ContentType, string? RawTitle, string? Title, IReadOnlyList<string> Tags, string? Priority, string? Click,
    string? Authorization, string Body, int AnsweredStatus, string? FormatProblem)
{
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// An ntfy server's publish endpoint on 127.0.0.1 (docs.ntfy.sh/publish), checking the request as ntfy reads it: a POST
/// to /<see cref="Topic"/>, a text/plain UTF-8 body, ASCII header values (a non-ASCII title must come RFC 2047
/// encoded, which it decodes), a Priority of 1 to 5, a Click that is an absolute URL, and, when <see cref="Token"/> is
/// set, <c>Authorization: Bearer</c> with it (else 401, as ntfy answers). A format problem answers 400 and is recorded.
/// <see cref="Script"/> answers the next requests (429 with Retry-After, 500, 403); then 200.
/// </summary>
public sealed class NtfyStandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<NtfyPublish> _received = new();
    private LoopbackServer _server = null!;

    private NtfyStandIn(string topic) => Topic = topic;

    public string Topic { get; }

    /// <summary>The topic's URL, e.g. http://127.0.0.1:41234/monitor-alerts.</summary>
    public Uri TopicUrl => _server.Url("/" + Topic);

    public string? Token { get; set; }

    public ConcurrentQueue<ScriptedAnswer> Script { get; } = new();

    public IReadOnlyList<NtfyPublish> Received => _received.ToList();

    public static async Task<NtfyStandIn> StartAsync(string topic = "monitor-alerts")
    {
        var standIn = new NtfyStandIn(topic);
        standIn._server = await LoopbackServer.StartAsync(app => app.Map("/{**path}", standIn.HandleAsync));
        return standIn;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var rawTitle = Header(request, "Title");
        string? title = null;
        string? problem = null;
        if (rawTitle is not null)
        {
            if (rawTitle.Any(c => c > '~' || c < ' '))
            {
                problem = "the Title header is not ASCII (send it RFC 2047 encoded)";
            }
            else
            {
                title = MimeKit.Utils.Rfc2047.DecodeText(Encoding.ASCII.GetBytes(rawTitle));
            }
        }

        var priority = Header(request, "Priority");
        var click = Header(request, "Click");
        var authorization = Header(request, "Authorization");
        var tags = Header(request, "Tags")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        problem ??= request.Method != "POST" ? $"method {request.Method}, not POST"
            : request.Path.Value != "/" + Topic ? $"path {request.Path}, not /{Topic}"
            : !(request.ContentType ?? "").StartsWith("text/plain", StringComparison.Ordinal) ? $"content type '{request.ContentType}'"
            : priority is not null && !(int.TryParse(priority, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 5) ? $"priority '{priority}'"
            : click is not null && !Uri.TryCreate(click, UriKind.Absolute, out _) ? $"click '{click}'"
            : body.Length == 0 ? "an empty message"
            : null;
        int status;
        if (problem is not null)
        {
            status = 400;
            await WriteJson(context, status, new { code = 40000, http = 400, error = "invalid request: " + problem });
        }
        else if (Token is not null && authorization != "Bearer " + Token)
        {
            status = 401;
            await WriteJson(context, status, new { code = 40101, http = 401, error = "unauthorized", link = "https://ntfy.sh/docs/publish/#authentication" });
        }
        else if (Script.TryDequeue(out var scripted))
        {
            status = scripted.Status;
            if (scripted.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            await WriteJson(context, status, new { code = status * 100 + 1, http = status, error = status == 429 ? "limit reached: too many requests" : "scripted failure" });
        }
        else
        {
            status = 200;
            await WriteJson(context, status, new { id = Guid.NewGuid().ToString("N")[..12], time = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), @event = "message", topic = Topic, message = body });
        }

        _received.Enqueue(new NtfyPublish(request.Method, request.Path.Value ?? "", request.ContentType ?? "", rawTitle, title, tags, priority, click,
            authorization, body, status, problem));
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    internal static Task WriteJson(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>One sendMessage a <see cref="TelegramStandIn"/> got, with its text parsed as Telegram parses it.</summary>
public sealed record TelegramSend(
    string Method, string Path, string ContentType, string? ChatId, string? ParseMode, bool? DisableWebPagePreview, string? Text,
    string? PlainText, IReadOnlyList<(string Text, string Url)> Links, IReadOnlyList<string> Bold, int AnsweredStatus, string? Description)
{
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// The Telegram Bot API's sendMessage on 127.0.0.1 (core.telegram.org/bots/api#sendmessage), checking the request as the
/// API reads it: POST /bot&lt;<see cref="Token"/>&gt;/sendMessage (another token: 401 Unauthorized), a JSON body with
/// chat_id (<see cref="ChatId"/>, else 400 chat not found), text of at most 4,096 characters in parse_mode HTML or
/// MarkdownV2 — parsed with Telegram's rules, so an unescaped reserved character, a stray '&lt;' or '&amp;', or an unknown
/// tag answers 400 "can't parse entities" — and disable_web_page_preview. <see cref="Script"/> answers the next requests
/// (429 with parameters.retry_after, 500, 403); then ok:true.
/// </summary>
public sealed class TelegramStandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<TelegramSend> _received = new();
    private LoopbackServer _server = null!;
    private int _messageId;

    private TelegramStandIn(string token, string chatId) => (Token, ChatId) = (token, chatId);

    public string Token { get; }

    public string ChatId { get; }

    /// <summary>What Alerts:TelegramApiUrl is set to: the server's root.</summary>
    public Uri ApiUrl => _server.BaseAddress;

    public ConcurrentQueue<ScriptedAnswer> Script { get; } = new();

    public IReadOnlyList<TelegramSend> Received => _received.ToList();

    public static async Task<TelegramStandIn> StartAsync(string token, string chatId)
    {
        var standIn = new TelegramStandIn(token, chatId);
        standIn._server = await LoopbackServer.StartAsync(app => app.Map("/{**path}", standIn.HandleAsync));
        return standIn;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        string? chatId = null, parseMode = null, text = null, plain = null, description;
        bool? noPreview = null;
        List<(string, string)> links = [];
        List<string> bold = [];
        int status;
        var path = request.Path.Value ?? "";
        if (!path.StartsWith("/bot", StringComparison.Ordinal) || !path.EndsWith("/sendMessage", StringComparison.Ordinal))
        {
            (status, description) = (404, "Not Found");
        }
        else if (path != $"/bot{Token}/sendMessage")
        {
            (status, description) = (401, "Unauthorized");
        }
        else if (request.Method != "POST" || !(request.ContentType ?? "").StartsWith("application/json", StringComparison.Ordinal))
        {
            (status, description) = (400, $"Bad Request: expected a JSON POST, got {request.Method} {request.ContentType}");
        }
        else
        {
            (status, description) = (200, null);
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                chatId = root.TryGetProperty("chat_id", out var chat) ? chat.ValueKind == JsonValueKind.Number ? chat.GetRawText() : chat.GetString() : null;
                parseMode = root.TryGetProperty("parse_mode", out var mode) ? mode.GetString() : null;
                text = root.TryGetProperty("text", out var t) ? t.GetString() : null;
                noPreview = root.TryGetProperty("disable_web_page_preview", out var preview) && preview.ValueKind is JsonValueKind.True or JsonValueKind.False ? preview.GetBoolean() : null;
            }
            catch (JsonException ex)
            {
                (status, description) = (400, "Bad Request: " + ex.Message);
            }

            if (status == 200)
            {
                if (chatId != ChatId)
                {
                    (status, description) = (400, "Bad Request: chat not found");
                }
                else if (string.IsNullOrEmpty(text))
                {
                    (status, description) = (400, "Bad Request: message text is empty");
                }
                else if (parseMode is not ("HTML" or "MarkdownV2"))
                {
                    (status, description) = (400, $"Bad Request: unsupported parse_mode '{parseMode}'");
                }
                else
                {
                    var parsed = parseMode == "HTML" ? ParseHtml(text) : ParseMarkdownV2(text);
                    if (parsed.Error is not null)
                    {
                        (status, description) = (400, "Bad Request: can't parse entities: " + parsed.Error);
                    }
                    else if (parsed.Plain.Length > 4096)
                    {
                        (status, description) = (400, "Bad Request: message is too long");
                    }
                    else
                    {
                        (plain, links, bold) = (parsed.Plain, parsed.Links, parsed.Bold);
                    }
                }
            }

            if (status == 200 && Script.TryDequeue(out var scripted))
            {
                status = scripted.Status;
                description = status switch
                {
                    429 => $"Too Many Requests: retry after {scripted.RetryAfterSeconds}",
                    403 => "Forbidden: bot was blocked by the user",
                    _ => "Internal Server Error",
                };
            }
        }

        if (status == 200)
        {
            await NtfyStandIn.WriteJson(context, 200, new { ok = true, result = new { message_id = Interlocked.Increment(ref _messageId), chat = new { id = chatId }, text = plain } });
        }
        else
        {
            var scriptedRetry = status == 429 && description!.Split(' ').Last() is var last && int.TryParse(last, CultureInfo.InvariantCulture, out var seconds) ? seconds : (int?)null;
            await NtfyStandIn.WriteJson(context, status, scriptedRetry is { } s
                ? new { ok = false, error_code = status, description, parameters = new { retry_after = s } }
                : new { ok = false, error_code = status, description, parameters = (object?)null });
        }

        _received.Enqueue(new TelegramSend(request.Method, path, request.ContentType ?? "", chatId, parseMode, noPreview, text, plain, links, bold, status, description));
    }

    private sealed record Parsed(string Plain, List<(string, string)> Links, List<string> Bold, string? Error);

    /// <summary>Telegram's HTML: the tags b, strong, i, em, u, s, code, pre and a href; only &amp;lt; &amp;gt; &amp;amp; &amp;quot; and numeric entities.</summary>
    private static Parsed ParseHtml(string text)
    {
        var plain = new StringBuilder();
        var links = new List<(string, string)>();
        var bold = new List<string>();
        var open = new Stack<(string Tag, int Start, string? Href)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '<')
            {
                var end = text.IndexOf('>', i);
                if (end < 0)
                {
                    return new("", links, bold, $"Unclosed start tag at byte offset {i}");
                }

                var tag = text[(i + 1)..end];
                if (tag.StartsWith('/'))
                {
                    var name = tag[1..];
                    if (open.Count == 0 || open.Peek().Tag != name)
                    {
                        return new("", links, bold, $"Unexpected end tag at byte offset {i}");
                    }

                    var (_, start, href) = open.Pop();
                    if (name == "a")
                    {
                        links.Add((plain.ToString(start, plain.Length - start), href!));
                    }
                    else if (name is "b" or "strong")
                    {
                        bold.Add(plain.ToString(start, plain.Length - start));
                    }
                }
                else if (tag.StartsWith("a href=\"", StringComparison.Ordinal) && tag.EndsWith('"'))
                {
                    var (href, error) = Entities(tag[8..^1]);
                    if (error is not null)
                    {
                        return new("", links, bold, error);
                    }

                    open.Push(("a", plain.Length, href));
                }
                else if (tag is "b" or "strong" or "i" or "em" or "u" or "s" or "code" or "pre")
                {
                    open.Push((tag, plain.Length, null));
                }
                else
                {
                    return new("", links, bold, $"Unsupported start tag \"{tag}\" at byte offset {i}");
                }

                i = end + 1;
            }
            else if (c == '&')
            {
                var end = text.IndexOf(';', i);
                if (end < 0 || end - i > 10)
                {
                    return new("", links, bold, $"Can't find end of the entity starting at byte offset {i}");
                }

                var (decoded, error) = Entities(text[i..(end + 1)]);
                if (error is not null)
                {
                    return new("", links, bold, error);
                }

                plain.Append(decoded);
                i = end + 1;
            }
            else if (c == '>')
            {
                // Telegram accepts a bare '>' but Monitor escapes it: treat it as the check's failure.
                return new("", links, bold, $"Unescaped '>' at byte offset {i}");
            }
            else
            {
                plain.Append(c);
                i++;
            }
        }

        return open.Count > 0 ? new("", links, bold, $"Can't find end tag corresponding to start tag \"{open.Peek().Tag}\"") : new(plain.ToString(), links, bold, null);
    }

    private static (string Text, string? Error) Entities(string text)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '<' || text[i] == '"')
            {
                return ("", $"Unescaped '{text[i]}' in an attribute or entity");
            }

            if (text[i] != '&')
            {
                result.Append(text[i]);
                continue;
            }

            var end = text.IndexOf(';', i);
            var name = end < 0 ? "" : text[(i + 1)..end];
            var decoded = name switch
            {
                "lt" => "<",
                "gt" => ">",
                "amp" => "&",
                "quot" => "\"",
                _ when name.StartsWith('#') && int.TryParse(name[1..], CultureInfo.InvariantCulture, out var code) => char.ConvertFromUtf32(code),
                _ => null,
            };
            if (decoded is null)
            {
                return ("", $"Unsupported HTML entity \"&{name};\" (a bare '&' must be written &amp;)");
            }

            result.Append(decoded);
            i = end;
        }

        return (result.ToString(), null);
    }

    /// <summary>
    /// Telegram's MarkdownV2: '\' escapes any character; *bold* and [text](url) are entities (in the url only ')' and
    /// '\' are escaped); any other of _ * [ ] ( ) ~ ` &gt; # + - = | { } . ! unescaped is an error, as Telegram answers.
    /// </summary>
    private static Parsed ParseMarkdownV2(string text)
    {
        const string Reserved = "_*[]()~`>#+-=|{}.!";
        var plain = new StringBuilder();
        var links = new List<(string, string)>();
        var bold = new List<string>();
        int? boldStart = null, linkStart = null;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length || text[i + 1] > 126)
                {
                    return new("", links, bold, $"Character '\\' at byte offset {i} escapes nothing escapable");
                }

                plain.Append(text[i + 1]);
                i += 2;
            }
            else if (c == '*')
            {
                if (boldStart is { } start)
                {
                    bold.Add(plain.ToString(start, plain.Length - start));
                    boldStart = null;
                }
                else
                {
                    boldStart = plain.Length;
                }

                i++;
            }
            else if (c == '[' && linkStart is null)
            {
                linkStart = plain.Length;
                i++;
            }
            else if (c == ']' && linkStart is { } start && i + 1 < text.Length && text[i + 1] == '(')
            {
                var url = new StringBuilder();
                var j = i + 2;
                for (; j < text.Length && text[j] != ')'; j++)
                {
                    if (text[j] == '\\' && j + 1 < text.Length)
                    {
                        j++;
                    }

                    url.Append(text[j]);
                }

                if (j >= text.Length)
                {
                    return new("", links, bold, "Can't find end of a URL");
                }

                links.Add((plain.ToString(start, plain.Length - start), url.ToString()));
                linkStart = null;
                i = j + 1;
            }
            else if (Reserved.Contains(c, StringComparison.Ordinal))
            {
                return new("", links, bold, $"Character '{c}' is reserved and must be escaped with the preceding '\\'");
            }
            else
            {
                plain.Append(c);
                i++;
            }
        }

        return boldStart is not null || linkStart is not null
            ? new("", links, bold, "Can't find end of the entity")
            : new(plain.ToString(), links, bold, null);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
