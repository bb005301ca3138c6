using System.Globalization;
using System.ServiceModel.Syndication;
using System.Text;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>GET /feeds/alerts/{token}</c>: a subscription's last 50 alerts as Atom 1.0, for feed readers. No sign-in: the
/// secret token in the URL is the credential (only its SHA-256 is stored; rotating it retires the old URL). An unknown
/// token, or a suspended subscription (its owner disabled or demoted to viewer), answers 404.
/// </summary>
public static class AlertFeedApi
{
    public const string AtomContentType = AtomWriter.ContentType;
    private const int MaxTokenLength = 128;

    public static WebApplication MapAlertFeedApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet($"{SubscriptionsApi.FeedPath}/{{token}}", GetFeed).AllowAnonymous().WithTags("Subscriptions")
            .Produces(StatusCodes.Status200OK, contentType: "application/atom+xml");
        return app;
    }

    private static async Task<IResult> GetFeed(string token, HttpContext http, SubscriptionStore subscriptions, InboxStore inbox, CancellationToken cancellationToken)
    {
        // The URL is a secret: keep it out of caches and out of Referer headers of the links in the feed.
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (token.Length > MaxTokenLength
            || await subscriptions.FindByFeedTokenHashAsync(SubscriptionsApi.HashFeedToken(token), cancellationToken) is not { Suspended: false } subscription)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown feed",
                detail: "There is no alert feed at this address; its token may have been rotated.");
        }

        var alerts = await inbox.ListForFeedAsync(subscription.Id, subscription.UserId, cancellationToken);
        var site = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return TypedResults.Text(Render(subscription, alerts, site), AtomContentType, Encoding.UTF8);
    }

    /// <summary>The Atom document: one entry per alert, newest first.</summary>
    public static string Render(Subscription subscription, IReadOnlyList<InboxAlert> alerts, string site)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(alerts);
        var feed = new SyndicationFeed
        {
            Id = $"urn:monitor:subscription:{subscription.Id.ToString(CultureInfo.InvariantCulture)}",
            Title = new TextSyndicationContent(subscription.Name),
            Description = new TextSyndicationContent($"Alerts of the Monitor subscription '{subscription.Name}'."),
            Generator = "Monitor",
            LastUpdatedTime = alerts.Count > 0 ? alerts[0].Alert.TriggeredAt : subscription.UpdatedAt,
            Items = alerts.Select(a => Entry(a.Alert, site)).ToList(),
        };
        feed.Links.Add(new SyndicationLink(new Uri($"{site}/", UriKind.Absolute), "alternate", "Monitor", "text/html", 0));

        return AtomWriter.Write(feed);
    }

    private static SyndicationItem Entry(AlertRecord alert, string site)
    {
        var item = new SyndicationItem
        {
            Id = $"urn:monitor:alert:{alert.Id.ToString(CultureInfo.InvariantCulture)}",
            Title = new TextSyndicationContent(string.IsNullOrWhiteSpace(alert.Title) ? $"Alert {alert.Id}" : alert.Title),
            LastUpdatedTime = alert.TriggeredAt,
            PublishDate = alert.TriggeredAt,
            Summary = new TextSyndicationContent(Summary(alert)),
        };
        if (Uri.TryCreate(alert.Url, UriKind.Absolute, out var original) && original.Scheme is "http" or "https")
        {
            item.Links.Add(new SyndicationLink(original, "alternate", "The original", "text/html", 0));
        }
        else if (alert.Kind is AlertKinds.Briefing or AlertKinds.Event && alert.Url.StartsWith('/'))
        {
            // Without Alerts:DashboardUrl the worker stores the briefing or event page as a path: this dashboard's page.
            item.Links.Add(new SyndicationLink(new Uri(site + alert.Url, UriKind.Absolute), "alternate",
                alert.Kind == AlertKinds.Event ? "The event" : "The briefing", "text/html", 0));
        }

        if (alert.StatementId is { } statementId)
        {
            item.Links.Add(new SyndicationLink(
                new Uri($"{site}/statement.html?id={statementId.ToString(CultureInfo.InvariantCulture)}", UriKind.Absolute), "related", "In Monitor", "text/html", 0));
        }

        foreach (var topic in alert.MatchedTopics)
        {
            item.Categories.Add(new SyndicationCategory(topic));
        }

        return item;
    }

    private static string Summary(AlertRecord alert)
    {
        if (alert.Kind == AlertKinds.Briefing && Monitor.Core.Briefing.BriefingDigest.MarkdownOf(alert.Detail) is { } markdown)
        {
            return markdown;
        }

        var topics = alert.MatchedTopics.Count > 0 ? string.Join(", ", alert.MatchedTopics) : "none";
        return alert.Kind switch
        {
            AlertKinds.Spike => $"Volume spike of topic {alert.TopicId}. Matched topics: {topics}.",
            AlertKinds.Event => $"NATO and the European Parliament have both spoken on this event. Matched topics: {topics}.",
            _ => $"Matched topics: {topics}.",
        };
    }
}
