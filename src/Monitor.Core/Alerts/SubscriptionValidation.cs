using System.Globalization;
using System.Text.RegularExpressions;
using Monitor.Core.Search;
using Monitor.Core.Tagging;

namespace Monitor.Core.Alerts;

/// <summary>
/// What a subscription request is checked against beside its own fields: the topics, the sources, whether email can
/// be sent (SMTP configured, an address on the owner's account), and where a webhook may point.
/// </summary>
public sealed record SubscriptionChecks(
    TopicFile TopicFile, IReadOnlyCollection<string> SourceIds, bool SmtpEnabled, string? OwnerEmail, IWebhookTargetCheck Webhooks)
{
    /// <summary>The subscription an update replaces (null for a new one): a request without a secret keeps its secrets.</summary>
    public Subscription? Existing { get; init; }
}

/// <summary>
/// Whether a webhook's host may be called: it resolves, and only to addresses the operator allows. Asked of the
/// network by the API (DNS); the Alerts worker's guard checks again at every connect, since DNS can change.
/// </summary>
public interface IWebhookTargetCheck
{
    /// <returns>Why <paramref name="url"/> (absolute http or https, no user info) may not be called, or null.</returns>
    Task<RequestProblem?> RefuseAsync(Uri url, CancellationToken cancellationToken);

    /// <summary>As <see cref="RefuseAsync(Uri, CancellationToken)"/>, for the request field <paramref name="field"/> (e.g. 'channels.ntfy.url').</summary>
    Task<RequestProblem?> RefuseAsync(Uri url, string field, CancellationToken cancellationToken) => RefuseAsync(url, cancellationToken);
}

/// <summary>A 400's title and detail.</summary>
public sealed record RequestProblem(string Title, string Detail);

/// <summary>Checks a <see cref="SubscriptionRequest"/> field by field; the first problem names its field.</summary>
public static partial class SubscriptionValidation
{
    public const int MaxNameLength = 100;
    public const int MaxListLength = 100;
    public const int MinSpikeWindowHours = 1;
    public const int MaxSpikeWindowHours = 168;
    public const double MaxSpikeFactor = 1000;
    public const int MaxUrlLength = 2000;
    public const int MaxNtfyTags = 10;
    public const int MaxSecretLength = 200;

