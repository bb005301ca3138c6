using System.Net;
using System.Text.Json;

namespace Monitor.IntegrationTests;

/// <summary>What every API refusal must be: a 400 ProblemDetails whose title names the problem and whose detail says what is wrong.</summary>
internal static class Problems
{
    public static async Task AssertBadRequestAsync(HttpClient http, string url, string title, string detail)
    {
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
