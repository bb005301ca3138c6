using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Monitor.Contracts;
using Monitor.Core.Alerts;
using Monitor.Core.Search;
using Monitor.Core.Tagging;
using Monitor.Data.Alerts;
using Monitor.Data.History;
using Monitor.Hosting.Net;

namespace Monitor.Dashboard.Api;

/// <summary>
/// The body of <c>POST /api/subscriptions</c> and <c>PUT /api/subscriptions/{id}</c>. Every field is optional except
/// <see cref="Name"/>; a missing one takes the default named on it.
/// </summary>
public sealed record SubscriptionRequest
{
    public string? Name { get; init; }

    /// <summary>"statements" (default) or "spike".</summary>
    public string? Kind { get; init; }

    /// <summary>Default true.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Topic ids (see /api/topics); empty matches any topic. A spike needs at least one.</summary>
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

    /// <summary>Also alert on statements stored by a backfill (history); default false.</summary>
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

/// <summary>In-app defaults to true, email to false, webhook to none.</summary>
public sealed record ChannelsRequest(bool? InApp, bool? Email, WebhookRequest? Webhook);

/// <summary>An absolute http(s) URL; format "json" (default) or "chat".</summary>
public sealed record WebhookRequest(string? Url, string? Format);

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
            new ChannelsView(s.InApp, s.Email, s.WebhookUrl is null ? null : new WebhookView(s.WebhookUrl, s.WebhookFormat)),
            s.CreatedAt, s.UpdatedAt, s.Suspended) { IncludeHistory = s.IncludeHistory };
    }
}

public sealed record QuietHoursView(string Start, string End);

public sealed record ChannelsView(bool InApp, bool Email, WebhookView? Webhook);

public sealed record WebhookView(string Url, string Format);

/// <summary>What a subscription request is checked against: topics, sources, SMTP, the owner's address, the network guard.</summary>
public sealed record SubscriptionChecks(
    TopicFile TopicFile, IReadOnlyCollection<string> SourceIds, bool SmtpEnabled, string? OwnerEmail, NetworkGuard Guard,
    Func<string, CancellationToken, Task<IPAddress[]>> Resolve);

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
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

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
        if (kind is not (SubscriptionKinds.Statements or SubscriptionKinds.Spike))
        {
            return Fail("Invalid kind", $"'kind' must be 'statements' or 'spike'; got '{request.Kind}'.");
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

        var spike = kind == SubscriptionKinds.Spike;
        return (new Subscription
        {
            Name = name, Kind = kind, Enabled = request.Enabled ?? true, Topics = topics, TopicMatch = topicMatch, Sources = sources,
            DocumentTypes = documentTypes, MinScore = minScore, Query = query, DriftOnly = request.DriftOnly ?? false, IncludeHistory = request.IncludeHistory ?? false,
            SpikeWindowHours = spike ? request.SpikeWindowHours : null, SpikeFactor = spike ? request.SpikeFactor : null,
            QuietStart = quietStart, QuietEnd = quietEnd, TimeZone = timeZone, Delivery = delivery, DigestHour = digestHour,
            InApp = channels.InApp ?? true, Email = email, WebhookUrl = webhookUrl, WebhookFormat = webhookFormat,
        }, null);
    }

    /// <summary>
    /// An absolute http(s) URL whose host resolves only to addresses the network guard allows. The Alerts worker's guard
    /// checks again at every connect (DNS can change); this check tells the user at once.
    /// </summary>
    private static async Task<(string? Url, RequestProblem? Problem)> CheckWebhookAsync(string? text, SubscriptionChecks checks, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxUrlLength || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
        {
            return (null, new("Invalid webhook", $"'channels.webhook.url' must be an absolute http or https URL of at most {MaxUrlLength} characters; got '{text}'."));
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return (null, new("Invalid webhook", "'channels.webhook.url' must not carry a user name or password; put a token in its path or query instead."));
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ResolveTimeout);
                addresses = await checks.Resolve(url.IdnHost, timeout.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return (null, new("Invalid webhook", $"'channels.webhook.url': the host '{url.Host}' does not resolve ({ex.Message})."));
            }

            if (addresses.Length == 0)
            {
                return (null, new("Invalid webhook", $"'channels.webhook.url': the host '{url.Host}' has no address."));
            }
        }

        foreach (var address in addresses)
        {
            if (checks.Guard.Refusal(address) is { } refusal)
            {
                return (null, new("Webhook address refused",
                    $"'channels.webhook.url' ({url.Host}) is {refusal}. Loopback, private and link-local targets are refused unless an admin lists the network in the Alerts:AllowedNetworks setting (e.g. --Alerts:AllowedNetworks:0=10.0.0.0/8)."));
            }
        }

        return (url.ToString(), null);
    }

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

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex ClockPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+/-]{0,63}$")]
    private static partial Regex TimeZonePattern();
}
