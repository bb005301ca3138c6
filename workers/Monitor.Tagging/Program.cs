using Monitor.Hosting;
using Monitor.Hosting.Messaging;
using Monitor.Tagging;

MonitorHostExtensions.CreateBootstrapLogger();
var builder = WebApplication.CreateBuilder(args);
builder.AddMonitorDefaults("tagging", "http://localhost:5082");
builder.AddMonitorMessaging(TaggingWorker.AddConsumers);
builder.AddTaggingWorker();

var app = builder.Build();
app.MapMonitorHealth();
return await app.RunMonitorAsync();
