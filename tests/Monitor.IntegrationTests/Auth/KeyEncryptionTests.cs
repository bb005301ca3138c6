using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Dapper;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// With Auth:DataProtection:CertificatePath set, the Data Protection keys are stored encrypted to the certificate; a
/// dashboard restarted with a new certificate and the old one listed as previous still reads the old cookie.
/// </summary>
public sealed class KeyEncryptionTests : IAsyncLifetime
{
    private const string Password = "test-only certificate password";
    private readonly TempSqliteFile _sqlite = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-keys-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _sqlite.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Keys_are_stored_encrypted_and_a_rotated_certificate_keeps_old_cookies_valid()
    {
        var first = Certificate("first");
        var second = Certificate("second");
        var cookies = new CookieContainer();
        var database = TestAccounts.Sqlite(_sqlite.Path);

        await using (var dashboard = await StartAsync(new() { ["Auth__DataProtection__CertificatePath"] = first }))
        {
            var (_, password) = await TestAccounts.CreateUserAsync(database, "keys-user", "viewer");
            using var http = await TestAccounts.SignInAsync(dashboard.BaseAddress, "keys-user", password, cookies);
        }

        await using var connection = await database.OpenAsync();
        var keys = (await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys")).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
        });

        await using (var rotated = await StartAsync(new()
        {
            ["Auth__DataProtection__CertificatePath"] = second,
            ["Auth__DataProtection__PreviousCertificates__0__Path"] = first,
            ["Auth__DataProtection__PreviousCertificates__0__Password"] = Password,
        }))
        {
            using var http = TestAccounts.CookieClient(rotated.BaseAddress, Rebase(cookies, rotated.BaseAddress));
            var me = await http.GetFromJsonAsync<JsonDocument>("/api/account/me");
            Assert.True(me!.RootElement.GetProperty("authenticated").GetBoolean(), "the cookie issued before the rotation was refused");
        }
    }

    private async Task<MonitorProcess> StartAsync(Dictionary<string, string> settings)
    {
        settings["Database__ConnectionString"] = $"Data Source={_sqlite.Path}";
        settings["Ingestion__UseDefaultSources"] = "false";
        settings["Auth__AnonymousRead"] = "false";
        settings["Auth__DataProtection__CertificatePassword"] = Password;
        var process = MonitorProcess.Create(Topology.Dashboard, settings);
        await process.StartAsync();
        return process;
    }

    /// <summary>A self-signed RSA certificate with its private key, as a password-protected .pfx file.</summary>
    private string Certificate(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=monitor-keys-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_directory, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }

    // The two processes listen on different ports; the cookie is the same.
    private static CookieContainer Rebase(CookieContainer cookies, Uri address)
    {
        var rebased = new CookieContainer();
        foreach (Cookie cookie in cookies.GetAllCookies())
        {
            rebased.Add(address, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        return rebased;
    }
}
