using System.Net.Http.Json;
using System.Security.Cryptography;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary><c>GET /api/tagging</c> on the embedded dashboard: the topic file in use and the re-tagging state.</summary>
public sealed class TaggingApiTests : IAsyncLifetime
{
    private EmbeddedDashboard _embedded = null!;

    public async Task InitializeAsync() => _embedded = await EmbeddedDashboard.StartAsync();

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task The_api_reports_the_hybrid_taggers_version_and_a_finished_run_on_a_fresh_database()
    {
        // The topic file's version is the SHA-256 of the file the build embeds (src/Monitor.Core/Tagging/topics.json);
        // the tags' version is the SHA-256 of it, the trained model's (Tagging/Semantic/model.json) and the mode
        // (hybrid by default): TopicClassifier.Version.
        var topicFileVersion = Sha256(await File.ReadAllBytesAsync(RepoPath("topics.json")));
        var modelVersion = Sha256(await File.ReadAllBytesAsync(RepoPath(Path.Combine("Semantic", "model.json"))));
        var expected = Sha256(System.Text.Encoding.UTF8.GetBytes($"{topicFileVersion}|{modelVersion}|hybrid"));
        using var http = new HttpClient { BaseAddress = _embedded.BaseAddress };

        TaggingView? view = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && view?.Retag is null)
        {
            view = await http.GetFromJsonAsync<TaggingView>("/api/tagging", Json.Options);
            if (view?.Retag is null)
            {
                await Task.Delay(200);
            }
        }

        Assert.NotNull(view);
        Assert.Equal((expected, "hybrid", topicFileVersion), (view.BaselineVersion, view.Mode, view.TopicFileVersion));
        Assert.Equal((18, 8), (view.Topics, view.Figures));
        Assert.NotNull(view.Retag);
        Assert.Equal((expected, 0, 0, "finished"), (view.Retag.BaselineVersion, view.Retag.Total, view.Retag.Done, view.Retag.State));
        Assert.NotNull(view.Retag.FinishedAt);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    // A file under src/Monitor.Core/Tagging/ of the checkout.
    private static string RepoPath(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Monitor.Core", "Tagging", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"src/Monitor.Core/Tagging/{relative} not found above the test directory");
    }

    private sealed record TaggingView(string BaselineVersion, string Mode, string TopicFileVersion, int Topics, int Figures, RetagView? Retag);

    private sealed record RetagView(string BaselineVersion, int Total, int Done, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string State);
}
