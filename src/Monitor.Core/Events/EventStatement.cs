namespace Monitor.Core.Events;

/// <summary>
/// What the clusterer knows of a stored statement: its id, its day, its institution and its signals. Built by
/// <see cref="EventFeatures"/> from the statement's text, the tagger's topics and (later) the entity extractor's ids.
/// </summary>
/// <param name="Id">The statement's id in the store.</param>
/// <param name="Date">The day it was published (statements arrive in date order).</param>
/// <param name="Institution"><c>NATO</c> or <c>EP</c>; shown in reasons and events, not a score.</param>
/// <param name="Vector">Unit-length sentence embedding of its title and lead (see <see cref="EventFeatures"/>).</param>
/// <param name="Topics">The tagger's topic ids.</param>
/// <param name="References">Document references found in it (<see cref="DocumentReferences"/>).</param>
/// <param name="Entities">Entity ids (people, countries, organisations) when an extractor provides them; null when none does.</param>
public sealed record EventStatement(
    long Id,
    DateOnly Date,
    string Institution,
    float[] Vector,
    IReadOnlyCollection<string> Topics,
    IReadOnlyCollection<string> References,
    IReadOnlyCollection<string>? Entities = null);
