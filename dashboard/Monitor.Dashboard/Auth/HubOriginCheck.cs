namespace Monitor.Dashboard.Auth;

/// <summary>
/// The hub's negotiate, WebSocket upgrade and transport requests from a browser page of another origin are refused
/// (403): another port or sibling host of the same site counts as same-site, so the Lax sign-in cookie goes along,
/// and a WebSocket is not bound by CORS. Same origin (scheme, host and port of the request) passes, as do the origins
/// of <c>Auth:AllowedOrigins</c>; a request without Origin (a script, the .NET client) is not a browser's and passes.
/// </summary>
public sealed class HubOriginCheck(AuthOptions options)
{
    private readonly HashSet<string> _allowed = options.AllowedOrigins.Select(Normalize).ToHashSet(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Request;
        if (request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
            && request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !Allows(request, origin))
        {
            await AuthSetup.WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Origin not allowed",
                $"The live hub answers pages of this dashboard's own origin only; add '{origin}' to Auth:AllowedOrigins to allow it.");
            return;
        }

        await next(context);
    }

    public bool Allows(HttpRequest request, string origin)
    {
        ArgumentNullException.ThrowIfNull(request);
        var normalized = Normalize(origin);
        return normalized == Normalize($"{request.Scheme}://{request.Host}") || _allowed.Contains(normalized);
    }

    // "HTTP://Example.org:80" and "http://example.org" are one origin; "null" and garbage match nothing.
    private static string Normalize(string origin) =>
        Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : "\0invalid";
}
