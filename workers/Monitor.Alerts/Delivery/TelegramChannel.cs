using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Data.Alerts;
using OpenTelemetry;

namespace Monitor.Alerts.Delivery;

/// <summary>
/// Sends a delivery with the subscription's Telegram bot: a POST of JSON to <c>{Alerts:TelegramApiUrl}bot&lt;token&gt;/sendMessage</c>
/// with chat_id, text (<see cref="ChatFormat.TelegramText"/>, escaped for its parse_mode), parse_mode and
/// disable_web_page_preview. Through the guarded client (<see cref="ChatChannels"/>). The token is in the URL's path,
/// so the URL is never logged, traced or put in an error: the client logs nothing and the request is not traced (the
/// dispatcher's "send telegram" span remains). Telegram's answer says what went wrong: ok:true is delivered; 429 is
/// retried no sooner than <c>parameters.retry_after</c>; 5xx, a timeout or a network error is retried; any other 4xx
/// (a bad token, a chat the bot is not in, a blocked bot) is permanent, with Telegram's description.
/// </summary>
public sealed class TelegramChannel(IHttpClientFactory httpClients, IOptions<AlertsOptions> options, TimeProvider time) : IDeliveryChannel
{
    public string Channel => DeliveryStore.Telegram;

    public async Task SendAsync(DeliveryMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subscription = message.Subscription;
        if (string.IsNullOrWhiteSpace(subscription.TelegramChatId))
        {
            throw new DeliveryException("The subscription has no Telegram chat id.", permanent: true);
        }

        if (string.IsNullOrWhiteSpace(subscription.TelegramBotToken))
        {
            throw new DeliveryException("The subscription has no Telegram bot token; set it again in the subscription.", permanent: true);
        }

        var apiRoot = options.Value.TelegramApiUrl;
        var api = new Uri(apiRoot.EndsWith('/') ? apiRoot : apiRoot + "/", UriKind.Absolute);
        // Appended as text: a relative "bot123:ABC/…" would read as a URI scheme. The token is URL-safe as validated (digits, a colon, letters, digits, _ and -).
        var url = new Uri(api.AbsoluteUri + "bot" + subscription.TelegramBotToken + "/sendMessage", UriKind.Absolute);
        var parseMode = subscription.TelegramParseMode == "MarkdownV2" ? "MarkdownV2" : "HTML";
        object chatId = long.TryParse(subscription.TelegramChatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var numeric)
            ? numeric
            : subscription.TelegramChatId;
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["chat_id"] = chatId,
            ["text"] = ChatFormat.TelegramText(message, parseMode),
            ["parse_mode"] = parseMode,
            ["disable_web_page_preview"] = true,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        var host = api.Authority;
        HttpResponseMessage response;
        using (SuppressInstrumentationScope.Begin())
        {
            response = await ChatChannels.SendAsync(httpClients.CreateClient(ChatChannels.TelegramClient), request, host, options.Value.SendTimeout, cancellationToken);
        }

        using (response)
        {
            var answer = await ReadAnswerAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode && answer?.Ok != false)
            {
                return;
            }

            var description = answer?.Description is { Length: > 0 } d ? $": {d.TrimEnd('.')}." : ".";
            if (response.StatusCode == HttpStatusCode.TooManyRequests || answer?.ErrorCode == 429)
            {
                var wait = answer?.RetryAfter is { } seconds && seconds >= 0 ? TimeSpan.FromSeconds(seconds) : ChatChannels.RetryAfter(response, time.GetUtcNow());
                throw new DeliveryException($"Telegram answered 429 Too Many Requests{(wait is { } w ? $" (retry after {w.TotalSeconds:0.#} s)" : "")}{description}",
                    429, retryAfter: wait);
            }

            if (ChatChannels.IsRetryable(response.StatusCode))
            {
                throw new DeliveryException($"Telegram ({host}) answered {ChatChannels.Status(response)}{description}", status);
            }

            var why = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.NotFound => " The bot token was not accepted: set the token BotFather gave again in the subscription.",
                HttpStatusCode.Forbidden => " The bot may not write to this chat: add it to the group or channel (as an admin for a channel), or unblock it.",
                _ when answer?.MigrateToChatId is { } moved => $" The group became a supergroup: its chat id is now {moved.ToString(CultureInfo.InvariantCulture)}.",
                HttpStatusCode.BadRequest when answer?.Description?.Contains("chat not found", StringComparison.OrdinalIgnoreCase) == true =>
                    " Check the chat id: the bot must have been added to the group or channel, or the user must have started a chat with it.",
                HttpStatusCode.BadRequest when answer?.Description?.Contains("parse entities", StringComparison.OrdinalIgnoreCase) == true =>
                    " Telegram could not parse the formatted text; try the other parse mode and report it.",
                _ => "",
            };
            throw new DeliveryException($"Telegram refused the message ({status}){description}{why}", status, permanent: true);
        }
    }

    /// <summary>The Bot API's answer, or null when it is not its JSON (a proxy's error page).</summary>
    private static async Task<Answer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var parameters = root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            return new Answer(
                root.TryGetProperty("ok", out var ok) && ok.ValueKind is JsonValueKind.True or JsonValueKind.False ? ok.GetBoolean() : null,
                root.TryGetProperty("error_code", out var code) && code.TryGetInt32(out var c) ? c : null,
                root.TryGetProperty("description", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null,
                parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("retry_after", out var retry) && retry.TryGetInt32(out var r) ? r : null,
                parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("migrate_to_chat_id", out var moved) && moved.TryGetInt64(out var m) ? m : null);
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    private sealed record Answer(bool? Ok, int? ErrorCode, string? Description, int? RetryAfter, long? MigrateToChatId);
}
