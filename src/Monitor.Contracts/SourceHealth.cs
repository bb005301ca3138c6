namespace Monitor.Contracts;

public enum SourceHealth
{
    Unknown = 0,
    Healthy = 1,
    Degraded = 2,
    Failing = 3,
}
