namespace Monitor.Dashboard;

/// <summary>Bound from the <c>Dashboard</c> section.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>
    /// Host every worker (Ingestion, Tagging, Persistence, Alerts) in this process: the embedded default.
    /// The distributed setup sets it to false and runs each worker as its own process.
    /// </summary>
    public bool HostWorkers { get; set; } = true;
}
