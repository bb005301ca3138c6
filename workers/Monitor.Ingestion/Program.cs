using Monitor.Hosting;
using Monitor.Hosting.Messaging;
using Monitor.Ingestion;

MonitorHostExtensions.CreateBootstrapLogger();
var builder = WebApplication.CreateBuilder(args);
builder.AddMonitorDefaults("ingestion", "http://localhost:5081");
builder.AddMonitorMessaging();
builder.AddIngestionWorker();

var app = builder.Build();
app.MapMonitorHealth();
return await app.RunMonitorAsync();
