using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Monitor.Contracts;
using Monitor.Dashboard.Auth;
using Monitor.Data.Accounts;
using Monitor.Data.Alerts;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/account</c>: who am I (with the CSRF token for writes), sign in and out, change my password, my API tokens.
/// Sign-in is rate limited per client address and per account (failures), and logs failures with the user name
/// (never the password).
/// </summary>
public static partial class AccountApi
{
    public const string Path = "/api/account";
    public const string SignInPath = Path + "/sign-in";
    public const string WrongCredentials = "Wrong user name or password.";
    public const int MaxTokenDays = 3650;

    public sealed record SignInRequest(string? UserName, string? Password);

    public sealed record PasswordRequest(string? CurrentPassword, string? NewPassword);

    public sealed record TokenRequest(string? Name, int? ExpiresInDays);

    public sealed record OidcView(bool Enabled, string? DisplayName);

    /// <param name="Authenticated">False for an anonymous caller; the user fields are then null.</param>
    /// <param name="AnonymousRead">Whether reading needs no sign-in on this dashboard.</param>
    /// <param name="CsrfToken">Send it as <c>X-CSRF-TOKEN</c> with every cookie-authenticated write.</param>
    /// <param name="SuspendedSubscriptions">Subscriptions kept but not running because the role (viewer) or the disabled flag allows none.</param>
    public sealed record MeView(bool Authenticated, long? Id, string? UserName, string? DisplayName, string? Email, string? Role,
        bool AnonymousRead, OidcView Oidc, string? CsrfToken, int SuspendedSubscriptions = 0);

    public sealed record TokenView(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

    /// <param name="Token">The token itself: shown here once, stored nowhere.</param>
    public sealed record CreatedTokenView(long Id, string Name, string Prefix, string Token, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

    public static WebApplication MapAccountApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var account = app.MapGroup(Path).WithTags("Account");
        account.MapGet("/me", Me).AllowAnonymous();
        account.MapPost("/sign-in", SignIn).AllowAnonymous().RequireRateLimiting(AuthSetup.SignInRateLimit);
        account.MapGet("/sign-in/oidc", SignInOidc).AllowAnonymous();
        account.MapPost("/sign-out", (Delegate)SignOut).AllowAnonymous();
        account.MapPost("/password", ChangePassword).RequireAuthorization(MonitorPolicies.SignedIn);
        account.MapGet("/tokens", ListTokens).RequireAuthorization(MonitorPolicies.SignedIn);
        account.MapPost("/tokens", CreateToken).RequireAuthorization(MonitorPolicies.SignedIn);
        account.MapDelete("/tokens/{id:long}", DeleteToken).RequireAuthorization(MonitorPolicies.SignedIn);
        return app;
    }

    private static async Task<MeView> Me(HttpContext context, UserStore users, SubscriptionStore subscriptions, IAntiforgery antiforgery, AccessSettings access,
        AuthOptions options, CancellationToken cancellationToken)
    {
        var user = context.User.Identity?.IsAuthenticated == true ? await users.FindByIdAsync(context.User.UserId(), cancellationToken) : null;
        var suspended = user is null ? 0 : (await subscriptions.ListForUserAsync(user.Id, cancellationToken)).Count(s => s.Suspended);
        return View(context, user, antiforgery, access, options) with { SuspendedSubscriptions = suspended };
    }

    private static async Task<IResult> SignIn(SignInRequest? request, HttpContext context, UserStore users, IAntiforgery antiforgery, AccessSettings access,
        AuthOptions options, AccountSignInThrottle throttle, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return Problem(StatusCodes.Status400BadRequest, "Missing credentials", "Send a JSON body: {\"userName\", \"password\"}.");
        }

        var logger = loggers.CreateLogger(typeof(AccountApi));
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.IsThrottled(request.UserName))
        {
            LogSignInFailed(logger, ForLog(request.UserName), address, "too many failures for this account");
            context.Response.Headers.RetryAfter = ((int)throttle.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, "Too many sign-in attempts",
                $"Too many failed sign-ins for this account; try again in {(int)Math.Ceiling(throttle.Window.TotalMinutes)} minutes.");
        }

        var user = await users.FindByNameAsync(request.UserName, cancellationToken);
        if (!Passwords.Verify(user?.PasswordHash, request.Password) || user is null || user.Disabled)
        {
            throttle.RecordFailure(request.UserName);
            LogSignInFailed(logger, ForLog(request.UserName), address, user is null ? "unknown user" : user.Disabled ? "disabled" : "wrong password");
            return Problem(StatusCodes.Status401Unauthorized, "Sign-in failed", WrongCredentials);
        }

