namespace Monitor.Testing;

/// <summary>
/// Where the real services for tests are. <c>scripts/test.sh</c> installs and starts them and exports these
/// variables; the defaults match what it sets up. A test that needs a missing service fails: it never skips.
/// </summary>
public static class TestServices
{
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("MONITOR_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=monitor;Password=monitor;Database=monitor;SSL Mode=Disable";

    public static Uri RabbitMq =>
        new(Environment.GetEnvironmentVariable("MONITOR_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/");

    public static Uri RabbitMqManagement =>
        new(Environment.GetEnvironmentVariable("MONITOR_TEST_RABBITMQ_MANAGEMENT") ?? "http://guest:guest@127.0.0.1:15672/");

    public static string Unavailable(string service, Exception ex) =>
        $"{service} is not reachable ({ex.Message}). Run the tests through scripts/test.sh, which installs and starts it.";
}
