using System.Net;
using System.Text;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary>
/// Every 4xx carries a ProblemDetails body, whatever refused the request: invalid JSON, a wrong type, the wrong media
/// type, an oversized body, an id no route matches, an unknown path.
/// </summary>
[Collection(AuthDashboardCollection.Name)]
public sealed class ProblemBodyTests(AuthDashboard fixture)
{
    public static TheoryData<string, string, string> Bodies => new()
    {
        { "POST", "/api/account/tokens", "{" },
        { "POST", "/api/account/tokens", """{"name": 5, "expiresInDays": "soon"}""" },
        { "POST", "/api/account/password", "[1, 2" },
        { "POST", "/api/account/password", """{"currentPassword": true}""" },
        { "POST", "/api/account/sign-in", "{\"userName\": " },
        { "POST", "/api/account/sign-in", """{"userName": ["a"], "password": {}}""" },
        { "POST", "/api/admin/users", "not json" },
        { "POST", "/api/admin/users", """{"userName": 12, "role": false}""" },
        { "PATCH", "/api/admin/users/1", "{]" },
        { "PATCH", "/api/admin/users/1", """{"disabled": "yes"}""" },
        { "POST", "/api/admin/sources", "{" },
        { "POST", "/api/admin/sources", """{"id": 1, "url": []}""" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Invalid_json_or_a_wrong_type_is_a_400_problem_that_says_so(string method, string path, string body)
    {
        using var http = await AdminAsync();

        using var response = await SendAsync(http, method, path, new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await AuthDashboard.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_text_body_is_a_415_problem()
    {
        using var http = await AdminAsync();

        using var response = await SendAsync(http, "POST", "/api/account/tokens", new StringContent("name=script", Encoding.UTF8, "text/plain"));

        await AuthDashboard.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_40_mb_body_is_a_413_problem()
    {
        using var http = await AdminAsync();
        var body = new ByteArrayContent(new byte[40 * 1024 * 1024]);
        body.Headers.ContentType = new("application/json");

        // Expect: 100-continue lets the answer arrive before the body is sent (Kestrel refuses it by its
        // Content-Length and closes the connection; a client still writing 40 MB would only see a broken pipe).
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/account/tokens", UriKind.Relative)) { Content = body };
        request.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(request);

        await AuthDashboard.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("DELETE", "/api/account/tokens/99999999999999999999999")]
    [InlineData("GET", "/api/admin/users/99999999999999999999999")]
    [InlineData("GET", "/api/no-such-endpoint")]
    public async Task An_overflowing_id_or_an_unknown_path_is_a_404_problem(string method, string path)
    {
        using var http = await AdminAsync();

        using var response = await SendAsync(http, method, path, null);

        await AuthDashboard.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    private async Task<HttpClient> AdminAsync() =>
        await TestAccounts.AdminClientAsync(fixture.Database, fixture.BaseAddress, $"problem-admin-{Guid.NewGuid():N}"[..24]);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = content };
        return await http.SendAsync(request);
    }
}
