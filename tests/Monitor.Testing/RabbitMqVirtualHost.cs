using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using RabbitMQ.Client;

namespace Monitor.Testing;

/// <summary>A fresh RabbitMQ virtual host for one test class (through the management API), deleted afterwards.</summary>
public sealed class RabbitMqVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _management;

    private RabbitMqVirtualHost(HttpClient management, string name)
    {
        _management = management;
        Name = name;
    }

    public string Name { get; }

    public string Host => TestServices.RabbitMq.Host;

    public int Port => TestServices.RabbitMq.Port;

    public string Username => Uri.UnescapeDataString(TestServices.RabbitMq.UserInfo.Split(':')[0]);

    public string Password => Uri.UnescapeDataString(TestServices.RabbitMq.UserInfo.Split(':')[1]);

    /// <summary>The AMQP URI of this virtual host.</summary>
    public Uri AmqpUri => new($"amqp://{Uri.EscapeDataString(Username)}:{Uri.EscapeDataString(Password)}@{Host}:{Port}/{Uri.EscapeDataString(Name)}");

    public static async Task<RabbitMqVirtualHost> CreateAsync()
    {
        var api = TestServices.RabbitMqManagement;
        var http = new HttpClient { BaseAddress = new Uri(api.GetLeftPart(UriPartial.Authority) + "/api/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(api.UserInfo))));
        var name = $"monitor-test-{Guid.NewGuid():N}";
        try
        {
            (await http.PutAsJsonAsync($"vhosts/{name}", new { })).EnsureSuccessStatusCode();
            var user = Uri.UnescapeDataString(TestServices.RabbitMq.UserInfo.Split(':')[0]);
            (await http.PutAsJsonAsync($"permissions/{name}/{user}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException ex)
        {
            http.Dispose();
            throw new InvalidOperationException(TestServices.Unavailable("RabbitMQ (management API)", ex), ex);
        }

        return new RabbitMqVirtualHost(http, name);
    }

    /// <summary>Messages waiting in a queue of this virtual host, as the broker reports them.</summary>
    public async Task<QueueInfo?> GetQueueAsync(string queue)
    {
        var response = await _management.GetAsync($"queues/{Name}/{queue}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<QueueInfo>() : null;
    }

    /// <summary>
    /// Declares <paramref name="queue"/> and its error queue (<c>queue_error</c>) and puts one message per id into the
    /// error queue as MassTransit leaves a faulted one: a StatementsTagged envelope and the fault headers given.
    /// </summary>
    public async Task SeedErrorQueueAsync(string queue, IEnumerable<string> messageIds, IReadOnlyDictionary<string, object?> faultHeaders)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentNullException.ThrowIfNull(faultHeaders);
        await using var connection = await new ConnectionFactory { Uri = AmqpUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(queue + "_error", durable: true, exclusive: false, autoDelete: false);
        foreach (var id in messageIds)
        {
            var properties = new BasicProperties { MessageId = id, Persistent = true, Headers = new Dictionary<string, object?>(faultHeaders) };
            var envelope = $$$"""{"messageId":"{{{id}}}","messageType":["urn:message:Monitor.Contracts:StatementsTagged"],"message":{"statements":[]}}""";
            await channel.BasicPublishAsync("", queue + "_error", false, properties, Encoding.UTF8.GetBytes(envelope));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _management.DeleteAsync($"vhosts/{Name}");
        _management.Dispose();
    }

    public sealed record QueueInfo(string Name, long Messages);
}
