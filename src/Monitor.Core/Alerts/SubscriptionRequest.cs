namespace Monitor.Core.Alerts;

/// <summary>
/// The body of <c>POST /api/subscriptions</c> and <c>PUT /api/subscriptions/{id}</c>. Every field is optional except
/// <see cref="Name"/>; a missing one takes the default named on it.
/// </summary>
public sealed record SubscriptionRequest
{
    public string? Name { get; init; }

    /// <summary>
    /// "statements" (default), "spike", "briefing" (a weekly digest of the living briefing) or "event" (once per event,
    /// when NATO and the EP have both spoken on it; its only filters are topics and includeHistory).
    /// </summary>
    public string? Kind { get; init; }

    /// <summary>Default true.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Topic ids (see /api/topics); empty matches any topic. A spike needs at least one; a briefing digest keeps only their sections; an event must carry one of them.</summary>
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary>"any" (default) or "all".</summary>
    public string? TopicMatch { get; init; }

    /// <summary>Source ids (see /api/sources); empty matches every source.</summary>
    public IReadOnlyList<string>? Sources { get; init; }

    /// <summary>Document types; empty matches every type.</summary>
    public IReadOnlyList<string>? DocumentTypes { get; init; }

    /// <summary>0 to 1, default 0.</summary>
    public double? MinScore { get; init; }

    /// <summary>A full-text query in the history search's syntax, or null.</summary>
    public string? Query { get; init; }

    public bool? DriftOnly { get; init; }

    /// <summary>Also alert on statements stored by a backfill (history), or for kind "event" on events whose latest statement is more than 7 days old; default false.</summary>
    public bool? IncludeHistory { get; init; }

    /// <summary>Kind "spike": 1 to 168 hours.</summary>
    public int? SpikeWindowHours { get; init; }

    /// <summary>Kind "spike": more than 1.</summary>
    public double? SpikeFactor { get; init; }

    public QuietHoursRequest? QuietHours { get; init; }

    /// <summary>An IANA time zone id, default "UTC".</summary>
    public string? TimeZone { get; init; }

    /// <summary>"immediate" (default), "hourly" or "daily".</summary>
    public string? Delivery { get; init; }

    /// <summary>0 to 23, default 8: the local hour of the daily digest.</summary>
    public int? DigestHour { get; init; }

    public ChannelsRequest? Channels { get; init; }
}

/// <summary>Local "HH:mm" times; email and webhook sends wait until the end. The window may cross midnight.</summary>
public sealed record QuietHoursRequest(string? Start, string? End);

/// <summary>In-app defaults to true, email to false, webhook, ntfy and Telegram to none.</summary>
public sealed record ChannelsRequest(bool? InApp, bool? Email, WebhookRequest? Webhook)
{
    /// <summary>Publish to an ntfy topic, or null for none.</summary>
    public NtfyRequest? Ntfy { get; init; }

    /// <summary>Send with a Telegram bot to a chat, or null for none.</summary>
    public TelegramRequest? Telegram { get; init; }
}

/// <summary>An absolute http(s) URL; format "json" (default) or "chat".</summary>
public sealed record WebhookRequest(string? Url, string? Format);

/// <summary>
/// An ntfy topic: <see cref="Url"/> the topic's absolute http(s) URL (<c>https://ntfy.sh/my-topic</c>);
/// <see cref="Token"/> an access token sent as <c>Authorization: Bearer</c> (null keeps the stored one, "" removes it);
/// <see cref="Priority"/> 1 to 5 (default 3); <see cref="Tags"/> up to 10 tags (emoji short codes show as emoji).
/// </summary>
public sealed record NtfyRequest(string? Url, string? Token = null, int? Priority = null, IReadOnlyList<string>? Tags = null);

/// <summary>
/// A Telegram bot and chat: <see cref="ChatId"/> a numeric chat id (groups are negative) or <c>@channelusername</c>;
/// <see cref="BotToken"/> the token BotFather gave (required the first time, null keeps the stored one);
/// <see cref="ParseMode"/> "HTML" (default) or "MarkdownV2".
/// </summary>
public sealed record TelegramRequest(string? ChatId, string? BotToken = null, string? ParseMode = null);
