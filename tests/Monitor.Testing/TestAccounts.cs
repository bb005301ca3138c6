using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Monitor.Data;
using Monitor.Data.Accounts;

namespace Monitor.Testing;

/// <summary>
/// Users, API tokens and signed-in clients for tests against a dashboard: users are written straight into the
/// dashboard's database (after it has migrated it), with the password hash the dashboard verifies.
/// </summary>
public static class TestAccounts
{
    public const string CsrfHeader = "X-CSRF-TOKEN";

    private static readonly PasswordHasher<UserRecord> Hasher = new();

    /// <summary>The database of a dashboard running on the SQLite file <paramref name="path"/>.</summary>
    public static Database Sqlite(string path) =>
        new(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={path}" });

    /// <summary>A PostgreSQL database by connection string.</summary>
    public static Database Postgres(string connectionString) =>
        new(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString });

    /// <summary>Creates a local user; <paramref name="role"/> is viewer, analyst or admin.</summary>
    /// <returns>Its id and its password (generated when none is given).</returns>
    public static async Task<(long Id, string Password)> CreateUserAsync(Database db, string userName, string role, string? password = null, string? email = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        password ??= "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var id = await new UserStore(db).CreateAsync(
            new NewUser(userName, userName, email, role, Hasher.HashPassword(new UserRecord(), password)), DateTimeOffset.UtcNow)
            ?? throw new InvalidOperationException($"The user name '{userName}' is taken.");
        return (id, password);
    }

    /// <summary>A new API token of the user, with no expiry.</summary>
    public static async Task<string> CreateTokenAsync(Database db, long userId)
    {
        var (_, token) = await new ApiTokenStore(db).CreateAsync(userId, "test", null, DateTimeOffset.UtcNow);
        return token;
    }

    /// <summary>A client that sends <paramref name="token"/> as <c>Authorization: Bearer</c> (needs no CSRF token).</summary>
    public static HttpClient BearerClient(Uri baseAddress, string token)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A new admin with an API token, and a client using it.</summary>
    public static async Task<HttpClient> AdminClientAsync(Database db, Uri baseAddress, string userName = "test-admin")
    {
        var (id, _) = await CreateUserAsync(db, userName, "admin");
        return BearerClient(baseAddress, await CreateTokenAsync(db, id));
    }

    /// <summary>
    /// Signs in through <c>POST /api/account/sign-in</c>: the client keeps the cookie and sends the CSRF token of the
    /// answer in <c>X-CSRF-TOKEN</c> with every request, as the page does.
    /// </summary>
    public static Task<HttpClient> SignInAsync(Uri baseAddress, string userName, string password) =>
        SignInAsync(baseAddress, userName, password, new CookieContainer());

    /// <summary>As <see cref="SignInAsync(Uri, string, string)"/>, keeping the cookies in <paramref name="cookies"/> (to use them elsewhere).</summary>
    public static async Task<HttpClient> SignInAsync(Uri baseAddress, string userName, string password, CookieContainer cookies)
    {
        var http = CookieClient(baseAddress, cookies);
        using var response = await http.PostAsJsonAsync("/api/account/sign-in", new { userName, password });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            http.Dispose();
            throw new InvalidOperationException($"Sign-in as '{userName}' answered {(int)response.StatusCode}: {body}");
        }

        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Add(CsrfHeader, me.RootElement.GetProperty("csrfToken").GetString());
        return http;
    }

    /// <summary>A client that keeps cookies, signed in to nothing yet.</summary>
    public static HttpClient CookieClient(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true, AllowAutoRedirect = false }, disposeHandler: true)
        {
            BaseAddress = baseAddress,
        };
}
