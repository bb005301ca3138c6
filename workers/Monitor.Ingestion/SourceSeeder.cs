using Monitor.Data.Sources;

namespace Monitor.Ingestion;

/// <summary>
/// Puts the configured sources (Monitor's defaults unless <c>Ingestion:UseDefaultSources</c> is false, plus
/// <c>Ingestion:Sources</c>) into the sources table the first time each is configured. From then on a source is
/// managed there (admin API, <c>monitor sources</c>): one the user removed or paused stays removed or paused after a
/// restart; a changed URL or interval in the configuration still reaches it.
/// </summary>
public sealed partial class SourceSeeder(SourceAdminStore store, TimeProvider time, ILogger<SourceSeeder> logger)
{
    public async Task<SeedResult> SeedAsync(IReadOnlyCollection<SourceDefinition> configured, CancellationToken cancellationToken)
    {
        var result = await store.SeedAsync(configured, time.GetUtcNow(), cancellationToken);
        if (result.Added.Count > 0)
        {
            LogAdded(result.Added.Count, string.Join(", ", result.Added));
        }

        if (result.RemovedByUser.Count > 0)
        {
            LogStayRemoved(result.RemovedByUser.Count, string.Join(", ", result.RemovedByUser));
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Added {Count} configured sources seen for the first time: {Sources}")]
    private partial void LogAdded(int count, string sources);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} configured sources were removed by a user and stay removed: {Sources}")]
    private partial void LogStayRemoved(int count, string sources);
}
