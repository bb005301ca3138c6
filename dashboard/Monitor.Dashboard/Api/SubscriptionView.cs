using System.Text.Json.Serialization;
using Monitor.Core.Alerts;

namespace Monitor.Dashboard.Api;

/// <summary>A subscription as its owner sees it. The feed token and webhook secret appear only when created or rotated.</summary>
public sealed record SubscriptionView(
    long Id, string Name, string Kind, bool Enabled, IReadOnlyList<string> Topics, string TopicMatch, IReadOnlyList<string> Sources,
    IReadOnlyList<string> DocumentTypes, double MinScore, string? Query, bool DriftOnly, int? SpikeWindowHours, double? SpikeFactor,
    QuietHoursView? QuietHours, string TimeZone, string Delivery, int DigestHour, ChannelsView Channels,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Suspended)
{
    /// <summary>Also alerts on backfilled statements (history).</summary>
    public bool IncludeHistory { get; init; }

    /// <summary>The Atom feed's URL with its secret token: only in the answer that created it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FeedUrl { get; init; }

    /// <summary>The webhook's signing secret: only in the answer that created it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookSecret { get; init; }

    public static SubscriptionView From(Subscription s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.Name, s.Kind, s.Enabled, s.Topics, s.TopicMatch, s.Sources, s.DocumentTypes, s.MinScore, s.Query, s.DriftOnly,
            s.SpikeWindowHours, s.SpikeFactor, s.QuietStart is null || s.QuietEnd is null ? null : new QuietHoursView(s.QuietStart, s.QuietEnd),
            s.TimeZone, s.Delivery, s.DigestHour,
            new ChannelsView(s.InApp, s.Email, s.WebhookUrl is null ? null : new WebhookView(s.WebhookUrl, s.WebhookFormat))
            {
                Ntfy = s.NtfyUrl is null ? null : new NtfyView(s.NtfyUrl, s.NtfyPriority, s.NtfyTags, s.NtfyToken is not null),
                Telegram = s.TelegramChatId is null ? null : new TelegramView(s.TelegramChatId, s.TelegramParseMode, s.TelegramBotToken is not null),
            },
            s.CreatedAt, s.UpdatedAt, s.Suspended) { IncludeHistory = s.IncludeHistory };
    }
}

public sealed record QuietHoursView(string Start, string End);

public sealed record ChannelsView(bool InApp, bool Email, WebhookView? Webhook)
{
    public NtfyView? Ntfy { get; init; }

    public TelegramView? Telegram { get; init; }
}

/// <summary>The ntfy topic; its access token is never shown, only whether there is one.</summary>
public sealed record NtfyView(string Url, int Priority, IReadOnlyList<string> Tags, bool HasToken);

/// <summary>The Telegram chat; the bot token is never shown, only whether there is one.</summary>
public sealed record TelegramView(string ChatId, string ParseMode, bool HasBotToken);

public sealed record WebhookView(string Url, string Format);
