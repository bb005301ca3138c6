using MassTransit.UsageTracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monitor.Hosting.Messaging;

namespace Monitor.Workers.Tests.Messaging;

/// <summary>
/// MassTransit 8.5 reports usage (versions, OS, time zone, endpoint names) to its vendor about 5 minutes after the bus
/// starts, unless told not to. A monitoring tool run by an institution must not phone home.
/// </summary>
public sealed class UsageTelemetryTests
{
    [Theory]
    [InlineData("InMemory")]
    [InlineData("RabbitMq")]
    public void The_bus_every_process_registers_reports_no_usage_telemetry(string transport)
    {
        // The variable is MassTransit's own switch and overrides the code; the test checks the code's default.
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY")),
            "MASSTRANSIT_USAGE_TELEMETRY is set in the test environment");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Messaging:Transport"] = transport;
        builder.AddMonitorMessaging();
        using var host = builder.Build();

        var tracker = Assert.IsType<UsageTracker>(host.Services.GetRequiredService<IUsageTracker>());

        Assert.False(tracker.Enabled, "MassTransit usage telemetry is on: the process would connect to the vendor's tracking host");
    }
}
