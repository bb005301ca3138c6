using System.Net.Http.Json;
using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.IntegrationTests;

/// <summary>A broken feed marks that source unhealthy with a readable error; every other source keeps running.</summary>
public sealed class SourceFailureTests : IAsyncLifetime
{
    private EmbeddedDashboard _embedded = null!;
    private FeedServer _broken = null!;

    private FeedServer Good => _embedded.Feed;

    public async Task InitializeAsync()
    {
        _broken = await FeedServer.StartAsync();
        _embedded = await EmbeddedDashboard.StartAsync(configure: environment => environment.WithSource(1, "broken-feed", _broken.FeedUrl));
    }

    public async Task DisposeAsync()
    {
        await _embedded.DisposeAsync();
        await _broken.DisposeAsync();
    }

    [Theory]
    [InlineData(FeedBehaviour.ServerError, "HTTP 500")]
    [InlineData(FeedBehaviour.HtmlPage, "html")]
    [InlineData(FeedBehaviour.AcceptedEmpty, "HTTP 202 with an empty body")]
    public async Task A_failing_source_is_marked_with_its_error_while_the_others_deliver_and_it_recovers_when_healed(FeedBehaviour failure, string error)
    {
        // The feed breaks only once the client listens: health is pushed as it changes, not replayed on connect.
        await using var client = await LiveClient.ConnectAsync(_embedded.BaseAddress);
        _broken.Behaviour = failure;
        using var http = new HttpClient { BaseAddress = _embedded.BaseAddress };

        var unhealthy = await WaitForSourceAsync(http, "broken-feed",
            s => s.Health != nameof(SourceHealth.Healthy) && s.LastError?.Contains(error, StringComparison.OrdinalIgnoreCase) == true);
        Good.Add(new TestFeedItem($"good-{failure}", "Allies agree new sanctions enforcement", "Sanctions text.", DateTimeOffset.UtcNow));
        await client.WaitForStatementAsync(s => s.ExternalId == $"good-{failure}", TimeSpan.FromSeconds(30));

        Assert.Contains(unhealthy.Health, new[] { nameof(SourceHealth.Degraded), nameof(SourceHealth.Failing) });
        await client.WaitForHealthAsync(h => h.SourceId == "broken-feed" && h.Health != SourceHealth.Healthy && h.LastError!.Contains(error, StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(10));
        Assert.Equal(nameof(SourceHealth.Healthy), (await WaitForSourceAsync(http, "test-feed", _ => true)).Health);

        _broken.Behaviour = FeedBehaviour.Feed;
        _broken.Add(new TestFeedItem("healed-1", "The feed is back", "Text.", DateTimeOffset.UtcNow));
        var healed = await WaitForSourceAsync(http, "broken-feed", s => s.Health == nameof(SourceHealth.Healthy));
        await client.WaitForStatementAsync(s => s.ExternalId == "healed-1", TimeSpan.FromSeconds(30));

        Assert.Null(healed.LastError);
        await client.WaitForHealthAsync(h => h.SourceId == "broken-feed" && h.Health == SourceHealth.Healthy, TimeSpan.FromSeconds(10));
    }

    private static async Task<SourceView> WaitForSourceAsync(HttpClient http, string id, Func<SourceView, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        SourceView? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var sources = await http.GetFromJsonAsync<List<SourceView>>("/api/sources", Json.Options);
            last = sources?.SingleOrDefault(s => s.Id == id);
            if (last is not null && match(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Source {id} never reached the expected state; last seen: {last}");
    }

    private sealed record SourceView(string Id, string Health, string? LastError, DateTimeOffset? LastSuccessAt, int ConsecutiveFailures);
}
