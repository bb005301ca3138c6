using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// The least OpenID Connect provider a dashboard can sign in against, on 127.0.0.1: a discovery document, its RSA key
/// as a JWKS, an authorize endpoint that signs in <see cref="NextUser"/> at once (no page) and redirects back with a
/// code, and a token endpoint that checks the client, the redirect URI and the PKCE verifier and returns an RS256
/// id_token carrying the nonce.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "monitor-dashboard";
    public const string ClientSecret = "fake-provider-secret";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _grants = new();

    private LoopbackServer _server = null!;

    private FakeIdentityProvider()
    {
    }

    /// <summary>The issuer, also the dashboard's <c>Auth:Oidc:Authority</c>.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>Who the provider signs in at the next authorize request.</summary>
    public FakeUser NextUser { get; set; } = new("subject-1", "olga", "olga@example.org");

    /// <summary>Sign the id_token with a key that is not in the JWKS (a forged token).</summary>
    public bool SignWithUnknownKey { get; set; }

    /// <summary>Codes redeemed at the token endpoint.</summary>
    public int TokensIssued => _tokensIssued;

    private int _tokensIssued;

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var provider = new FakeIdentityProvider();
        provider._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/.well-known/openid-configuration", provider.Discovery);
            app.MapGet("/jwks", provider.Jwks);
            app.MapGet("/authorize", provider.Authorize);
            app.MapPost("/token", provider.TokenAsync);
        });
        provider.Issuer = provider._server.BaseAddress.ToString().TrimEnd('/');
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _rsa.Dispose();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/authorize",
        ["token_endpoint"] = $"{Issuer}/token",
        ["jwks_uri"] = $"{Issuer}/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
    });

    private IResult Jwks()
    {
        var key = _rsa.ExportParameters(false);
        return Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = "fake-key", n = Base64UrlEncoder.Encode(key.Modulus), e = Base64UrlEncoder.Encode(key.Exponent) },
            },
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        if (query["client_id"] != ClientId || query["response_type"] != "code" || query["code_challenge_method"] != "S256"
            || string.IsNullOrEmpty(query["redirect_uri"]) || string.IsNullOrEmpty(query["code_challenge"]))
        {
            return Results.BadRequest("bad authorize request: " + request.QueryString);
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        _grants[code] = new Grant(NextUser, query["redirect_uri"]!, query["code_challenge"]!, query["nonce"].ToString());
        var separator = query["redirect_uri"].ToString().Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return Results.Redirect($"{query["redirect_uri"]}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(query["state"].ToString())}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, clientSecret) = ClientCredentials(request, form);
        if (clientId != ClientId || clientSecret != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        if (form["grant_type"] != "authorization_code" || !_grants.TryRemove(form["code"].ToString(), out var grant) || form["redirect_uri"] != grant.RedirectUri)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != grant.CodeChallenge)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE verifier does not match" }, statusCode: 400);
        }

        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = grant.User.Subject, ["nonce"] = grant.Nonce };
        if (grant.User.PreferredUserName is { } preferred)
        {
            claims["preferred_username"] = preferred;
        }

        if (grant.User.Email is { } email)
        {
            claims["email"] = email;
        }

        using var forger = RSA.Create(2048);
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(SignWithUnknownKey ? forger : _rsa) { KeyId = "fake-key" }, SecurityAlgorithms.RsaSha256),
        });
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new { access_token = "opaque-access-token", token_type = "Bearer", expires_in = 300, id_token = idToken });
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
        }

        return (form["client_id"], form["client_secret"]);
    }

    private sealed record Grant(FakeUser User, string RedirectUri, string CodeChallenge, string Nonce);
}

/// <param name="PreferredUserName">The <c>preferred_username</c> claim, or none.</param>
public sealed record FakeUser(string Subject, string? PreferredUserName, string? Email);
