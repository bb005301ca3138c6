using System.Net.Http.Json;
using System.Text.Json;

namespace Monitor.Cli.Commands;

/// <summary>The dashboard's <c>/api/admin/sources</c> over HTTP, for <c>monitor sources</c>.</summary>
internal sealed class SourcesClient(HttpClient http)
{
    private const string Path = "api/admin/sources";

    /// <summary>The environment variable holding an admin's API token (<c>mon_…</c>).</summary>
    public const string TokenVariable = "MONITOR_TOKEN";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Source(
        string Id, string Name, string Url, string Adapter, bool Enabled, string Health, string? LastError,
        DateTimeOffset? LastSuccessAt, DateTimeOffset? LastPolledAt, DateTimeOffset NextPollAt, int ConsecutiveFailures);

    public sealed record AddRequest(string Id, string? Name, string Url, string Adapter, int PollIntervalSeconds);

    /// <summary>A refusal from the server, with its message.</summary>
    public sealed class ServerException(string message) : Exception(message);

    /// <summary>Runs an action against the server; prints a refusal or an unreachable server to stderr and exits non-zero.</summary>
    public static async Task<int> RunAsync(string server, Func<SourcesClient, Task<int>> action)
    {
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"error: --server must be an http(s) address such as http://localhost:5080; got '{server}'");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // Managing sources takes an admin's API token (created under the account menu, or POST /api/account/tokens).
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            return await action(new SourcesClient(http));
        }
        catch (ServerException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"error: cannot reach the dashboard at {server}: {ex.Message}");
            return 2;
        }
        catch (TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: the dashboard at {server} did not answer within {http.Timeout.TotalSeconds:0} s");
            return 2;
        }
    }

    public async Task<IReadOnlyList<Source>> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(Path, UriKind.Relative), cancellationToken);
        return await ReadAsync<List<Source>>(response, cancellationToken);
    }

    public async Task<Source> AddAsync(AddRequest request, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(Path, UriKind.Relative), request, Json, cancellationToken);
        return await ReadAsync<Source>(response, cancellationToken);
    }

    public async Task<Source> PostAsync(string id, string verb, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri($"{Path}/{Uri.EscapeDataString(id)}/{verb}", UriKind.Relative), null, cancellationToken);
        return await ReadAsync<Source>(response, cancellationToken);
    }

    /// <summary>Any other admin endpoint (e.g. <c>api/admin/backfills</c>): JSON in, JSON out, a refusal as its message.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(new Uri($"{Path}/{Uri.EscapeDataString(id)}", UriKind.Relative), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new ServerException($"the server answered {(int)response.StatusCode} without a body");
    }

    /// <summary>A ProblemDetails answer becomes its detail (or title); anything else its status and text.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? message = null;
        try
        {
            using var problem = JsonDocument.Parse(body);
            message = problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString()
                : problem.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
        }
        catch (JsonException)
        {
        }

        throw new ServerException($"{(int)response.StatusCode} {response.ReasonPhrase}: {message ?? (body.Length > 0 ? body : "no details")}");
    }
}
