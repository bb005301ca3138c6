using System.Diagnostics;
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
using Npgsql;
using Xunit.Abstractions;

namespace Monitor.Workers.Tests.Messaging;

/// <summary>
/// A database outage longer than any retry window must not lose a message: the consumer waits for the database
/// instead of faulting the message into its error queue (32 of 3,000 statements were lost to a 45 s stop). The outage
/// is a proxy in front of the shared PostgreSQL that refuses every connection, so the server keeps running for others.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private PostgresDatabase _postgres = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresDatabase.CreateMigratedAsync();
    }

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task Statements_consumed_during_a_40_s_database_outage_are_stored_when_it_ends_and_none_faults()
    {
        var direct = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString);
        await using var proxy = new OutageProxy(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 5 };
        var faults = new FaultCount();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = proxied.ConnectionString });
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<StatementStore>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(faults);
        builder.Configuration["Messaging:TransientRetryMaxInterval"] = "00:00:02";
        builder.AddMonitorMessaging(PersistenceWorker.AddConsumers, bus => bus.AddConsumer<StoreFaultCounter>());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            proxy.TakeDown();
            var bus = host.Services.GetRequiredService<IBus>();
            const int count = 20;
            for (var i = 0; i < count; i++)
            {
                await bus.Publish(new StatementsTagged([new StatementTagged(
                    new StatementDiscovered("ep-press-releases", $"ext-{i}", $"https://example.org/{i}", $"Statement {i}", "Summary.", "", Now, "en", $"hash-{i}", Now),
                    [new TopicScore("sanctions", 0.9, [])], "v1", Now)]));
            }

            // Longer than the old retry window (8 retries, about 28 s), after which MassTransit faulted each message.
            await Task.Delay(TimeSpan.FromSeconds(40));
            output.WriteLine($"{proxy.Refused} connections refused during the outage; {faults.Count} faults");
            Assert.True(proxy.Refused > count, $"only {proxy.Refused} connection attempts during the outage");
            Assert.Equal(0, faults.Count);

            proxy.BringBack();
            var clock = Stopwatch.StartNew();
            var store = new StatementStore(new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _postgres.ConnectionString }));
            while (await store.CountAsync() < count && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }

            output.WriteLine($"all {await store.CountAsync()} stored {clock.Elapsed.TotalSeconds:0.0} s after the database came back");
            Assert.Equal(count, await store.CountAsync());
            Assert.Equal(0, faults.Count);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_worker_stopped_during_a_database_outage_returns_its_messages_to_the_queue_not_to_the_error_queue()
    {
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString);
        await using var proxy = new OutageProxy(direct.Host!, direct.Port);
        proxy.TakeDown();
        var proxied = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 5 };
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Messaging:Transport"] = "RabbitMq";
        builder.Configuration["Messaging:RabbitMq:Host"] = rabbit.Host;
        builder.Configuration["Messaging:RabbitMq:Port"] = rabbit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Messaging:RabbitMq:VirtualHost"] = rabbit.Name;
        builder.Configuration["Messaging:RabbitMq:Username"] = rabbit.Username;
        builder.Configuration["Messaging:RabbitMq:Password"] = rabbit.Password;
        builder.Services.AddSingleton(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = proxied.ConnectionString });
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<StatementStore>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddMonitorMessaging(PersistenceWorker.AddConsumers);
        var host = builder.Build();
        await host.StartAsync();
        const int count = 10;
        for (var i = 0; i < count; i++)
        {
            await host.Services.GetRequiredService<IBus>().Publish(new StatementsTagged([new StatementTagged(
                new StatementDiscovered("ep-press-releases", $"ext-{i}", $"https://example.org/{i}", $"Statement {i}", "Summary.", "", Now, "en", $"hash-{i}", Now),
                [new TopicScore("sanctions", 0.9, [])], "v1", Now)]));
        }

        // Every message is being retried against the unreachable database when the worker is told to stop.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var stopping = Stopwatch.StartNew();
        await host.StopAsync();
        host.Dispose();
        stopping.Stop();

        await using var connection = await new RabbitMQ.Client.ConnectionFactory
        {
            HostName = rabbit.Host, Port = rabbit.Port, VirtualHost = rabbit.Name, UserName = rabbit.Username, Password = rabbit.Password,
        }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var waiting = (await channel.QueueDeclarePassiveAsync("store-statement")).MessageCount;
        uint failed;
        try
        {
            failed = (await channel.QueueDeclarePassiveAsync("store-statement_error")).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            failed = 0;
        }

        output.WriteLine($"stopped in {stopping.Elapsed.TotalSeconds:0.0} s: {waiting} back in store-statement, {failed} in store-statement_error");
        Assert.Equal(0u, failed);
        Assert.Equal((uint)count, waiting);
    }

    public sealed class FaultCount
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>What MassTransit publishes when it gives up on a message and moves it to the error queue.</summary>
    public sealed class StoreFaultCounter(FaultCount faults) : IConsumer<Fault<StatementsTagged>>
    {
        public Task Consume(ConsumeContext<Fault<StatementsTagged>> context)
        {
            faults.Add();
            return Task.CompletedTask;
        }
    }
}
