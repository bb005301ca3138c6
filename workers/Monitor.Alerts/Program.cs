using Monitor.Alerts;
using Monitor.Hosting;
using Monitor.Hosting.Messaging;

MonitorHostExtensions.CreateBootstrapLogger();
var builder = WebApplication.CreateBuilder(args);
builder.AddMonitorDefaults("alerts", "http://localhost:5084");
builder.AddMonitorMessaging(AlertsWorker.AddConsumers);
builder.AddAlertsWorker();

var app = builder.Build();
app.MapMonitorHealth();
return await app.RunMonitorAsync();
