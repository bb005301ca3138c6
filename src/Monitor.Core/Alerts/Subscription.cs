namespace Monitor.Core.Alerts;

/// <summary>
/// A user's alert rule (<c>subscriptions</c>). <see cref="Kind"/> "statements" matches each stored statement against
/// topics, sources, document types, score, query and drift; "spike" watches the volume of <see cref="Topics"/>;
/// "briefing" gets the living briefing of each past week (of <see cref="Topics"/>' sections when it names any);
/// "event" alerts once per event when NATO and the EP have both spoken on it (of <see cref="Topics"/> when it names any).
/// Email, webhook, ntfy and Telegram sends wait out <see cref="QuietStart"/>–<see cref="QuietEnd"/> (local, in <see cref="TimeZone"/>),
/// and go as digests when <see cref="Delivery"/> is hourly or daily.
/// </summary>
public sealed record Subscription
{
    public long Id { get; init; }

    public long UserId { get; init; }

    public string Name { get; init; } = "";

    /// <summary><see cref="SubscriptionKinds"/>.</summary>
    public string Kind { get; init; } = SubscriptionKinds.Statements;

    public bool Enabled { get; init; } = true;

    /// <summary>Topic ids; empty matches any topic (kind "statements").</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>"any": the statement carries at least one of <see cref="Topics"/>; "all": every one of them.</summary>
    public string TopicMatch { get; init; } = "any";

    /// <summary>Source ids; empty matches every source.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Document types; empty matches every type.</summary>
    public IReadOnlyList<string> DocumentTypes { get; init; } = [];

    /// <summary>A matched topic must score at least this.</summary>
    public double MinScore { get; init; }

    /// <summary>A full-text query in the history search's syntax; the statement must match it.</summary>
    public string? Query { get; init; }

    /// <summary>Only statements stating a baseline figure that differs from the briefing.</summary>
    public bool DriftOnly { get; init; }

    /// <summary>Also match statements stored by a backfill (history); by default they raise no alert.</summary>
    public bool IncludeHistory { get; init; }

    public int? SpikeWindowHours { get; init; }

    public double? SpikeFactor { get; init; }

    /// <summary>Local "HH:mm"; both set or both null. The window may cross midnight (22:00–07:00).</summary>
    public string? QuietStart { get; init; }

    public string? QuietEnd { get; init; }

    /// <summary>IANA time zone id for quiet hours and the daily digest hour.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary><see cref="SubscriptionDelivery"/>.</summary>
    public string Delivery { get; init; } = SubscriptionDelivery.Immediate;

    /// <summary>Local hour (0–23) of the daily digest.</summary>
    public int DigestHour { get; init; } = 8;

    /// <summary>Push to the owner's open dashboards (the inbox keeps every alert either way).</summary>
    public bool InApp { get; init; } = true;

    /// <summary>Email to the owner's address (when SMTP is configured).</summary>
    public bool Email { get; init; }

    public string? WebhookUrl { get; init; }

    /// <summary>"json" (Monitor's payload) or "chat" (<c>{"text": …}</c>, accepted by Slack and Mattermost; Teams' Workflows want an Adaptive Card).</summary>
    public string WebhookFormat { get; init; } = "json";

    /// <summary>The HMAC-SHA256 key webhook requests are signed with (kept: it is needed to sign).</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>An ntfy topic URL (e.g. <c>https://ntfy.sh/my-topic</c>) alerts are published to, or null.</summary>
    public string? NtfyUrl { get; init; }

    /// <summary>The ntfy access token sent as <c>Authorization: Bearer</c> (kept: it is needed to send; never shown).</summary>
    public string? NtfyToken { get; init; }

    /// <summary>ntfy priority, 1 (min) to 5 (max); 3 is ntfy's default.</summary>
    public int NtfyPriority { get; init; } = 3;

    /// <summary>ntfy tags (emoji short codes such as <c>warning</c> show as emoji), sent in the <c>Tags</c> header.</summary>
    public IReadOnlyList<string> NtfyTags { get; init; } = [];

    /// <summary>The Telegram chat a bot sends to: a numeric id (groups are negative) or <c>@channelusername</c>; or null.</summary>
    public string? TelegramChatId { get; init; }

    /// <summary>The Telegram bot's token (kept: it is needed to send; never logged or shown).</summary>
    public string? TelegramBotToken { get; init; }

    /// <summary>"HTML" (default) or "MarkdownV2": how Telegram parses the message Monitor formats.</summary>
    public string TelegramParseMode { get; init; } = "HTML";

    /// <summary>SHA-256 (hex) of the secret token in the subscription's Atom feed URL.</summary>
    public string FeedTokenHash { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Read, not written: the owner is disabled or a viewer, whose role allows no subscriptions. A suspended
    /// subscription is kept but raises no alerts, sends nothing and its feed answers 404, until the owner may again.
    /// </summary>
    public bool Suspended { get; init; }
}

public static class SubscriptionKinds
{
    public const string Statements = "statements";
    public const string Spike = "spike";

    /// <summary>A weekly digest of the living briefing (only <see cref="Subscription.Topics"/>' sections when it names any).</summary>
    public const string Briefing = "briefing";

    /// <summary>
    /// Once per event, when an event (docs/events.md) first holds both a NATO and an EP statement and its topics meet
    /// <see cref="Subscription.Topics"/> (none: any event).
    /// </summary>
    public const string Event = "event";
}

public static class SubscriptionDelivery
{
    public const string Immediate = "immediate";
    public const string Hourly = "hourly";
    public const string Daily = "daily";
}
