using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitor.Contracts;
using Monitor.Hosting.Messaging;
using Monitor.Tagging.Consumers;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Tagging;

/// <summary>
/// A poll's statements travel in one <see cref="StatementsDiscovered"/> message: one that cannot be tagged must not fail
/// its neighbours. Through MassTransit's harness, with a consumer whose tagging throws for one statement.
/// </summary>
public sealed class TagEachTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private BusHarness _bus = null!;

    public async Task InitializeAsync() =>
        _bus = await BusHarness.StartAsync(new ServiceCollection()
            .AddSingleton<TaggedIds>()
            .AddLogging()
            .AddMassTransitTestHarness(x => x.AddConsumer<ThrowingTagConsumer>()));

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_statement_that_cannot_be_tagged_is_sent_back_alone_and_its_neighbours_go_on()
    {
        await _bus.Harness.Bus.Publish(new StatementsDiscovered([Discovered("good-1"), Discovered("bad-1"), Discovered("good-2")]));

        // The sent-back message holds the bad statement alone, is marked, and fails on its own.
        Assert.True(await _bus.Harness.Consumed.Any<StatementsDiscovered>(m => m.Exception is not null));
        var failed = Assert.Single(_bus.Harness.Consumed.Select<StatementsDiscovered>(), m => m.Exception is not null);
        Assert.Equal("bad-1", Assert.Single(failed.Context.Message.Statements).ExternalId);
        Assert.True(failed.Context.Headers.TryGetHeader(SentBackAlone.Header, out _));

        // The first message succeeded with its two good statements, tagged once each.
        var first = Assert.Single(_bus.Harness.Consumed.Select<StatementsDiscovered>(), m => m.Context.Message.Statements.Count == 3);
        Assert.Null(first.Exception);
        Assert.Equal(["good-1", "good-2"], _bus.Get<TaggedIds>().Ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_message_of_one_that_cannot_be_tagged_fails_without_being_sent_back()
    {
        await _bus.Harness.Bus.Publish(new StatementsDiscovered([Discovered("bad-2")]));

        Assert.True(await _bus.Harness.Consumed.Any<StatementsDiscovered>(m => m.Exception is not null));
        await Task.Delay(200);
        var consumed = Assert.Single(_bus.Harness.Consumed.Select<StatementsDiscovered>());
        Assert.False(consumed.Context.Headers.TryGetHeader(SentBackAlone.Header, out _));
        Assert.Empty(_bus.Get<TaggedIds>().Ids);
    }

    private static StatementDiscovered Discovered(string externalId) =>
        new("ep-press-releases", externalId, $"https://example.org/{externalId}", "Title", "Summary.", "", Now, "en", $"hash-{externalId}", Now);

    public sealed class TaggedIds
    {
        public ConcurrentBag<string> Ids { get; } = [];
    }

    public sealed class ThrowingTagConsumer(TaggedIds tagged, ILogger<ThrowingTagConsumer> logger) : IConsumer<StatementsDiscovered>
    {
        public async Task Consume(ConsumeContext<StatementsDiscovered> context)
        {
            var result = await TagEach.TagAsync(context, statement => statement.ExternalId.StartsWith("bad", StringComparison.Ordinal)
                ? throw new InvalidOperationException($"cannot tag {statement.ExternalId}")
                : new StatementTagged(statement, [], "test", Now), logger);
            result.ForEach(t => tagged.Ids.Add(t.Statement.ExternalId));
        }
    }
}