    /// <summary>The subscription the request describes (owner, id, token and secret left for the caller), or the first problem.</summary>
    public static async Task<(Subscription? Subscription, RequestProblem? Problem)> ValidateAsync(
        SubscriptionRequest? request, SubscriptionChecks checks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (request is null)
        {
            return Fail("Missing body", "Send a JSON body: {\"name\", \"kind\", \"topics\", … \"channels\"}; see the API reference at /api/docs.");
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return Fail("Invalid name", $"'name' must be 1 to {MaxNameLength} characters; got {(name is null ? "none" : $"{name.Length}")}.");
        }

        var kind = request.Kind ?? SubscriptionKinds.Statements;
        if (kind is not (SubscriptionKinds.Statements or SubscriptionKinds.Spike or SubscriptionKinds.Briefing or SubscriptionKinds.Event))
        {
            return Fail("Invalid kind", $"'kind' must be 'statements', 'spike', 'briefing' or 'event'; got '{request.Kind}'.");
        }

        var topics = Distinct(request.Topics);
        if (ListProblem("topics", topics) is { } topicsTooLong)
        {
            return (null, topicsTooLong);
        }

        var unknownTopics = topics.Where(t => checks.TopicFile.Topics.All(known => known.Id != t)).ToList();
        if (unknownTopics.Count > 0)
        {
            return Fail("Unknown topics", $"'topics' has unknown topic ids: {Quoted(unknownTopics)}; /api/topics lists the {checks.TopicFile.Topics.Count} topic ids.");
        }

        var topicMatch = request.TopicMatch ?? "any";
        if (topicMatch is not ("any" or "all"))
        {
            return Fail("Invalid topicMatch", $"'topicMatch' must be 'any' or 'all'; got '{request.TopicMatch}'.");
        }

        var sources = Distinct(request.Sources);
        if (ListProblem("sources", sources) is { } sourcesTooLong)
        {
            return (null, sourcesTooLong);
        }

        var unknownSources = sources.Where(s => !checks.SourceIds.Contains(s)).ToList();
        if (unknownSources.Count > 0)
        {
            return Fail("Unknown sources", $"'sources' has unknown source ids: {Quoted(unknownSources)}; /api/sources lists the sources.");
        }

        var documentTypes = Distinct(request.DocumentTypes);
        var unknownTypes = documentTypes.Where(t => !Contracts.DocumentTypes.IsKnown(t)).ToList();
        if (unknownTypes.Count > 0)
        {
            return Fail("Unknown document types",
                $"'documentTypes' has unknown document types: {Quoted(unknownTypes)}; known: {string.Join(", ", Contracts.DocumentTypes.All)}.");
        }

        var minScore = request.MinScore ?? 0;
        if (!(minScore is >= 0 and <= 1))
        {
            return Fail("Invalid minScore", $"'minScore' must be from 0 to 1; got {Format(minScore)}.");
        }

        var query = string.IsNullOrWhiteSpace(request.Query) ? null : request.Query.Trim();
        if (query is not null)
        {
            try
            {
                TextQuery.Parse(query);
            }
            catch (QuerySyntaxException ex)
            {
                return Fail("Invalid query", $"'query' is not a valid query: {ex.Message}");
            }
        }

        if (request.SpikeWindowHours is { } window && window is < MinSpikeWindowHours or > MaxSpikeWindowHours)
        {
            return Fail("Invalid spikeWindowHours", $"'spikeWindowHours' must be from {MinSpikeWindowHours} to {MaxSpikeWindowHours} (a week); got {window}.");
        }

        if (request.SpikeFactor is { } factor && !(factor is > 1 and <= MaxSpikeFactor))
        {
            return Fail("Invalid spikeFactor", $"'spikeFactor' must be more than 1 (and at most {Format(MaxSpikeFactor)}); got {Format(factor)}.");
        }

        if (kind == SubscriptionKinds.Spike)
        {
            if (topics.Count == 0)
            {
                return Fail("Invalid topics", "A spike subscription watches topics: 'topics' must name at least one.");
            }

            if (request.SpikeWindowHours is null)
            {
                return Fail("Invalid spikeWindowHours", $"A spike subscription needs 'spikeWindowHours', from {MinSpikeWindowHours} to {MaxSpikeWindowHours}.");
            }

            if (request.SpikeFactor is null)
            {
                return Fail("Invalid spikeFactor", "A spike subscription needs 'spikeFactor', more than 1 (e.g. 3: three times the usual rate).");
            }
        }

        if (kind == SubscriptionKinds.Briefing && BriefingIgnores(request, sources, documentTypes, query) is { } ignored)
        {
            return Fail("Invalid fields for a briefing", $"A briefing subscription is the weekly living briefing, of its 'topics' only; '{ignored}' does not apply to it: leave it out.");
        }

        if (kind == SubscriptionKinds.Event && EventIgnores(request, sources, documentTypes, query) is { } notForEvents)
        {
            return Fail("Invalid fields for an event subscription",
                $"An event subscription alerts once per event when NATO and the EP have both spoken on it, of its 'topics' (none: any event); '{notForEvents}' does not apply to it: leave it out.");
        }

        string? quietStart = null, quietEnd = null;
        if (request.QuietHours is { } quiet)
        {
            if (!IsClockTime(quiet.Start) || !IsClockTime(quiet.End))
            {
                return Fail("Invalid quietHours", $"'quietHours' needs both 'start' and 'end' as \"HH:mm\" (e.g. 22:00 and 07:00); got '{quiet.Start}' and '{quiet.End}'.");
            }

            if (quiet.Start == quiet.End)
            {
                return Fail("Invalid quietHours", $"'quietHours' start and end are both {quiet.Start}: the window would be empty or the whole day; send null for no quiet hours.");
            }

            (quietStart, quietEnd) = (quiet.Start, quiet.End);
        }

        var timeZone = request.TimeZone ?? "UTC";
        if (!IsTimeZone(timeZone))
        {
            return Fail("Invalid timeZone", $"'timeZone' must be an IANA time zone id such as 'Europe/Brussels' or 'UTC'; got '{request.TimeZone}'.");
        }

        var delivery = request.Delivery ?? SubscriptionDelivery.Immediate;
        if (delivery is not (SubscriptionDelivery.Immediate or SubscriptionDelivery.Hourly or SubscriptionDelivery.Daily))
        {
            return Fail("Invalid delivery", $"'delivery' must be 'immediate', 'hourly' or 'daily'; got '{request.Delivery}'.");
        }

        var digestHour = request.DigestHour ?? 8;
        if (digestHour is < 0 or > 23)
        {
            return Fail("Invalid digestHour", $"'digestHour' must be from 0 to 23; got {digestHour}.");
        }

        var channels = request.Channels ?? new ChannelsRequest(null, null, null);
        var email = channels.Email ?? false;
        if (email && !checks.SmtpEnabled)
        {
            return Fail("Email unavailable", "'channels.email' needs an SMTP server, and this Monitor has none configured (an admin sets Alerts:Smtp:Host).");
        }

        if (email && string.IsNullOrWhiteSpace(checks.OwnerEmail))
        {
            return Fail("Email unavailable", "'channels.email' sends to your account's email address, and it has none; ask an admin to set it.");
        }

        string? webhookUrl = null;
        var webhookFormat = "json";
        if (channels.Webhook is { } webhook)
        {
            webhookFormat = webhook.Format ?? "json";
            if (webhookFormat is not ("json" or "chat"))
            {
                return Fail("Invalid webhook", $"'channels.webhook.format' must be 'json' or 'chat'; got '{webhook.Format}'.");
            }

            var (url, problem) = await CheckWebhookAsync(webhook.Url, checks, cancellationToken);
            if (problem is not null)
            {
                return (null, problem);
            }

            webhookUrl = url;
        }

        string? ntfyUrl = null, ntfyToken = null;
        var ntfyPriority = 3;
        List<string> ntfyTags = [];
        if (channels.Ntfy is { } ntfy)
        {
            var (url, problem) = await CheckUrlAsync(ntfy.Url, "channels.ntfy.url", "Invalid ntfy", checks, cancellationToken);
            if (problem is not null)
            {
                return (null, problem);
            }

            var topic = new Uri(url!).AbsolutePath.Trim('/');
            if (!NtfyTopicPattern().IsMatch(topic) || !string.IsNullOrEmpty(new Uri(url!).Query) || !string.IsNullOrEmpty(new Uri(url!).Fragment))
            {
                return Fail("Invalid ntfy", $"'channels.ntfy.url' must be a topic URL such as https://ntfy.sh/my-alerts: the server, then one topic of 1 to 64 letters, digits, '_' or '-' (optionally under a path), no query; got '{ntfy.Url}'.");
            }

            ntfyPriority = ntfy.Priority ?? 3;
            if (ntfyPriority is < 1 or > 5)
            {
                return Fail("Invalid ntfy", $"'channels.ntfy.priority' must be from 1 (min) to 5 (max, urgent); got {ntfyPriority}.");
            }

            ntfyTags = Distinct(ntfy.Tags);
            if (ntfyTags.Count > MaxNtfyTags)
            {
                return Fail("Invalid ntfy", $"'channels.ntfy.tags' may list at most {MaxNtfyTags} tags; got {ntfyTags.Count}.");
            }

            if (ntfyTags.FirstOrDefault(t => !NtfyTagPattern().IsMatch(t)) is { } badTag)
            {
                return Fail("Invalid ntfy", $"'channels.ntfy.tags' must be 1 to 40 letters, digits, '_', '-', '+' or '.' each (e.g. 'warning', 'rotating_light'); got '{badTag}'.");
            }

            // null keeps the stored token (the API never shows it, so an edit cannot send it back); "" removes it.
            // A stored token is kept only for the same server: a topic moved to another server must be given its token again.
            var sameServer = checks.Existing?.NtfyUrl is { } before && Uri.TryCreate(before, UriKind.Absolute, out var beforeUrl)
                && string.Equals(beforeUrl.GetLeftPart(UriPartial.Authority), new Uri(url!).GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
            ntfyToken = ntfy.Token is null ? (sameServer ? checks.Existing!.NtfyToken : null) : ntfy.Token.Trim() is { Length: > 0 } token ? token : null;
            if (ntfyToken is not null && (ntfyToken.Length > MaxSecretLength || !TokenPattern().IsMatch(ntfyToken)))
            {
                return Fail("Invalid ntfy", $"'channels.ntfy.token' must be an ntfy access token (e.g. tk_…): at most {MaxSecretLength} visible ASCII characters without spaces.");
            }

            ntfyUrl = url;
        }

        string? telegramChatId = null, telegramBotToken = null;
        var telegramParseMode = "HTML";
        if (channels.Telegram is { } telegram)
        {
            telegramChatId = telegram.ChatId?.Trim();
            if (string.IsNullOrEmpty(telegramChatId) || !TelegramChatPattern().IsMatch(telegramChatId))
            {
                return Fail("Invalid telegram", $"'channels.telegram.chatId' must be a numeric chat id (a group's is negative, e.g. -1001234567890) or a public channel's @username; got '{telegram.ChatId}'.");
            }

            telegramParseMode = telegram.ParseMode ?? "HTML";
            if (telegramParseMode is not ("HTML" or "MarkdownV2"))
            {
                return Fail("Invalid telegram", $"'channels.telegram.parseMode' must be 'HTML' or 'MarkdownV2'; got '{telegram.ParseMode}'.");
            }

            // null keeps the stored token (the API never shows it, so an edit cannot send it back).
            telegramBotToken = string.IsNullOrWhiteSpace(telegram.BotToken) ? checks.Existing?.TelegramBotToken : telegram.BotToken.Trim();
            if (telegramBotToken is null)
            {
                return Fail("Invalid telegram", "'channels.telegram.botToken' is required: the token BotFather gave when the bot was created (e.g. 123456789:AAH…).");
            }

            if (!TelegramTokenPattern().IsMatch(telegramBotToken))
            {
                // The token is a secret: the message does not repeat it.
                return Fail("Invalid telegram", "'channels.telegram.botToken' is not a bot token: BotFather's tokens are the bot's number, ':' and 30 or more letters, digits, '_' or '-'.");
            }
        }

        var spike = kind == SubscriptionKinds.Spike;
        return (new Subscription
        {
            Name = name, Kind = kind, Enabled = request.Enabled ?? true, Topics = topics, TopicMatch = topicMatch, Sources = sources,
            DocumentTypes = documentTypes, MinScore = minScore, Query = query, DriftOnly = request.DriftOnly ?? false, IncludeHistory = request.IncludeHistory ?? false,
            SpikeWindowHours = spike ? request.SpikeWindowHours : null, SpikeFactor = spike ? request.SpikeFactor : null,
            QuietStart = quietStart, QuietEnd = quietEnd, TimeZone = timeZone, Delivery = delivery, DigestHour = digestHour,
            InApp = channels.InApp ?? true, Email = email, WebhookUrl = webhookUrl, WebhookFormat = webhookFormat,
            NtfyUrl = ntfyUrl, NtfyToken = ntfyToken, NtfyPriority = ntfyPriority, NtfyTags = ntfyTags,
            TelegramChatId = telegramChatId, TelegramBotToken = telegramBotToken, TelegramParseMode = telegramParseMode,
        }, null);
    }

    /// <summary>
    /// An absolute http(s) URL without user info, whose host <see cref="SubscriptionChecks.Webhooks"/> allows. The
    /// Alerts worker checks the addresses again at every connect (DNS can change); this check tells the user at once.
    /// </summary>
    private static Task<(string? Url, RequestProblem? Problem)> CheckWebhookAsync(string? text, SubscriptionChecks checks, CancellationToken cancellationToken) =>
        CheckUrlAsync(text, "channels.webhook.url", "Invalid webhook", checks, cancellationToken);

    /// <summary>A webhook's or an ntfy topic's URL: the same rules and the same network check.</summary>
    private static async Task<(string? Url, RequestProblem? Problem)> CheckUrlAsync(
        string? text, string field, string title, SubscriptionChecks checks, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxUrlLength || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
        {
            return (null, new(title, $"'{field}' must be an absolute http or https URL of at most {MaxUrlLength} characters; got '{text}'."));
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return (null, new(title, $"'{field}' must not carry a user name or password; {(field == "channels.webhook.url" ? "put a token in its path or query instead" : "send an access token in 'channels.ntfy.token' instead")}."));
        }

        var refusal = field == "channels.webhook.url"
            ? await checks.Webhooks.RefuseAsync(url, cancellationToken)
            : await checks.Webhooks.RefuseAsync(url, field, cancellationToken);
        return refusal is not null ? (null, refusal) : (url.ToString(), null);
    }

    /// <summary>The first statement or spike field a briefing subscription would silently ignore, or null.</summary>
    private static string? BriefingIgnores(SubscriptionRequest request, List<string> sources, List<string> documentTypes, string? query) =>
        sources.Count > 0 ? "sources"
        : documentTypes.Count > 0 ? "documentTypes"
        : query is not null ? "query"
        : request.DriftOnly == true ? "driftOnly"
        : request.IncludeHistory == true ? "includeHistory"
        : request.MinScore is > 0 ? "minScore"
        : request.TopicMatch == "all" ? "topicMatch"
        : request.SpikeWindowHours is not null ? "spikeWindowHours"
        : request.SpikeFactor is not null ? "spikeFactor"
        : null;

    /// <summary>The first statement or spike field an event subscription would silently ignore, or null ('includeHistory' applies: events of history).</summary>
    private static string? EventIgnores(SubscriptionRequest request, List<string> sources, List<string> documentTypes, string? query) =>
        sources.Count > 0 ? "sources"
        : documentTypes.Count > 0 ? "documentTypes"
        : query is not null ? "query"
        : request.DriftOnly == true ? "driftOnly"
        : request.MinScore is > 0 ? "minScore"
        : request.TopicMatch == "all" ? "topicMatch"
        : request.SpikeWindowHours is not null ? "spikeWindowHours"
        : request.SpikeFactor is not null ? "spikeFactor"
        : null;

    private static List<string> Distinct(IReadOnlyList<string>? values) =>
        (values ?? []).Where(v => v is not null).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).ToList();

