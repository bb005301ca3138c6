using Monitor.Dashboard.Auth;
using Scalar.AspNetCore;

namespace Monitor.Dashboard.Api;

public static class ApiDocs
{
    /// <summary>The OpenAPI document at /openapi/v1.json and a browsable reference of it at /api/docs.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi().RequireAuthorization(MonitorPolicies.Read);
        app.MapScalarApiReference("/api/docs", options => options.WithTitle("Monitor API")).RequireAuthorization(MonitorPolicies.Read);
        return app;
    }
}
