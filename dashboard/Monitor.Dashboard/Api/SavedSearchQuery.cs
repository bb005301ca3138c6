using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Monitor.Core.Alerts;
using Monitor.Core.Tagging;
using Monitor.Data.History;

namespace Monitor.Dashboard.Api;

/// <summary>
/// A saved search's query: the query string of <c>GET /api/statements</c> (every filter of <see cref="HistoryRequest"/>
/// and <c>sort</c>), checked as that endpoint checks it and kept in one canonical order with empty values left out.
/// </summary>
public sealed class SavedSearchQuery
{
    public const int MaxLength = 2000;

    /// <summary>The parameters a saved search keeps, in their canonical order.</summary>
    public static readonly IReadOnlyList<string> Parameters =
        ["q", "topics", "topicMatch", "minScore", "sources", "types", "from", "to", "drift", "language", "entity", "unread", "starred", "label", "sort"];

    /// <summary>
    /// What an alert subscription cannot carry: it matches each statement as it is stored, with no dates, language or
    /// entities, and before anyone has read, starred or labelled it.
    /// </summary>
    public static readonly IReadOnlyList<string> NotForAlerts = ["from", "to", "language", "entity", "unread", "starred", "label"];

    private readonly Dictionary<string, string> _values;

    private SavedSearchQuery(Dictionary<string, string> values, HistoryFilter filter, HistorySort sort) =>
        (_values, Filter, Sort) = (values, filter, sort);

    public HistoryFilter Filter { get; }

    public HistorySort Sort { get; }

    /// <summary>The parameters set, by name.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The canonical query string, without '?'.</summary>
    public override string ToString() =>
        string.Join('&', Parameters.Where(_values.ContainsKey).Select(p => $"{p}={Uri.EscapeDataString(_values[p])}"));

    /// <summary>The history page's address for this query: the page's "To" is inclusive, so a date-only 'to' shows the day before.</summary>
    public string HistoryPageUrl()
    {
        var page = new Dictionary<string, string>(_values, StringComparer.Ordinal);
        if (page.TryGetValue("to", out var to) && DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            page["to"] = day.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        var query = string.Join('&', Parameters.Where(page.ContainsKey).Select(p => $"{p}={Uri.EscapeDataString(page[p])}"));
        return query.Length == 0 ? "/history.html" : $"/history.html?{query}";
    }

    /// <summary>The query, or the first problem with it (for a 400).</summary>
    /// <param name="owner">The saved search's owner: 'unread', 'starred' and 'label' are their marks, in the page and in the feed alike.</param>
    public static (SavedSearchQuery? Query, string? Error) Parse(string? text, TopicFile topics, long owner)
    {
        ArgumentNullException.ThrowIfNull(topics);
        text = text?.Trim() ?? "";
        if (text.Length > MaxLength)
        {
            return (null, $"'query' must be at most {MaxLength} characters; got {text.Length}.");
        }

        var parsed = QueryHelpers.ParseQuery(text.StartsWith('?') ? text : "?" + text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parsed)
        {
            if (!Parameters.Contains(key, StringComparer.Ordinal))
            {
                return (null, $"'query' has '{key}', which is not a filter of GET /api/statements; it takes {string.Join(", ", Parameters)}.");
            }

            if (value.Count > 1)
            {
                return (null, $"'query' has '{key}' {value.Count} times; give it once (lists are comma-separated).");
            }

            if (!string.IsNullOrWhiteSpace(value[0]))
            {
                values[key] = value[0]!.Trim();
            }
        }

        var request = new HistoryRequest
        {
            Q = values.GetValueOrDefault("q"), Topics = values.GetValueOrDefault("topics"), TopicMatch = values.GetValueOrDefault("topicMatch"),
            MinScore = values.GetValueOrDefault("minScore"), Sources = values.GetValueOrDefault("sources"), Types = values.GetValueOrDefault("types"),
            From = values.GetValueOrDefault("from"), To = values.GetValueOrDefault("to"), Drift = values.GetValueOrDefault("drift"),
            Language = values.GetValueOrDefault("language"), Entity = values.GetValueOrDefault("entity"),
            Unread = values.GetValueOrDefault("unread"), Starred = values.GetValueOrDefault("starred"), Label = values.GetValueOrDefault("label"),
            User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, owner.ToString(CultureInfo.InvariantCulture))], "saved-search")),
        };
        var (filter, error) = request.ToFilter(topics);
        if (filter is null)
        {
            return (null, error);
        }

        HistorySort sort;
        switch (values.GetValueOrDefault("sort")?.ToLowerInvariant())
        {
            case null or "date":
                sort = HistorySort.Date;
                values.Remove("sort");
                break;
            case "relevance" when filter.Text is not null:
                sort = HistorySort.Relevance;
                values["sort"] = "relevance";
                break;
            case "relevance":
                return (null, "'sort=relevance' needs a text query in 'q'.");
            default:
                return (null, $"'sort' must be 'date' or 'relevance'; got '{values["sort"]}'.");
        }

        // Defaults are left out, so the same search is the same string.
        if (values.GetValueOrDefault("topicMatch")?.ToLowerInvariant() is "any")
        {
            values.Remove("topicMatch");
        }

        foreach (var flag in new[] { "drift", "unread", "starred" })
        {
            if (values.GetValueOrDefault(flag)?.ToLowerInvariant() is "false")
            {
                values.Remove(flag);
            }
        }

        return (new SavedSearchQuery(values, filter, sort), null);
    }

    /// <summary>
    /// A "statements" alert subscription of the same filters, named <paramref name="name"/>, with the in-app channel; or
    /// the problem, naming the filters a subscription cannot carry (nothing is dropped silently). The order ('sort') is
    /// not a filter: alerts come as statements are stored.
    /// </summary>
    public (SubscriptionRequest? Request, string? Error) ToSubscription(string name)
    {
        var refused = NotForAlerts.Where(_values.ContainsKey).ToList();
        if (refused.Count > 0)
        {
            return (null, $"An alert subscription cannot carry {string.Join(", ", refused.Select(r => $"'{r}'"))} of this saved search: it matches each "
                + "statement as it is stored, by topics, sources, document types, minimum score, words and figure drift, and has no dates, language or "
                + "entities. Save the search without these filters, then make the alert from that one.");
        }

        return (new SubscriptionRequest
        {
            Name = name,
            Kind = "statements",
            Topics = Filter.Topics,
            TopicMatch = Filter.TopicMatch == TopicMatch.All ? "all" : "any",
            Sources = Filter.Sources,
            DocumentTypes = Filter.DocumentTypes,
            MinScore = Filter.MinScore ?? 0,
            Query = _values.GetValueOrDefault("q"),
            DriftOnly = Filter.DriftOnly,
            Channels = new ChannelsRequest(true, false, null),
        }, null);
    }
}
