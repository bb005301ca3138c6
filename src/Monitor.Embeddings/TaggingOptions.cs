namespace Monitor.Embeddings;

/// <summary>Bound from the <c>Tagging</c> section.</summary>
public sealed class TaggingOptions
{
    public const string SectionName = "Tagging";

    /// <summary>A topic file to use instead of the baseline built into Monitor.Core.</summary>
    public string? TopicFile { get; set; }

    /// <summary>Re-tag stored statements when the topic file's version differs from their tags' (default on).</summary>
    public bool Retag { get; set; } = true;

    /// <summary>Statements read and re-tagged per batch; the lease is renewed between batches.</summary>
    public int RetagBatchSize { get; set; } = 100;

    /// <summary>How long a replica's re-tagging lease lasts without renewal.</summary>
    public int RetagLeaseSeconds { get; set; } = 60;

    /// <summary>
    /// How backfilled statements are tagged: <c>calibrated</c> (default, rules first: the background re-tag refines
    /// them with the live tagger), <c>rules</c>, or <c>live</c> (the live tagger, e.g. the hybrid at ~40 ms a statement).
    /// </summary>
    public string BackfillMode { get; set; } = "calibrated";

    /// <summary>Re-tag backfilled statements with the live tagger in the background (<c>BackfillRefiner</c>), when they were tagged by another.</summary>
    public bool RefineBackfill { get; set; } = true;

    /// <summary>The semantic layer (<c>Tagging:Semantic</c>).</summary>
    public SemanticOptions Semantic { get; set; } = new();
}

/// <summary>Bound from <c>Tagging:Semantic</c>: sentence embeddings beside the rules (docs/tagging.md).</summary>
public sealed class SemanticOptions
{
    /// <summary>
    /// On (default): the hybrid tagger, rules and all-MiniLM-L6-v2 sentence embeddings (about 300 MB more memory).
    /// Off: the rules alone, with the trained calibration.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sentences embedded per statement, title included: the cost per statement.</summary>
    public int MaxSentences { get; set; } = 8;
}
