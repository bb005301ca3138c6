using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// <c>Authorization: Bearer mon_…</c>: the API token of a script. The token is looked up by its SHA-256; an unknown,
/// expired or revoked token, or one of a disabled user, fails with 401. Such requests need no CSRF token: a browser
/// never adds the header by itself.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenStore tokens, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "api-token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        if (await tokens.FindUserAsync(token, time.GetUtcNow(), Context.RequestAborted) is not { } found)
        {
            return AuthenticateResult.Fail("Unknown, expired or revoked API token.");
        }

        var identity = new ClaimsIdentity(
            AuthSetup.Claims(found.User).Append(new Claim(AuthSetup.TokenClaim, found.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await AuthSetup.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, "Not signed in",
            "The API token is unknown, expired or revoked, or its user is disabled.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthSetup.WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this.");

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or of <c>access_token</c> on a hub request (browsers' WebSockets carry no header).</summary>
    public static string? BearerToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
            && request.Query["access_token"].ToString() is { Length: > 0 } query
            ? query
            : null;
    }
}
