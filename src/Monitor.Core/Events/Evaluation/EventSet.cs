using System.Globalization;
using System.Text.Json;
using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Core.Events.Evaluation;

/// <summary>One labelled statement of the events set: a statement of the real corpus and its gold event.</summary>
/// <param name="Split"><c>tune</c> (the clusterer's settings are chosen on it) or <c>heldout</c> (only measured).</param>
public sealed record EventLabel(string Id, string Event, string Split, string? Story);

/// <summary>A statement of the events set with its text, day and gold event.</summary>
public sealed record EventItem(LabelledStatement Statement, DateOnly Date, EventLabel Label);

/// <summary>
/// The labelled events set (<c>Events/Evaluation/events.ndjson</c>, docs/events.md): every statement of the real corpus
/// (<see cref="Corpus"/>) whose day is known, each with its gold event; a statement alone in its event is a singleton.
/// Split by event, never by statement: a whole event is in <c>tune</c> or in <c>heldout</c>.
/// </summary>
public static class EventSet
{
    private const string ResourceName = "Monitor.Core.Events.Evaluation.events.ndjson";

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<EventItem> LoadDefault() => Join(ParseLabels(Ndjson.ReadResource(ResourceName)), Corpus.LoadDefault());

    /// <summary>Reads label lines; throws <see cref="FormatException"/> naming a bad line.</summary>
    public static IReadOnlyList<EventLabel> ParseLabels(string ndjson) =>
        Ndjson.Parse<EventLabel>(ndjson, Options, l => l switch
        {
            null => "empty line object",
            { Id: null or "" } => "no id",
            { Event: null or "" } => $"{l.Id}: no event",
            { Split: not ("tune" or "heldout") } => $"{l.Id}: split must be tune or heldout, not '{l.Split}'",
            _ => null,
        });

    /// <summary>The labelled statements with their corpus text, in date order (then by id).</summary>
    public static IReadOnlyList<EventItem> Join(IReadOnlyList<EventLabel> labels, IReadOnlyList<LabelledStatement> corpus)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(corpus);
        var byId = corpus.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var items = new List<EventItem>();
        var splitOfEvent = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            if (!byId.TryGetValue(label.Id, out var statement))
            {
                throw new FormatException($"{label.Id} is not a statement of the corpus");
            }

            if (!DateOnly.TryParseExact(statement.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new FormatException($"{label.Id}: its corpus date '{statement.Date}' is not a day");
            }

            if (splitOfEvent.TryGetValue(label.Event, out var split) && split != label.Split)
            {
                throw new FormatException($"Event {label.Event} is in both splits: the split is by event");
            }

            splitOfEvent[label.Event] = label.Split;
            items.Add(new EventItem(statement, date, label));
        }

        return [.. items.OrderBy(i => i.Date).ThenBy(i => i.Statement.Id, StringComparer.Ordinal)];
    }
}
