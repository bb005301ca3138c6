using Monitor.Hosting;
using Monitor.Hosting.Messaging;
using Monitor.Persistence;

MonitorHostExtensions.CreateBootstrapLogger();
var builder = WebApplication.CreateBuilder(args);
builder.AddMonitorDefaults("persistence", "http://localhost:5083");
builder.AddMonitorMessaging(PersistenceWorker.AddConsumers);
builder.AddPersistenceWorker();

var app = builder.Build();
app.MapMonitorHealth();
return await app.RunMonitorAsync();
