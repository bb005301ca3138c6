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
using Monitor.Hosting;
using Monitor.Tagging.Batching;
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
                x.TryAddHostedSingleton<TaggedPublisher>();
                PersistenceWorker.AddConsumers(x);
            })
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()));

        // The harness starts the hosted services: the tag consumer's publisher and the store consumer's batcher.
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task A_discovered_statement_is_published_again_tagged_with_the_baseline_version()
    {
        await _bus.Harness.Bus.Publish(new StatementsDiscovered([Discovered("ext-1", "Allies reaffirm Article 5 and collective defence", "hash-1")]));

        Assert.True(await _bus.Harness.Published.Any<StatementsTagged>(m => m.Context.Message.Statements.Any(s => s.Statement.ExternalId == "ext-1")));
        var tagged = Assert.Single(_bus.Harness.Published.Select<StatementsTagged>().Single().Context.Message.Statements);
        Assert.Equal(TopicFile.LoadDefault().Version, tagged.BaselineVersion);
        Assert.Contains(tagged.Topics, t => t.TopicId == "collective-defence" && t.Evidence.Count > 0);
    }

    [Fact]
    public async Task A_version_in_another_language_passes_untagged_and_its_english_version_becomes_the_tagged_statement()
    {
        var french = Discovered("IPR-1", "Les Alliés réaffirment l'Article 5 et la défense collective", "hash-fr") with
        {
            SourceId = "ep-press-releases-fr", Language = "fr", DocumentReference = "20261204IPR50230",
        };
        var english = Discovered("IPR-1", "Allies reaffirm Article 5 and collective defence", "hash-en") with { DocumentReference = "20261204IPR50230" };

        await _bus.Harness.Bus.Publish(new StatementsDiscovered([french]));
        await WaitForConsumedAsync<StatementsTagged>(1);
        await _bus.Harness.Bus.Publish(new StatementsDiscovered([english]));
        await WaitForConsumedAsync<StatementsTagged>(2);

        var tagged = _bus.Harness.Published.Select<StatementsTagged>().SelectMany(m => m.Context.Message.Statements).ToList();
        Assert.Empty(tagged.Single(t => t.Statement.Language == "fr").Topics);
        Assert.Contains(tagged.Single(t => t.Statement.Language == "en").Topics, t => t.TopicId == "collective-defence");
        var stored = _bus.Harness.Published.Select<StatementsStored>().SelectMany(m => m.Context.Message.Statements).ToList();
        Assert.Equal([(1, "fr", 0), (2, "en", 1)], stored.Select(s => (s.Revision, s.Language!, Math.Min(1, s.Topics.Count))));
        Assert.Single(stored.Select(s => s.StatementId).Distinct());
        Assert.Equal(1, await new StatementStore(_sqlite.Database).CountAsync());
    }

    [Fact]
    public async Task The_tagged_statement_carries_the_figures_it_states_with_drift_and_evidence_offsets()
    {
        await _bus.Harness.Bus.Publish(new StatementsDiscovered([Discovered("ext-f", "Sweden joins NATO: the Alliance now has 32 Allies", "hash-f")]));

        Assert.True(await _bus.Harness.Published.Any<StatementsTagged>(m => m.Context.Message.Statements.Any(s => s.Statement.ExternalId == "ext-f")));
        var tagged = _bus.Harness.Published.Select<StatementsTagged>().SelectMany(m => m.Context.Message.Statements).Single(s => s.Statement.ExternalId == "ext-f");
        Assert.Equal(new FigureValue("allies-count", 32, 30, true, "32 Allies", "title", 40), Assert.Single(tagged.Figures));
        var evidence = tagged.Topics.Single(t => t.TopicId == "open-door-enlargement").Evidence;
        Assert.Contains(evidence, e => e.Field == "title" && tagged.Statement.Title.Substring(e.Start, e.Length) == "joins NATO");
    }

    [Fact]
    public async Task A_redelivered_tagged_statement_is_stored_once_and_announced_once()
    {
        var tagged = new StatementTagged(Discovered("ext-2", "Sanctions", "hash-2"), [new TopicScore("sanctions", 0.9, [new TopicEvidence("sanctions", "title", 0, 9)])], "v1", Now);

        await _bus.Harness.Bus.Publish(new StatementsTagged([tagged]));
        await _bus.Harness.Bus.Publish(new StatementsTagged([tagged]));

        Assert.True(await _bus.Harness.Consumed.Any<StatementsTagged>());
        await WaitForConsumedAsync<StatementsTagged>(2);
        var database = _sqlite.Database;
        Assert.Equal(1, await new StatementStore(database).CountRevisionsAsync());

        // Announced once: Persistence publishes its event right after the commit and deletes it from the outbox.
        Assert.True(await _bus.Harness.Published.Any<StatementsStored>());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await new OutboxStore(database).CountAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, await new OutboxStore(database).CountAsync());
        await Task.Delay(200);
        Assert.Equal("ext-2", Assert.Single(Assert.Single(_bus.Harness.Published.Select<StatementsStored>()).Context.Message.Statements).ExternalId);
    }

    [Fact]
    public async Task Statements_discovered_together_are_each_tagged_stored_and_announced_once()
    {
        // A poll of 25 new items in one message, and 15 polls of one.
        const int count = 40;
        var statements = Enumerable.Range(0, count).Select(i => Discovered($"many-{i}", $"Allies reaffirm Article 5, statement {i}", $"hash-many-{i}")).ToList();
        await _bus.Harness.Bus.Publish(new StatementsDiscovered(statements[..25]));
        foreach (var statement in statements[25..])
        {
            await _bus.Harness.Bus.Publish(new StatementsDiscovered([statement]));
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Announced().Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var tagged = _bus.Harness.Published.Select<StatementsTagged>().SelectMany(m => m.Context.Message.Statements).Select(s => s.Statement.ExternalId).ToList();
        Assert.Equal(count, tagged.Count);
        Assert.Equal(count, tagged.Distinct().Count());
        Assert.Equal(count, Announced().Count);
        Assert.Equal(count, Announced().Distinct().Count());
        Assert.Equal(count, await new StatementStore(_sqlite.Database).CountAsync());

        List<string> Announced() =>
            [.. _bus.Harness.Published.Select<StatementsStored>().SelectMany(m => m.Context.Message.Statements).Select(s => s.ExternalId).Where(id => id.StartsWith("many-", StringComparison.Ordinal))];
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
