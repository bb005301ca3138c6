namespace Monitor.Persistence;

/// <summary>Bound from the <c>Persistence</c> section.</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "Persistence";

    /// <summary>The most statements written in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 200;

    /// <summary>Batches written at once by this process, each on its own connection; by default 2 on PostgreSQL, 1 on SQLite.</summary>
    public int? BatchWriters { get; set; }
}
