namespace Monitor.Core.Events;

/// <summary>Entity weights for <see cref="EventOptions.EntityRarity"/>: an inverse document frequency scaled to 0..1.</summary>
public static class EntityRarity
{
    /// <summary>
    /// log(N / df) / log(N) per entity, from how many of <paramref name="statements"/> statements name each one: 0 for an
    /// entity every statement names, 1 for one named once.
    /// </summary>
    public static IReadOnlyDictionary<string, double> From(IReadOnlyDictionary<string, int> statementsNaming, int statements)
    {
        ArgumentNullException.ThrowIfNull(statementsNaming);
        ArgumentOutOfRangeException.ThrowIfLessThan(statements, 2);
        var scale = Math.Log(statements);
        return statementsNaming.ToDictionary(kv => kv.Key, kv => Math.Clamp(Math.Log((double)statements / Math.Max(1, kv.Value)) / scale, 0, 1), StringComparer.Ordinal);
    }
}
