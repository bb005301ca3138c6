using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitor.Data.Accounts;
using Monitor.Hosting;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// Sign-in for the dashboard: a cookie for the browser, API tokens (<c>Authorization: Bearer mon_…</c>) for scripts,
/// the four policies of <see cref="MonitorPolicies"/>, CSRF protection of cookie-authenticated writes, the sign-in rate
/// limit, Data Protection keys shared through the database, and the first administrator.
/// </summary>
public static partial class AuthSetup
{
    /// <summary>Picks the API-token scheme when the request carries a bearer token, the cookie otherwise.</summary>
    public const string Scheme = "monitor";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "monitor.auth";
    public const string CsrfHeader = "X-CSRF-TOKEN";
    public const string CsrfCookieName = "monitor.csrf";
    public const string SignInRateLimit = "sign-in";

    /// <summary>The user's security stamp when the cookie was issued; compared with the database.</summary>
    public const string StampClaim = "monitor:stamp";

    /// <summary>The cookie's session id (its SHA-256 is the <c>sessions</c> row); absent for API tokens.</summary>
    public const string SessionClaim = "monitor:session";

    /// <summary>The id of the API token a request or hub connection was authenticated with.</summary>
    public const string TokenClaim = "monitor:token";

    public const string CsrfProblem = "Missing or invalid CSRF token: send the csrfToken from GET /api/account/me in the X-CSRF-TOKEN header.";

    /// <param name="hostWorkers">Whether the workers run in this process (the embedded default reads anonymously unless told not to).</param>
    public static WebApplicationBuilder AddMonitorAuth(this WebApplicationBuilder builder, bool hostWorkers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.AddMonitorOptions<AuthOptions>(AuthOptions.SectionName);
        var anonymousRead = options.AnonymousReadFor(hostWorkers);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(new AccessSettings(anonymousRead));
        services.TryAddSingleton<AccessRevocation>();
        services.AddSingleton<HubOriginCheck>();
        services.AddSingleton<AccountSignInThrottle>();
        services.AddHostedService<ConnectionRecheck>();
        services.AddHostedService<FirstAdminService>();

        // One key ring for every replica, in the database; one application name, so replicas in other folders agree.
        var dataProtection = services.AddDataProtection().SetApplicationName("Monitor");
        if (options.DataProtection.CertificatePath is { Length: > 0 } certificatePath)
        {
            // New keys are encrypted to the current certificate; any listed certificate decrypts (rotation).
            var current = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, options.DataProtection.CertificatePassword);
            var previous = options.DataProtection.PreviousCertificates.Select(c => X509CertificateLoader.LoadPkcs12FromFile(c.Path, c.Password));
            dataProtection.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([current, .. previous]);
        }

        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeyStore, TimeProvider>(
            (keys, store, time) => keys.XmlRepository = new DatabaseXmlRepository(store, time));

