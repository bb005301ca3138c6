namespace Monitor.Dashboard.Security;

/// <summary>
/// The headers every answer carries: a strict Content-Security-Policy (scripts, styles, images, fonts and connections
/// from this origin only; no inline script or style; no framing), X-Frame-Options for older browsers, nosniff and
/// Referrer-Policy; no-store on the API's answers (they carry user data); HSTS over HTTPS. A header an endpoint has
/// set itself (the Atom feed's no-referrer and no-store) is left as it is.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy of every page, script and API answer.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The API reference (Scalar, served from this origin) starts from an inline module script and styles itself
    // inline; it shows the OpenAPI document, no user data, and still cannot be framed.
    private const string ApiDocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public const string ApiDocsPath = "/api/docs";

    /// <summary>A year, as the HSTS preload list asks; sent over HTTPS only (the browser ignores it over http).</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                Apply(context);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    private static void Apply(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = request.Path.StartsWithSegments(ApiDocsPath, StringComparison.OrdinalIgnoreCase) ? ApiDocsPolicy : ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        if (!headers.ContainsKey("Referrer-Policy"))
        {
            headers["Referrer-Policy"] = "same-origin";
        }

        if (request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }

        // What the API answers is someone's (an account, an inbox, tokens) or changes by the second: never stored by
        // a browser or a shared cache. Pages and scripts keep the static file caching.
        if ((request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase))
            && !headers.ContainsKey("Cache-Control"))
        {
            headers.CacheControl = "no-store";
        }
    }
}