        await AuthSetup.SignInAsync(context, user);
        await users.TouchSignInAsync(user.Id, time.GetUtcNow(), cancellationToken);
        LogSignedIn(logger, user.UserName, address);
        return TypedResults.Ok(View(context, user, antiforgery, access, options));
    }

    /// <summary>Sends the browser to the OpenID Connect provider; it comes back signed in, at <paramref name="returnUrl"/> (a local path).</summary>
    private static IResult SignInOidc(string? returnUrl, AuthOptions options) =>
        options.Oidc.Enabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = OidcSignIn.LocalReturnUrl(returnUrl) }, [OidcSignIn.Scheme])
            : Problem(StatusCodes.Status404NotFound, "Single sign-on is not configured", "This dashboard has no OpenID Connect provider (Auth:Oidc:Authority).");

    // Deletes the session on the server (a copy of the cookie is worth nothing after it) and closes its hub connections.
    private static async Task<IResult> SignOut(HttpContext context, SessionStore sessions, AccessRevocation revocation, CancellationToken cancellationToken)
    {
        if (AuthSetup.SessionId(context.User) is { } session)
        {
            await sessions.DeleteAsync(session, cancellationToken);
            await revocation.RevokeAsync(context.User.UserId(), RevokedAccess.Session, "signed out", sessionId: session, cancellationToken: cancellationToken);
        }

        await context.SignOutAsync(AuthSetup.CookieScheme);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ChangePassword(PasswordRequest? request, HttpContext context, UserStore users, AccessRevocation revocation,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request is null || request.CurrentPassword is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Missing body", "Send a JSON body: {\"currentPassword\", \"newPassword\"}.");
        }

        if (Passwords.Check(request.NewPassword) is { } weak)
        {
            return Problem(StatusCodes.Status400BadRequest, "Password too short", weak);
        }

        var user = await users.FindByIdAsync(context.User.UserId(), cancellationToken);
        if (user is null)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Not signed in", "Your account no longer exists.");
        }

        if (user.PasswordHash is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "No password", "This account signs in through single sign-on and has no password to change.");
        }

        if (!Passwords.Verify(user.PasswordHash, request.CurrentPassword))
        {
            return Problem(StatusCodes.Status400BadRequest, "Wrong password", "The current password is wrong.");
        }

        var stamp = await users.SetPasswordAsync(user.Id, Passwords.Hash(request.NewPassword!), cancellationToken);
        LogPasswordChanged(loggers.CreateLogger(typeof(AccountApi)), user.UserName);

        // The new password ended every session and closes their hub connections; this one goes on in a new session
        // (its page's hub reconnects with the new cookie). API tokens live on: see README, "API tokens".
        await revocation.RevokeAsync(user.Id, RevokedAccess.Sessions, "password changed", cancellationToken: cancellationToken);
        if (AuthSetup.IsCookieUser(context.User) && stamp is not null)
        {
            await AuthSetup.SignInAsync(context, user with { SecurityStamp = stamp });
        }

        return TypedResults.NoContent();
    }

    private static async Task<IEnumerable<TokenView>> ListTokens(HttpContext context, ApiTokenStore tokens, CancellationToken cancellationToken) =>
        (await tokens.ListAsync(context.User.UserId(), cancellationToken)).Select(t => new TokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt));

    private static async Task<IResult> CreateToken(TokenRequest? request, HttpContext context, ApiTokenStore tokens, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid name", "Send a JSON body {\"name\", \"expiresInDays\"} with a name of 1 to 100 characters.");
        }

        if (request.ExpiresInDays is < 1 or > MaxTokenDays)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid expiry", $"'expiresInDays' must be from 1 to {MaxTokenDays}, or left out for a token that does not expire; got {request.ExpiresInDays}.");
        }

        var now = time.GetUtcNow();
        var (record, token) = await tokens.CreateAsync(context.User.UserId(), request.Name.Trim(),
            request.ExpiresInDays is { } days ? now.AddDays(days) : null, now, cancellationToken);
        return TypedResults.Created($"{Path}/tokens/{record.Id}",
            new CreatedTokenView(record.Id, record.Name, record.Prefix, token, record.CreatedAt, record.ExpiresAt));
    }

    private static async Task<IResult> DeleteToken(long id, HttpContext context, ApiTokenStore tokens, AccessRevocation revocation, CancellationToken cancellationToken)
    {
        var userId = context.User.UserId();
        if (!await tokens.DeleteAsync(id, userId, cancellationToken))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown token", $"You have no API token with id {id}.");
        }

        await revocation.RevokeAsync(userId, RevokedAccess.Token, "API token deleted", tokenId: id, cancellationToken: cancellationToken);
        return TypedResults.NoContent();
    }

    private static MeView View(HttpContext context, UserRecord? user, IAntiforgery antiforgery, AccessSettings access, AuthOptions options)
    {
        var oidc = new OidcView(options.Oidc.Enabled, options.Oidc.Enabled ? options.Oidc.DisplayName : null);
        var csrf = antiforgery.GetAndStoreTokens(context).RequestToken;
        return user is null
            ? new MeView(false, null, null, null, null, null, access.AnonymousRead, oidc, csrf)
            : new MeView(true, user.Id, user.UserName, user.DisplayName, user.Email, user.Role, access.AnonymousRead, oidc, csrf);
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    // A user name typed by anyone goes to the log: without control characters (no forged lines) and not too long.
    private static string ForLog(string userName)
    {
        var trimmed = userName.Length > 64 ? userName[..64] + "…" : userName;
        return string.Concat(trimmed.Select(c => char.IsControl(c) ? '?' : c));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in failed for user name {UserName} from {Address}: {Reason}")]
    private static partial void LogSignInFailed(ILogger logger, string userName, string address, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} signed in from {Address}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} changed their password")]
    private static partial void LogPasswordChanged(ILogger logger, string userName);
}
