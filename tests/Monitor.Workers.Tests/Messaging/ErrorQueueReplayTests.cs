using System.Diagnostics;
using System.Text;
using Monitor.Hosting.Messaging;
using Monitor.Testing;
using RabbitMQ.Client;

namespace Monitor.Workers.Tests.Messaging;

/// <summary>
/// What <c>monitor errors list|show|replay</c> does, against a real RabbitMQ virtual host: an operator sees what sits
/// in an error queue and why, and moves it back to the queue it came from without losing or doubling a message.
/// </summary>
public sealed class ErrorQueueReplayTests : IAsyncLifetime
{
    private RabbitMqVirtualHost _rabbit = null!;
    private Uri _broker = null!;

    public async Task InitializeAsync()
    {
        _rabbit = await RabbitMqVirtualHost.CreateAsync();
        _broker = _rabbit.AmqpUri;
    }

    public async Task DisposeAsync() => await _rabbit.DisposeAsync();

    [Fact]
    public async Task Faulted_messages_are_listed_shown_with_their_error_and_replayed_into_their_queue_once()
    {
        await _rabbit.SeedErrorQueueAsync("store-statement", ["message-0", "message-1", "message-2"], new Dictionary<string, object?>
        {
            ["MT-Fault-ExceptionType"] = "Npgsql.NpgsqlException",
            ["MT-Fault-Message"] = "Failed to connect to 127.0.0.1:5432",
            ["MT-Fault-Timestamp"] = "2026-12-06T00:00:00Z",
            ["MT-Reason"] = "fault",
            ["Content-Type"] = "application/vnd.masstransit+json",
        });
        await using var connection = await new ConnectionFactory { Uri = _broker }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();

        using var queues = new ErrorQueues(_broker, TestServices.RabbitMqManagement);

        // The management API's counts lag the broker by its statistics interval (5 s).
        var clock = Stopwatch.StartNew();
        IReadOnlyList<ErrorQueue> listed;
        while ((listed = await queues.ListAsync(default)).SingleOrDefault()?.Messages != 3 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(500);
        }

        Assert.Equal([new ErrorQueue("store-statement_error", 3)], listed);

        var shown = await queues.PeekAsync("store-statement", 10, default);
        Assert.Equal(3, shown.Count);
        Assert.All(shown, m =>
        {
            Assert.Equal("urn:message:Monitor.Contracts:StatementsTagged", m.MessageType);
            Assert.Equal("Npgsql.NpgsqlException", m.ExceptionType);
            Assert.Equal("Failed to connect to 127.0.0.1:5432", m.Reason);
        });
        Assert.Equal(3u, (await channel.QueueDeclarePassiveAsync("store-statement_error")).MessageCount);

        Assert.Equal(3, await queues.ReplayAsync("store-statement", null, default));

        Assert.Equal(0u, (await channel.QueueDeclarePassiveAsync("store-statement_error")).MessageCount);
        Assert.Equal(3u, (await channel.QueueDeclarePassiveAsync("store-statement")).MessageCount);
        var ids = new List<string?>();
        while (await channel.BasicGetAsync("store-statement", autoAck: true) is { } replayed)
        {
            ids.Add(replayed.BasicProperties.MessageId);
            Assert.DoesNotContain(replayed.BasicProperties.Headers!.Keys, key => key.StartsWith("MT-Fault-", StringComparison.Ordinal));
            Assert.Equal("application/vnd.masstransit+json", Encoding.UTF8.GetString((byte[])replayed.BasicProperties.Headers!["Content-Type"]!));
        }

        Assert.Equal(["message-0", "message-1", "message-2"], ids);
    }
}