    private static RequestProblem? ListProblem(string field, List<string> values) =>
        values.Count > MaxListLength ? new($"Invalid {field}", $"'{field}' may list at most {MaxListLength} ids; got {values.Count}.") : null;

    private static bool IsClockTime(string? value) =>
        value is not null && ClockPattern().IsMatch(value);

    private static bool IsTimeZone(string id)
    {
        // IANA ids only: letters, digits, '_', '-', '+' and '/' (never '..', so no path escapes the zone directory).
        if (!TimeZonePattern().IsMatch(id) || id.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
    }

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static (Subscription?, RequestProblem?) Fail(string title, string detail) => (null, new RequestProblem(title, detail));

    // ntfy's topic names: letters, digits, '_' and '-', up to 64; a server under a path (https://host/ntfy/topic) has segments before it.
    [GeneratedRegex("^([A-Za-z0-9_.~-]+/)*[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NtfyTopicPattern();

    [GeneratedRegex("^[A-Za-z0-9_+.-]{1,40}$")]
    private static partial Regex NtfyTagPattern();

    [GeneratedRegex("^[\\x21-\\x7E]+$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")]
    private static partial Regex TelegramChatPattern();

    [GeneratedRegex("^[0-9]{1,20}:[A-Za-z0-9_-]{30,80}$")]
    private static partial Regex TelegramTokenPattern();

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex ClockPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+/-]{0,63}$")]
    private static partial Regex TimeZonePattern();
}
