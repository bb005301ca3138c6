using Monitor.Dashboard;
using Monitor.Dashboard.Api;
using Monitor.Dashboard.Auth;
using Monitor.Dashboard.Hubs;
using Monitor.Dashboard.Problems;
using Monitor.Dashboard.Security;
using Monitor.Hosting;

MonitorHostExtensions.CreateBootstrapLogger();
var builder = WebApplication.CreateBuilder(args);
builder.AddMonitorDefaults("dashboard", DashboardSetup.DefaultUrl);
builder.AddDashboard();

var app = builder.Build();
app.UseSecurityHeaders();
app.UseProblemBodies();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseMonitorAuth();
app.MapMonitorHealth();
app.MapMonitorApi();
app.MapHub<MonitorHub>(MonitorHub.Path);
return await app.RunMonitorAsync();
