namespace Monitor.Tagging;

/// <summary>Bound from the <c>Tagging</c> section.</summary>
public sealed class TaggingOptions
{
    public const string SectionName = "Tagging";

    /// <summary>A topic file to use instead of the baseline built into Monitor.Core.</summary>
    public string? TopicFile { get; set; }
}
