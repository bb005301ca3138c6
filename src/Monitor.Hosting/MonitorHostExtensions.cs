using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Monitor.Data;
using Monitor.Data.Migrations;
using Monitor.Hosting.Outbox;
using Monitor.Hosting.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry.Resources;
using Serilog;

namespace Monitor.Hosting;

/// <summary>The wiring every Monitor process shares: logs, database, health endpoints, the outbox relay.</summary>
public static class MonitorHostExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>Serilog for the time before the host's configuration is read.</summary>
    public static void CreateBootstrapLogger() =>
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();

    /// <summary>Logs, database access and health checks, configured from the <c>Serilog</c> and <c>Database</c> sections.</summary>
    public static WebApplicationBuilder AddMonitorDefaults(this WebApplicationBuilder builder, string processName, string defaultUrl)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // ASPNETCORE_URLS, --urls and Urls all win over this; it only names the port when nothing else does.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(defaultUrl);
        }

        var configuration = builder.Configuration;
        builder.Services.AddSerilog((services, logger) =>
        {
            // Quiet framework chatter by default; the Serilog section overrides any of it.
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("MassTransit", Serilog.Events.LogEventLevel.Warning)
                .ReadFrom.Configuration(configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Process", processName);
            if (configuration.GetSection("Serilog:WriteTo").Exists())
            {
                return;
            }

            // Logs:Format=json: one JSON object per line (Serilog's compact format: @t, @mt, @l, @x, the properties,
            // and @tr/@sp, the trace and span ids, when the event happened inside a trace), for a log collector.
            if (string.Equals(configuration["Logs:Format"], "json", StringComparison.OrdinalIgnoreCase))
            {
                logger.WriteTo.Console(new Serilog.Formatting.Compact.CompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Process} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });

        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddSingleton(database);
        builder.Services.AddMonitorStores();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);

        // The domain meters, scraped by Prometheus at /metrics (MapMonitorHealth) beside the health endpoints.
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService($"monitor-{processName}"))
            .WithMetrics(metrics => metrics.AddMeter(MonitorMetrics.MeterName).AddPrometheusExporter());

        // Telemetry:Otlp:Endpoint switches on traces (a poll, MassTransit's sends and consumes, Npgsql's commands,
        // ASP.NET Core requests, HttpClient calls) and sends them with the metrics to an OTLP collector or Jaeger.
        if (configuration["Telemetry:Otlp:Endpoint"] is { Length: > 0 } endpoint)
        {
            var protocol = string.Equals(configuration["Telemetry:Otlp:Protocol"], "grpc", StringComparison.OrdinalIgnoreCase)
                ? OpenTelemetry.Exporter.OtlpExportProtocol.Grpc
                : OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(MonitorMetrics.MeterName, "MassTransit", "Npgsql")
                    .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter(protocol, new Uri(endpoint));
        }

        return builder;
    }

    /// <summary>Runs the relay that publishes outbox rows; registering it twice (embedded setup) runs it once.</summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services)
    {
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxPublisher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxRelay>());
        return services;
    }

    /// <summary>
    /// <c>/health/live</c> answers while the process runs; <c>/health/ready</c> also checks the database and the bus
    /// (MassTransit registers its own check with the same tag); <c>/metrics</c> is the Prometheus scrape.
    /// </summary>
    public static WebApplication MapMonitorHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    /// <summary>Applies the migration scripts, waiting for the database while it is still starting.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app, TimeSpan? waitFor = null)
    {
        var migrator = app.Services.GetRequiredService<Migrator>();
        var deadline = Stopwatch.StartNew();
        var limit = waitFor ?? TimeSpan.FromMinutes(2);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var applied = await migrator.MigrateAsync(app.Lifetime.ApplicationStopping);
                Log.Information("Database ready; applied migrations {Applied}", applied);
                return;
            }
            catch (Exception ex) when (deadline.Elapsed < limit && ex is not OperationCanceledException)
            {
                Log.Warning("Database not reachable yet (attempt {Attempt}): {Error}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), app.Lifetime.ApplicationStopping);
            }
        }
    }

    /// <summary>The shape of every Program.cs: bootstrap logging, build and run, log a fatal start-up error.</summary>
    public static async Task<int> RunMonitorAsync(this WebApplication app)
    {
        try
        {
            await app.MigrateDatabaseAsync();
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Fatal(ex, "Monitor process terminated unexpectedly");
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
