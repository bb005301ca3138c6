using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Statements;
using Monitor.Hosting.Messaging;
using Monitor.Hosting.Outbox;
using Monitor.Persistence;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Messaging;

/// <summary><c>Messaging:RabbitMq:QuorumQueues</c> on a real RabbitMQ virtual host: the pipeline's queues are quorum queues,
/// whether the consumer's endpoint or a publisher declares them first.</summary>
public sealed class QuorumQueueTests : IAsyncLifetime
{
    private RabbitMqVirtualHost _rabbit = null!;

    public async Task InitializeAsync() => _rabbit = await RabbitMqVirtualHost.CreateAsync();

    public async Task DisposeAsync() => await _rabbit.DisposeAsync();

    [Fact]
    public async Task The_pipeline_queues_are_declared_as_quorum_queues_when_the_setting_is_on()
    {
        using var sqlite = new TempSqliteFile();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Messaging:Transport"] = "RabbitMq";
        builder.Configuration["Messaging:RabbitMq:Host"] = _rabbit.Host;
        builder.Configuration["Messaging:RabbitMq:Port"] = _rabbit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Messaging:RabbitMq:VirtualHost"] = _rabbit.Name;
        builder.Configuration["Messaging:RabbitMq:Username"] = _rabbit.Username;
        builder.Configuration["Messaging:RabbitMq:Password"] = _rabbit.Password;
        builder.Configuration["Messaging:RabbitMq:QuorumQueues"] = "true";
        builder.Services.AddSingleton(new DatabaseOptions { ConnectionString = $"Data Source={sqlite.Path}" });
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<StatementStore>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddMonitorMessaging(PersistenceWorker.AddConsumers);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            // store-statement: declared by its consumer's endpoint (and bound by the publisher topology with the same type);
            // tag-statement: declared by the first publish of StatementsDiscovered, with no consumer anywhere.
            await host.Services.GetRequiredService<IBus>().Publish(new StatementsDiscovered([new StatementDiscovered(
                "ep-press-releases", "ext-1", "https://example.org/1", "Title", "Summary.", "", null, "en", "hash-1", DateTimeOffset.UtcNow)]));

            Assert.Equal("quorum", await QueueTypeAsync("store-statement"));
            Assert.Equal("quorum", await QueueTypeAsync("tag-statement"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private async Task<string?> QueueTypeAsync(string queue)
    {
        var api = TestServices.RabbitMqManagement;
        using var http = new HttpClient { BaseAddress = new Uri(api.GetLeftPart(UriPartial.Authority) + "/api/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(api.UserInfo))));
        using var json = JsonDocument.Parse(await http.GetStringAsync($"queues/{_rabbit.Name}/{queue}"));
        return json.RootElement.GetProperty("type").GetString();
    }
}
