using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Contracts;
using Monitor.Core.Tagging;
using Monitor.Data;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;
using Monitor.Hosting.Outbox;
using Microsoft.Extensions.Configuration;
using Monitor.Persistence;
using Monitor.Persistence.Batching;
using Monitor.Tagging.Consumers;
using Monitor.Testing;

namespace Monitor.Workers.Tests;

/// <summary>
/// Each consumer's own logic through MassTransit's test harness, on a real SQLite file: what it publishes, and that
/// a redelivered message changes nothing.
/// </summary>
public sealed class ConsumerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private MigratedSqlite _sqlite = null!;
    private BusHarness _bus = null!;

    public async Task InitializeAsync()
    {
        _sqlite = await MigratedSqlite.CreateAsync();
        _bus = await BusHarness.StartAsync(new ServiceCollection()
            .AddSingleton(_sqlite.Database)
            .AddSingleton<StatementStore>()
            .AddSingleton<OutboxSignal>()
            .AddSingleton(TopicFile.LoadDefault())
            .AddSingleton<Tagger>()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddMassTransitTestHarness(x =>
            {
                x.AddConsumer<TagStatementConsumer>();
                PersistenceWorker.AddConsumers(x);
            })
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()));

        // No host here: the store consumer's batcher is started by hand.
        await _bus.Get<StatementBatcher>().StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _bus.Get<StatementBatcher>().StopAsync(CancellationToken.None);
        await _bus.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_discovered_statement_is_published_again_tagged_with_the_baseline_version()
    {
        await _bus.Harness.Bus.Publish(Discovered("ext-1", "Allies reaffirm Article 5 and collective defence", "hash-1"));

        Assert.True(await _bus.Harness.Published.Any<StatementTagged>(m => m.Context.Message.Statement.ExternalId == "ext-1"));
        var tagged = _bus.Harness.Published.Select<StatementTagged>().Single().Context.Message;
        Assert.Equal(TopicFile.LoadDefault().Version, tagged.BaselineVersion);
        Assert.Contains(tagged.Topics, t => t.TopicId == "collective-defence" && t.Evidence.Count > 0);
    }

    [Fact]
    public async Task The_tagged_statement_carries_the_figures_it_states_with_drift_and_evidence_offsets()
    {
        await _bus.Harness.Bus.Publish(Discovered("ext-f", "Sweden joins NATO: the Alliance now has 32 Allies", "hash-f"));

        Assert.True(await _bus.Harness.Published.Any<StatementTagged>(m => m.Context.Message.Statement.ExternalId == "ext-f"));
        var tagged = _bus.Harness.Published.Select<StatementTagged>().Single(m => m.Context.Message.Statement.ExternalId == "ext-f").Context.Message;
        Assert.Equal(new FigureValue("allies-count", 32, 30, true, "32 Allies", "title", 40), Assert.Single(tagged.Figures));
        var evidence = tagged.Topics.Single(t => t.TopicId == "open-door-enlargement").Evidence;
        Assert.Contains(evidence, e => e.Field == "title" && tagged.Statement.Title.Substring(e.Start, e.Length) == "joins NATO");
    }

    [Fact]
    public async Task A_redelivered_tagged_statement_is_stored_once_and_announced_once()
    {
        var tagged = new StatementTagged(Discovered("ext-2", "Sanctions", "hash-2"), [new TopicScore("sanctions", 0.9, [new TopicEvidence("sanctions", "title", 0, 9)])], "v1", Now);

        await _bus.Harness.Bus.Publish(tagged);
        await _bus.Harness.Bus.Publish(tagged);

        Assert.True(await _bus.Harness.Consumed.Any<StatementTagged>());
        await WaitForConsumedAsync<StatementTagged>(2);
        var database = _sqlite.Database;
        Assert.Equal(1, await new StatementStore(database).CountRevisionsAsync());

        // Announced once: Persistence publishes its event right after the commit and deletes it from the outbox.
        Assert.True(await _bus.Harness.Published.Any<StatementStored>());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await new OutboxStore(database).CountAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, await new OutboxStore(database).CountAsync());
        await Task.Delay(200);
        Assert.Single(_bus.Harness.Published.Select<StatementStored>());
    }

    private async Task WaitForConsumedAsync<T>(int count)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_bus.Harness.Consumed.Select<T>().Count() < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(count, _bus.Harness.Consumed.Select<T>().Count());
        Assert.False(_bus.Harness.Consumed.Select<T>().Any(m => m.Exception is not null), "a consumer threw");
    }

    private static StatementDiscovered Discovered(string externalId, string title, string hash) =>
        new("ep-press-releases", externalId, $"https://example.org/{externalId}", title, "Summary.", "", Now, "en", hash, Now);

    private static StatementStored Stored(long id, string topic) =>
        new(id, 1, "ep-press-releases", $"ext-{id}", $"https://example.org/{id}", "Title", "Summary", Now,
            [new TopicScore(topic, 0.8, [new TopicEvidence(topic, "body", 0, topic.Length)])], Now, Now);
}
