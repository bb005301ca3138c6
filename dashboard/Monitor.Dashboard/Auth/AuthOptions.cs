namespace Monitor.Dashboard.Auth;

/// <summary>The <c>Auth</c> section: anonymous reading, the sign-in rate limit, OpenID Connect.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// Let callers who are not signed in read the live view, history, topics and sources' health. Unset: on when the
    /// dashboard hosts the workers (the embedded setup), off otherwise.
    /// </summary>
    public bool? AnonymousRead { get; set; }

    /// <summary>Sign-in attempts allowed per client IP address in each <see cref="SignInWindow"/>.</summary>
    public int SignInPermitLimit { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Failed sign-ins allowed per account (user name) in each <see cref="AccountSignInWindow"/>, from any addresses.</summary>
    public int AccountSignInFailureLimit { get; set; } = 10;

    public TimeSpan AccountSignInWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often each replica re-checks its open hub connections against the database (a safety net: revocations close them at once).</summary>
    public TimeSpan ConnectionRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a sign-in cookie and its session last without use (they slide while used).</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Origins (<c>https://host[:port]</c>) whose pages may open the live hub besides the dashboard's own, e.g. a
    /// portal on another host. Empty by default: only the dashboard's own pages.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public OidcOptions Oidc { get; set; } = new();

    public KeyProtectionOptions DataProtection { get; set; } = new();

    /// <summary>Anonymous read as configured, or the default for the setup.</summary>
    public bool AnonymousReadFor(bool hostWorkers) => AnonymousRead ?? hostWorkers;
}

/// <summary><c>Auth:Oidc</c>: OpenID Connect sign-in, on when <see cref="Authority"/> is set.</summary>
public sealed class OidcOptions
{
    /// <summary>The identity provider's issuer URL (its discovery document is at <c>/.well-known/openid-configuration</c>).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The provider's name on the sign-in button.</summary>
    public string DisplayName { get; set; } = "Single sign-on";

    /// <summary>The role of a user created at their first OpenID Connect sign-in.</summary>
    public string DefaultRole { get; set; } = MonitorRoles.Viewer;

    /// <summary>Allow an http (not https) authority: for tests against a local provider only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>
/// <c>Auth:DataProtection</c>: encrypt the Data Protection keys (which sign cookies and CSRF tokens) at rest in the
/// database with a certificate's public key, so reading the table is not enough to forge a cookie. Unset: stored
/// unencrypted. Rotation: make the new certificate <see cref="CertificatePath"/> and list the old one under
/// <see cref="PreviousCertificates"/> until the keys it encrypted have expired (90 days).
/// </summary>
public sealed class KeyProtectionOptions
{
    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key; new keys are encrypted to it.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Certificates that only decrypt: older keys encrypted to them stay readable.</summary>
    public List<CertificateFile> PreviousCertificates { get; set; } = [];
}

public sealed class CertificateFile
{
    public string Path { get; set; } = "";

    public string? Password { get; set; }
}
