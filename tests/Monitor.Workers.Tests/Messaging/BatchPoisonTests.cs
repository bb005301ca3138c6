using System.Diagnostics;
using System.Globalization;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Statements;
using Monitor.Hosting.Messaging;
using Monitor.Hosting.Outbox;
using Monitor.Persistence;
using Monitor.Persistence.Batching;
using Monitor.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Monitor.Workers.Tests.Messaging;

/// <summary>
/// Persistence writes the statements it holds in one transaction. A statement the database refuses fails that batch;
/// its neighbours (in its message and in others) must still be stored, and only the bad statement may end in the error
/// queue, in a message of its own. Real RabbitMQ and
/// PostgreSQL: the messages wait in store-statement before the worker starts, so they arrive together and are batched.
/// </summary>
public sealed class BatchPoisonTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private PostgresDatabase _postgres = null!;
    private RabbitMqVirtualHost _rabbit = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresDatabase.CreateMigratedAsync();
        _rabbit = await RabbitMqVirtualHost.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _rabbit.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_bad_statement_in_a_batch_goes_alone_to_the_error_queue_and_its_neighbours_are_stored()
    {
        const int good = 60;
        // The publisher stays up until the end: MassTransit keeps the first host's logger factory in a static.
        using var publisher = Build(withConsumers: false);
        await publisher.StartAsync();
        var bus = publisher.Services.GetRequiredService<IBus>();
        // As Tagging publishes them: several statements to a message. NOT NULL title: the database refuses the bad one
        // whatever batch it is in.
        var statements = Enumerable.Range(0, good).Select(i => Statement($"ext-{i}", $"Statement {i}")).ToList();
        statements.Insert(good / 2, Statement("ext-bad", null!));
        foreach (var chunk in statements.Chunk(20))
        {
            await bus.Publish(new StatementsTagged(chunk));
        }

        using var worker = Build(withConsumers: true);
        await worker.StartAsync();
        try
        {
            var store = new StatementStore(new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _postgres.ConnectionString }));
            var clock = Stopwatch.StartNew();
            uint failed = 0;
            while ((await store.CountAsync() < good || (failed = await ErrorQueueDepthAsync()) < 1) && clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(250);
            }

            var counts = worker.Services.GetRequiredService<StatementBatcher>().Counts;
            output.WriteLine($"{await store.CountAsync()} stored, {failed} in store-statement_error after {clock.Elapsed.TotalSeconds:0.0} s; " +
                $"{counts.Batches} batches of {counts.Statements} statements, {counts.Fallbacks} written again one by one, {counts.Failed} failed");
            Assert.Equal(good, await store.CountAsync());
            Assert.True(counts.Fallbacks >= 1, "the bad statement was never in a batch with others: the test proves nothing");

            // Only the bad statement's message failed: its neighbours were stored on their first delivery, not on a retry.
            Assert.Equal(1, counts.Failed);

            // Retries of the bad statement are stored alone: it never fails its neighbours' batch twice. Give it time to
            // be moved (8 tries, about 28 s), then check that it alone is there.
            Assert.Equal(1u, failed);
            // The message in the error queue holds the bad statement alone, not its neighbours.
            var body = await GetErrorMessageAsync();
            Assert.Contains("ext-bad", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"ext-1", body, StringComparison.Ordinal);
        }
        finally
        {
            await worker.StopAsync();
            await publisher.StopAsync();
        }
    }

    private IHost Build(bool withConsumers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Messaging:Transport"] = "RabbitMq";
        builder.Configuration["Messaging:RabbitMq:Host"] = _rabbit.Host;
        builder.Configuration["Messaging:RabbitMq:Port"] = _rabbit.Port.ToString(CultureInfo.InvariantCulture);
        builder.Configuration["Messaging:RabbitMq:VirtualHost"] = _rabbit.Name;
        builder.Configuration["Messaging:RabbitMq:Username"] = _rabbit.Username;
        builder.Configuration["Messaging:RabbitMq:Password"] = _rabbit.Password;
        builder.Services.AddSingleton(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _postgres.ConnectionString });
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<StatementStore>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(TimeProvider.System);
        if (withConsumers)
        {
            builder.AddMonitorMessaging(PersistenceWorker.AddConsumers);
        }
        else
        {
            builder.AddMonitorMessaging();
        }

        return builder.Build();
    }

    private static StatementTagged Statement(string externalId, string title) =>
        new(new StatementDiscovered("ep-press-releases", externalId, $"https://example.org/{externalId}", title, "Summary.", "", Now, "en", $"hash-{externalId}", Now),
            [new TopicScore("sanctions", 0.9, [])], "v1", Now);

    private async Task<IConnection> ConnectAsync() => await new ConnectionFactory
    {
        HostName = _rabbit.Host, Port = _rabbit.Port, VirtualHost = _rabbit.Name, UserName = _rabbit.Username, Password = _rabbit.Password,
    }.CreateConnectionAsync();

    private async Task<uint> ErrorQueueDepthAsync()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync("store-statement_error")).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    private async Task<string> GetErrorMessageAsync()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var message = await channel.BasicGetAsync("store-statement_error", autoAck: false);
        Assert.NotNull(message);
        return Encoding.UTF8.GetString(message.Body.Span);
    }
}
