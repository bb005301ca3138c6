using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitor.Testing;
using RabbitMQ.Client;

namespace Monitor.IntegrationTests;

/// <summary>
/// The admin page's error queues (<c>/api/admin/error-queues</c>) on a distributed dashboard over real RabbitMQ: the
/// queue and its count, a preview of its messages with their error, a replay into the queue they came from; bad input is
/// a 4xx ProblemDetails, and only admins may look.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class ErrorQueuesAdminApiTests : IAsyncLifetime
{
    private DistributedTopology _topology = null!;
    private MonitorProcess _dashboard = null!;

    public async Task InitializeAsync()
    {
        _topology = await DistributedTopology.CreateAsync();
        _dashboard = _topology.Create(Topology.Dashboard, new Dictionary<string, string>
        {
            ["Messaging__RabbitMq__ManagementUrl"] = TestServices.RabbitMqManagement.GetLeftPart(UriPartial.Authority),
        });
        await _dashboard.StartAsync();
    }

    public async Task DisposeAsync() => await _topology.DisposeAsync();

    [Fact]
    public async Task An_admin_sees_an_error_queue_previews_its_messages_and_replays_them_into_their_queue()
    {
        await SeedAsync("store-statement_error", 3);
        var database = _topology.OpenDatabase();
        using var admin = await TestAccounts.AdminClientAsync(database, _dashboard.BaseAddress);

        // The management API counts with its statistics interval (5 s).
        var clock = Stopwatch.StartNew();
        JsonElement queue;
        do
        {
            var view = await admin.GetFromJsonAsync<JsonElement>("/api/admin/error-queues");
            Assert.True(view.GetProperty("available").GetBoolean());
            queue = view.GetProperty("queues").EnumerateArray().FirstOrDefault(q => q.GetProperty("name").GetString() == "store-statement_error");
            if (queue.ValueKind == JsonValueKind.Object && queue.GetProperty("messages").GetInt64() == 3)
            {
                break;
            }

            await Task.Delay(500);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal(3, queue.GetProperty("messages").GetInt64());

        var preview = await admin.GetFromJsonAsync<JsonElement>("/api/admin/error-queues/store-statement_error/messages?count=2");
        Assert.Equal(2, preview.GetArrayLength());
        Assert.All(preview.EnumerateArray(), m =>
        {
            Assert.Equal("urn:message:Monitor.Contracts:StatementsTagged", m.GetProperty("messageType").GetString());
            Assert.Equal("Npgsql.NpgsqlException", m.GetProperty("exceptionType").GetString());
            Assert.Equal("Failed to connect to 127.0.0.1:5432", m.GetProperty("reason").GetString());
        });

        // The base name works as well as the error queue's.
        using var replay = await admin.PostAsJsonAsync("/api/admin/error-queues/store-statement/replay", new { });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, replayed.GetProperty("replayed").GetInt32());
        Assert.Equal("store-statement", replayed.GetProperty("into").GetString());
        Assert.Equal((0u, 3u), await CountAsync());
    }

    [Fact]
    public async Task Bad_input_is_a_problem_and_only_admins_may_look()
    {
        await SeedAsync("store-statement_error", 1);
        var database = _topology.OpenDatabase();
        using var admin = await TestAccounts.AdminClientAsync(database, _dashboard.BaseAddress);

        await Problems.AssertBadRequestAsync(admin, "/api/admin/error-queues/store-statement_error/messages?count=0", "Invalid count", "from 1 to 100");
        await Problems.AssertBadRequestAsync(admin, "/api/admin/error-queues/store-statement_error/messages?count=ten", "Invalid count", "got 'ten'");
        await Problems.AssertBadRequestAsync(admin, "/api/admin/error-queues/store%20statement/messages", "Invalid queue", "is not a queue name");
        await AssertProblemAsync(await admin.GetAsync(new Uri("/api/admin/error-queues/no-such-queue/messages", UriKind.Relative)),
            HttpStatusCode.NotFound, "Unknown queue", "no-such-queue_error");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/admin/error-queues/store-statement/replay", new { count = 0 }),
            HttpStatusCode.BadRequest, "Invalid count", "from 1 to 100000");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/admin/error-queues/no-such-queue/replay", new { }),
            HttpStatusCode.NotFound, "Unknown queue", "no-such-queue_error");
        Assert.Equal((1u, 0u), await CountAsync());

        var (viewerId, _) = await TestAccounts.CreateUserAsync(database, "just-a-viewer", "viewer");
        using var viewer = TestAccounts.BearerClient(_dashboard.BaseAddress, await TestAccounts.CreateTokenAsync(database, viewerId));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(new Uri("/api/admin/error-queues", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/admin/error-queues/store-statement/replay", new { })).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = _dashboard.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/admin/error-queues", UriKind.Relative))).StatusCode);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
            Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private Uri Broker => _topology.Rabbit.AmqpUri;

    /// <summary>An error queue and its queue, with messages as MassTransit leaves them: its envelope and its fault headers.</summary>
    private Task SeedAsync(string errorQueue, int count) =>
        _topology.Rabbit.SeedErrorQueueAsync(errorQueue[..^"_error".Length], Enumerable.Range(0, count).Select(i => $"message-{i}"), new Dictionary<string, object?>
        {
            ["MT-Fault-ExceptionType"] = "Npgsql.NpgsqlException",
            ["MT-Fault-Message"] = "Failed to connect to 127.0.0.1:5432",
            ["MT-Fault-Timestamp"] = "2026-12-06T00:00:00Z",
            ["MT-Reason"] = "fault",
        });

    /// <summary>Messages in store-statement_error and in store-statement, as the broker counts them now.</summary>
    private async Task<(uint Error, uint Queue)> CountAsync()
    {
        await using var connection = await new ConnectionFactory { Uri = Broker }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var error = await channel.QueueDeclarePassiveAsync("store-statement_error");
        var queue = await channel.QueueDeclarePassiveAsync("store-statement");
        return (error.MessageCount, queue.MessageCount);
    }
}
