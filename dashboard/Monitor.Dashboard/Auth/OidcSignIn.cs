using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// OpenID Connect sign-in, when <c>Auth:Oidc:Authority</c> is set: the authorization code flow with PKCE. On the
/// provider's validated id_token, its issuer and subject find (or, the first time, create with
/// <c>Auth:Oidc:DefaultRole</c>) a user, named after <c>preferred_username</c> or the email (made unique), and the
/// browser gets our own cookie with our claims; nothing of the provider's token is kept.
/// </summary>
public static partial class OidcSignIn
{
    public const string Scheme = "oidc";
    public const string CallbackPath = "/signin-oidc";

    /// <summary>Where the browser lands when the provider's answer is refused (a disabled user, a failed check).</summary>
    public const string FailurePath = "/?signin=failed";

    public static void Add(AuthenticationBuilder authentication, OidcOptions oidc)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(oidc);
        if (!MonitorRoles.All.Contains(oidc.DefaultRole))
        {
            throw new InvalidOperationException($"Auth:Oidc:DefaultRole must be one of {string.Join(", ", MonitorRoles.All)}; got '{oidc.DefaultRole}'.");
        }

        authentication.AddOpenIdConnect(Scheme, oidc.DisplayName, options =>
        {
            options.Authority = oidc.Authority;
            options.ClientId = oidc.ClientId;
            options.ClientSecret = oidc.ClientSecret;
            options.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;

            // The answer comes back as a top-level GET, so the correlation and nonce cookies can be SameSite=Lax
            // (a cross-site form_post would need SameSite=None, which needs https).
            options.ResponseMode = OpenIdConnectResponseMode.Query;
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.CallbackPath = CallbackPath;
            options.SignInScheme = AuthSetup.CookieScheme;
            options.SaveTokens = false;
            options.MapInboundClaims = false;
            options.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile", "email" })
            {
                options.Scope.Add(scope);
            }

            options.Events = new OpenIdConnectEvents
            {
                OnTokenValidated = context => MapUserAsync(context, oidc),
                OnRemoteFailure = context =>
                {
                    var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
                    LogFailed(logger, context.Failure?.Message ?? "unknown");
                    context.Response.Redirect(FailurePath);
                    context.HandleResponse();
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>A return URL on this site only (a path, not <c>//host</c>), else <c>/</c>: no open redirect.</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
            ? returnUrl
            : "/";

    private static async Task MapUserAsync(TokenValidatedContext context, OidcOptions oidc)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
        var cancellationToken = context.HttpContext.RequestAborted;
        var subject = context.Principal?.FindFirst("sub");
        if (subject is null)
        {
            context.Fail("The id_token has no subject.");
            return;
        }

        var externalId = $"{subject.Issuer}|{subject.Value}";
        var user = await users.FindByExternalIdAsync(externalId, cancellationToken)
            ?? await CreateAsync(users, context.Principal!, externalId, oidc.DefaultRole, time.GetUtcNow(), cancellationToken);
        if (user is null || user.Disabled)
        {
            LogRefused(logger, externalId, user is null ? "no user could be created" : "the user is disabled");
            context.Fail(user is null ? "No user could be created." : "The user is disabled.");
            return;
        }

        await users.TouchSignInAsync(user.Id, time.GetUtcNow(), cancellationToken);
        LogSignedIn(logger, user.UserName, externalId);

        // Our cookie, our claims, our server-side session: the same as a password sign-in.
        context.Principal = await AuthSetup.StartSessionAsync(context.HttpContext, user);
        context.Properties ??= new AuthenticationProperties();
        context.Properties.IsPersistent = true;
    }

    private static async Task<UserRecord?> CreateAsync(UserStore users, ClaimsPrincipal principal, string externalId, string role, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var email = principal.FindFirst("email")?.Value;
        var name = principal.FindFirst("preferred_username")?.Value ?? email ?? principal.FindFirst("sub")!.Value;
        var displayName = principal.FindFirst("name")?.Value ?? name;
        var baseName = UserName(name);
        for (var n = 1; n <= 100; n++)
        {
            var candidate = n == 1 ? baseName : $"{baseName}-{n.ToString(CultureInfo.InvariantCulture)}";
            if (await users.CreateAsync(new NewUser(candidate, displayName, email, role, null, externalId), now, cancellationToken) is { } id)
            {
                return await users.FindByIdAsync(id, cancellationToken);
            }

            // Taken: by another user's name, or by this very subject signing in at the same moment elsewhere.
            if (await users.FindByExternalIdAsync(externalId, cancellationToken) is { } raced)
            {
                return raced;
            }
        }

        return null;
    }

    /// <summary>The provider's name made a user name: lower-case letters, digits, '.', '_', '-', '@'; at most 56 characters.</summary>
    private static string UserName(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' ? c : '-');
        }

        var result = builder.ToString().Trim('-', '.', '_', '@');
        return result.Length == 0 ? "user" : result.Length > 56 ? result[..56] : result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} signed in through OpenID Connect ({ExternalId})")]
    private static partial void LogSignedIn(ILogger logger, string userName, string externalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in of {ExternalId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string externalId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