        var authentication = services.AddAuthentication(Scheme);
        authentication
            .AddPolicyScheme(Scheme, "Cookie or API token", policy => policy.ForwardDefaultSelector =
                context => ApiTokenAuthenticationHandler.BearerToken(context.Request) is null ? CookieScheme : ApiTokenAuthenticationHandler.SchemeName)
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.CookieLifetime;
                cookie.SlidingExpiration = true;
                cookie.Events = new CookieAuthenticationEvents
                {
                    // An API and a hub answer 401 and 403, never a redirect to a sign-in page.
                    OnRedirectToLogin = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Not signed in",
                        "Sign in first (POST /api/account/sign-in), or send an API token as Authorization: Bearer."),
                    OnRedirectToAccessDenied = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden",
                        "Your role does not allow this."),
                    OnValidatePrincipal = context => ValidateSessionAsync(context, options.CookieLifetime),
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        if (options.Oidc.Enabled)
        {
            OidcSignIn.Add(authentication, options.Oidc);
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(MonitorPolicies.Read, policy => policy.RequireAssertion(context =>
                context.User.Identity?.IsAuthenticated == true
                || (anonymousRead && !(context.Resource is HttpContext http && ApiTokenAuthenticationHandler.BearerToken(http.Request) is not null))))
            .AddPolicy(MonitorPolicies.SignedIn, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(MonitorPolicies.Subscribe, policy => policy.RequireRole(MonitorRoles.Analyst, MonitorRoles.Admin))
            .AddPolicy(MonitorPolicies.Admin, policy => policy.RequireRole(MonitorRoles.Admin));

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = CsrfHeader;
            antiforgery.Cookie.Name = CsrfCookieName;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;

            // Secure over HTTPS (behind a TLS proxy: with X-Forwarded-Proto trusted), as the sign-in cookie.
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInPermitLimit, Window = options.SignInWindow, QueueLimit = 0 }));
            limiter.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.SignInWindow;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await WriteProblemAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many sign-in attempts",
                    $"Too many sign-in attempts from your address; try again in {seconds} s.");
            };
        });

        return builder;
    }

    /// <summary>The hub's Origin check, authentication, the CSRF check, authorization and the rate limiter, in that order; before the endpoints.</summary>
    public static WebApplication UseMonitorAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(app.Services.GetRequiredService<HubOriginCheck>().InvokeAsync);
        app.UseAuthentication();
        app.Use(CheckCsrfAsync);
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The claims of a signed-in user: id, name, role, and the security stamp the cookie is checked against.</summary>
    public static IEnumerable<Claim> Claims(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.UserName),
            new Claim(ClaimTypes.Role, user.Role),
            new Claim(StampClaim, user.SecurityStamp),
        ];
    }

    /// <summary>
    /// Signs <paramref name="user"/> in with the cookie, in a new server-side session, and makes them the request's
    /// user (for a CSRF token bound to them).
    /// </summary>
    public static async Task SignInAsync(HttpContext context, UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(context);
        var principal = await StartSessionAsync(context, user);
        await context.SignInAsync(CookieScheme, principal, new AuthenticationProperties { IsPersistent = true });
        context.User = principal;
    }

    /// <summary>A new <c>sessions</c> row for <paramref name="user"/>, and the cookie principal that carries its id.</summary>
    public static async Task<ClaimsPrincipal> StartSessionAsync(HttpContext context, UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        var services = context.RequestServices;
        var session = await services.GetRequiredService<SessionStore>().CreateAsync(user.Id, services.GetRequiredService<TimeProvider>().GetUtcNow(),
            services.GetRequiredService<AuthOptions>().CookieLifetime, context.RequestAborted);
        return new ClaimsPrincipal(new ClaimsIdentity(Claims(user).Append(new Claim(SessionClaim, session)), CookieScheme));
    }

    /// <summary>The session id of a cookie user; null for an API token or an anonymous caller.</summary>
    public static string? SessionId(ClaimsPrincipal user) => IsCookieUser(user) ? user.FindFirstValue(SessionClaim) : null;

    /// <summary>True when the request's user was authenticated by the sign-in cookie (not by an API token).</summary>
    public static bool IsCookieUser(ClaimsPrincipal user) =>
        user?.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme };

    public static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }

    // Every cookie request must find its session, of an enabled user with the stamp the cookie was issued with: a
    // sign-out, a new password, role or disabled flag, or a deleted user, ends the session at once (one indexed
    // lookup per request; last_seen_at is written at most once a minute).
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context, TimeSpan idle)
    {
        var services = context.HttpContext.RequestServices;
        var principal = context.Principal;
        var session = principal?.FindFirstValue(SessionClaim);
        var user = session is null
            ? null
            : await services.GetRequiredService<SessionStore>().FindUserAsync(session, services.GetRequiredService<TimeProvider>().GetUtcNow(), idle,
                context.HttpContext.RequestAborted);
        if (user is null || user.Id.ToString(CultureInfo.InvariantCulture) != principal?.FindFirstValue(ClaimTypes.NameIdentifier)
            || user.SecurityStamp != principal.FindFirstValue(StampClaim))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    // A write to the API authenticated by the cookie must carry the anti-forgery token in X-CSRF-TOKEN: a cross-site
    // form or script can make the browser send the cookie, but cannot read the token. Bearer requests need none (a
    // browser never adds that header by itself), nor do anonymous ones (they can write nothing that needs a user).
    // Sign-in is exempt: there is no session to ride yet, and it is rate limited.
    private static async Task CheckCsrfAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && !HttpMethods.IsTrace(request.Method)
            && request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && !request.Path.StartsWithSegments(Api.AccountApi.SignInPath, StringComparison.OrdinalIgnoreCase)
            && IsCookieUser(context.User))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "CSRF token required", CsrfProblem);
                return;
            }
        }

        await next(context);
    }
}

/// <summary>Settled at start: whether <see cref="MonitorPolicies.Read"/> admits anonymous callers.</summary>
public sealed record AccessSettings(bool AnonymousRead);
