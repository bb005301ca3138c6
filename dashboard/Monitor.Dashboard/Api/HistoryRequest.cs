using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Monitor.Contracts;
using Monitor.Core.Entities;
using Monitor.Core.Search;
using Monitor.Core.Tagging;
using Monitor.Core.Text;
using Monitor.Data.History;

namespace Monitor.Dashboard.Api;

/// <summary>The query-string filters every history endpoint takes. All optional; they combine with AND.</summary>
public sealed class HistoryRequest
{
    [Description("Full-text query: words, prefix* , \"phrases\", AND (implied), OR, NOT or -word, parentheses.")]
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    [Description("Comma-separated topic ids (see /api/topics).")]
    [FromQuery(Name = "topics")]
    public string? Topics { get; init; }

    [Description("'any' (default): at least one of the topics; 'all': every one.")]
    [FromQuery(Name = "topicMatch")]
    public string? TopicMatch { get; init; }

    [Description("Minimum topic score, 0 to 1: applies to the named topics, or to any topic when none are named.")]
    [FromQuery(Name = "minScore")]
    public string? MinScore { get; init; }

    [Description("Comma-separated source ids.")]
    [FromQuery(Name = "sources")]
    public string? Sources { get; init; }

    [Description("Comma-separated document types: press-release, speech, text-adopted, declaration, news, analysis.")]
    [FromQuery(Name = "types")]
    public string? Types { get; init; }

    [Description("Statements dated on or after this ISO 8601 date or date-time (UTC unless an offset is given).")]
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [Description("Statements dated before this ISO 8601 date or date-time (exclusive).")]
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    [Description("'true': only statements stating a baseline figure that differs from the briefing.")]
    [FromQuery(Name = "drift")]
    public string? Drift { get; init; }

    [Description("Language code as stored, e.g. 'en'.")]
    [FromQuery(Name = "language")]
    public string? Language { get; init; }

    [Description("Comma-separated entity ids (countries, organisations, people: docs/entities.md), e.g. 'finland,jens-stoltenberg': statements naming every one.")]
    [FromQuery(Name = "entity")]
    public string? Entity { get; init; }

    [Description("Signed-in users: 'true': only statements they have not read.")]
    [FromQuery(Name = "unread")]
    public string? Unread { get; init; }

    [Description("Signed-in users: 'true': only statements they starred.")]
    [FromQuery(Name = "starred")]
    public string? Starred { get; init; }

    [Description("Signed-in users: only statements they gave this label.")]
    [FromQuery(Name = "label")]
    public string? Label { get; init; }

    /// <summary>The caller (the triage filters are theirs); bound from the request.</summary>
    public ClaimsPrincipal? User { get; init; }

    /// <summary>The filter, or the first problem with the request (for a 400).</summary>
    public (HistoryFilter? Filter, string? Error) ToFilter(TopicFile topicFile)
    {
        ArgumentNullException.ThrowIfNull(topicFile);
        var filter = new HistoryFilter();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            try
            {
                filter = filter with { Text = TextQuery.Parse(Q) };
            }
            catch (QuerySyntaxException ex)
            {
                return (null, $"'q' is not a valid query: {ex.Message}");
            }
        }

        var topics = List(Topics);
        var unknown = topics.Where(t => topicFile.Topics.All(known => known.Id != t)).ToList();
        if (unknown.Count > 0)
        {
            return (null, $"Unknown topic '{unknown[0]}'; /api/topics lists the {topicFile.Topics.Count} topic ids.");
        }

        filter = filter with { Topics = topics };
        switch (TopicMatch?.ToLowerInvariant())
        {
            case null or "" or "any":
                break;
            case "all":
                filter = filter with { TopicMatch = Data.History.TopicMatch.All };
                break;
            default:
                return (null, $"'topicMatch' must be 'any' or 'all'; got '{TopicMatch}'.");
        }

        if (MinScore is not null)
        {
            if (!double.TryParse(MinScore, NumberStyles.Float, CultureInfo.InvariantCulture, out var minScore) || minScore is < 0 or > 1)
            {
                return (null, $"'minScore' must be a number from 0 to 1; got '{MinScore}'.");
            }

            filter = filter with { MinScore = minScore };
        }

        var types = List(Types);
        if (types.FirstOrDefault(t => !DocumentTypes.IsKnown(t)) is { } badType)
        {
            return (null, $"Unknown document type '{badType}'; known: {string.Join(", ", DocumentTypes.All)}.");
        }

        var entities = List(Entity);
        var gazetteer = Gazetteer.LoadDefault();
        if (entities.FirstOrDefault(e => gazetteer.Find(e) is null) is { } badEntity)
        {
            return (null, $"Unknown entity '{badEntity}'; entity ids are lower case, like 'ukraine', 'council-of-the-eu', 'jens-stoltenberg' (docs/entities.md).");
        }

        filter = filter with { Entities = entities };
        filter = filter with { DocumentTypes = types, Sources = List(Sources), Language = string.IsNullOrWhiteSpace(Language) ? null : Language.Trim() };
        if (!QueryDate.TryParse(From, "from", false, out var from, out var error) || !QueryDate.TryParse(To, "to", false, out var to, out error))
        {
            return (null, error);
        }

        if (from is not null && to is not null && from >= to)
        {
            return (null, $"'from' ({From}) must be before 'to' ({To}).");
        }

        filter = filter with { From = from, To = to };
        switch (Drift?.ToLowerInvariant())
        {
            case null or "" or "false":
                break;
            case "true":
                filter = filter with { DriftOnly = true };
                break;
            default:
                return (null, $"'drift' must be 'true' or 'false'; got '{Drift}'.");
        }

        var (triage, triageError) = TriageRequest.ToTriage(Unread, Starred, Label, User);
        return triageError is not null ? (null, triageError) : (filter with { Triage = triage }, null);
    }

    private static List<string> List(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}
