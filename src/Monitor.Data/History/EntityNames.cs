using Monitor.Core.Entities;

namespace Monitor.Data.History;

/// <summary>The display name and kind of a stored entity id, from the gazetteer (docs/entities.md).</summary>
public static class EntityNames
{
    /// <summary>
    /// Name and kind (<c>country</c>, <c>organisation</c>, <c>person</c>) of an entity id; an id the gazetteer no longer
    /// knows (rows written before it changed) keeps its id as name and kind <c>unknown</c>.
    /// </summary>
    public static (string Name, string Kind) Describe(string entityId) =>
        Gazetteer.LoadDefault().Find(entityId) is { } entity
            ? (entity.Name, entity.Kind.ToString().ToLowerInvariant())
            : (entityId, "unknown");
}
